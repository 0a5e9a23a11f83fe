package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"time"

	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5" // golang-migrate driver "pgx5"
	_ "github.com/jackc/pgx/v5/stdlib"                       // database/sql driver "pgx"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/stores"
)

// MigrateScheme is the scheme of golang-migrate's pgx/v5 driver, which the
// stock CLI built with -tags 'postgres pgx5' accepts.
const MigrateScheme = "pgx5"

// Dialect is the PostgreSQL dialect.
type Dialect struct{}

func init() { stores.Register(Dialect{}) }

// Name is "postgresql", as config.Store.Dialect says it.
func (Dialect) Name() string { return "postgresql" }

// NameLimit: PostgreSQL keeps the first 63 bytes of an identifier.
func (Dialect) NameLimit() int { return 63 }

// Quote quotes an identifier.
func (Dialect) Quote(s string) string { return stores.QuoteDouble(s) }

// Transactional: golang-migrate's pgx5 driver sends a file as one multi-statement
// query, which PostgreSQL runs as one implicit transaction.
func (Dialect) Transactional() bool { return true }

var schemeRE = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9.-]*)(\+[A-Za-z0-9_]+)?://`)

// connectionString returns the store's URL with a SQLAlchemy driver suffix
// ("postgresql+psycopg://") removed.
func connectionString(st *config.Store) (string, error) {
	cs := strings.TrimSpace(st.ConnectionString)
	if cs == "" {
		if len(st.ConnectionParams) > 0 {
			return "", fmt.Errorf("store %q has connection_params but no connection_string: mxmigrate needs a URL (golang-migrate takes only URLs); set stores.%s.config.connection_string = \"postgresql://user:password@host:5432/db\"", st.Name, st.Name)
		}
		return "", fmt.Errorf("store %q: config.connection_string is not set", st.Name)
	}
	m := schemeRE.FindStringSubmatch(cs)
	if m == nil {
		return "", fmt.Errorf("store %q: connection_string %s is not a postgresql:// URL", st.Name, stores.MaskPassword(cs))
	}
	switch strings.ToLower(m[1]) {
	case "postgres", "postgresql", "pgx", "pgx5":
	default:
		return "", fmt.Errorf("store %q: connection_string scheme %q is not PostgreSQL's", st.Name, m[1])
	}
	return "postgresql://" + cs[len(m[0]):], nil
}

// Open connects and pings, failing within 10 s when the server does not answer.
func (Dialect) Open(ctx context.Context, st *config.Store) (*stores.Handle, error) {
	cs, err := connectionString(st)
	if err != nil {
		return nil, err
	}
	if !strings.Contains(cs, "connect_timeout=") {
		cs = stores.AddQuery(cs, "connect_timeout", "10")
	}
	db, err := sql.Open("pgx", cs)
	if err != nil {
		return nil, fmt.Errorf("store %q: %s", st.Name, stores.MaskPassword(err.Error()))
	}
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store %q: cannot connect to %s: %s", st.Name, stores.MaskPassword(cs), stores.MaskPassword(err.Error()))
	}
	return &stores.Handle{DB: db}, nil
}

// StoreURL is the store's connection_string (Metaxy's sqlalchemy_url).
func (Dialect) StoreURL(st *config.Store) (string, error) {
	if _, err := connectionString(st); err != nil {
		return "", err
	}
	return st.ConnectionString, nil
}

// MigrateURL is the connection string with scheme pgx5 and x-migrations-table.
func (Dialect) MigrateURL(st *config.Store, table string, o stores.URLOptions) (string, error) {
	cs, err := connectionString(st)
	if err != nil {
		return "", err
	}
	u := MigrateScheme + strings.TrimPrefix(cs, "postgresql")
	u = stores.AddQuery(u, "x-migrations-table", table)
	return stores.ApplyURLOptions(u, o)
}

// ApplyURL is MigrateURL with connect_timeout=10 (unless the store sets one),
// so that `up`, `down`, `status` and `force` fail fast on an unreachable server.
func (d Dialect) ApplyURL(st *config.Store, table string) (string, error) {
	u, err := d.MigrateURL(st, table, stores.URLOptions{})
	if err != nil || strings.Contains(u, "connect_timeout=") {
		return u, err
	}
	return stores.AddQuery(u, "connect_timeout", "10"), nil
}
