package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/internal/dburl"
	"github.com/mxmigrate/mxmigrate/internal/redact"
)

// MigrateScheme is the scheme of golang-migrate's pgx/v5 driver, which the
// stock CLI built with -tags 'postgres pgx5' accepts.
const MigrateScheme = "pgx5"

// store is a configured PostgreSQL store.
type store struct {
	name string
	// raw is connection_string as written; url is it with scheme postgresql://.
	raw, url string
	// container is the dev server mxmigrate started for the proof
	// (docker://postgres/MAJOR), "" for any other server.
	container string
	// devDB, on a dev database, is the database its connections must be
	// in: Open refuses any other (a URL parameter such as ?dbname= must
	// never lead the proof into the live database).
	devDB string
}

var schemeRE = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9.-]*)(\+[A-Za-z0-9_]+)?://`)

// Configure reads config.connection_string. A SQLAlchemy driver suffix
// ("postgresql+psycopg://") is accepted and dropped; connection_params alone
// are not enough, since golang-migrate takes only URLs.
func (Dialect) Configure(st *config.Store) (dialect.Store, error) {
	raw, err := st.String("connection_string")
	if err != nil {
		return nil, err
	}
	registerPassword(raw)
	cs := strings.TrimSpace(raw)
	if cs == "" {
		if st.Has("connection_params") {
			return nil, fmt.Errorf("store %q has connection_params but no connection_string: mxmigrate needs a URL (golang-migrate takes only URLs); set %s = \"postgresql://user:password@host:5432/db\"", st.Name, st.Key("connection_string"))
		}
		return nil, fmt.Errorf("%s: store %q: %s is not set", st.ConfigPath, st.Name, st.Key("connection_string"))
	}
	m := schemeRE.FindStringSubmatch(cs)
	if m == nil {
		return nil, fmt.Errorf("store %q: connection_string %s is not a postgresql:// URL", st.Name, redact.MaskPassword(cs))
	}
	switch strings.ToLower(m[1]) {
	case "postgres", "postgresql", "pgx", "pgx5":
	default:
		return nil, fmt.Errorf("store %q: connection_string scheme %q is not PostgreSQL's", st.Name, m[1])
	}
	return &store{name: st.Name, raw: raw, url: "postgresql://" + cs[len(m[0]):]}, nil
}

var kvPasswordRE = regexp.MustCompile(`(?i)\bpassword\s*=\s*('(?:[^'\\]|\\.)*'?|[^\s']+)`)

// registerPassword registers the connection string's password for masking
// (redact.RegisterSecret), parsed as pgx parses it (URL or libpq key=value,
// PGPASSWORD and the passfile included), and as written in a URL: everything
// between the first ":" after "://" and the last "@", which also covers
// URLs pgx cannot parse (an unencoded "/" or "#" in the password).
func registerPassword(cs string) {
	if cfg, err := pgconn.ParseConfig(cs); err == nil {
		redact.RegisterSecret(cfg.Password)
	}
	// key=value passwords as written, also where pgx gives up parsing
	for _, m := range kvPasswordRE.FindAllStringSubmatch(cs, -1) {
		v := m[1]
		if strings.HasPrefix(v, "'") {
			redact.RegisterSecret(strings.Trim(v, "'"))
			v = strings.NewReplacer(`\'`, `'`, `\\`, `\`).Replace(strings.Trim(v, "'"))
		}
		redact.RegisterSecret(v)
	}
	// the password as written in a URL too (messages quote the string as written)
	if _, rest, ok := strings.Cut(cs, "://"); ok {
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			if _, pw, ok := strings.Cut(rest[:at], ":"); ok {
				redact.RegisterSecret(pw)
				if dec, err := url.PathUnescape(pw); err == nil {
					redact.RegisterSecret(dec)
				}
			}
		}
	}
}

// Open connects and pings, failing within 10 s when the server does not
// answer (unless the connection string sets its own connect_timeout).
func (s *store) Open(ctx context.Context, _ dialect.OpenOptions) (*dialect.Handle, error) {
	cs := s.url
	if !strings.Contains(cs, "connect_timeout=") {
		cs = dburl.AddQuery(cs, "connect_timeout", "10")
	}
	db, err := sql.Open("pgx", cs)
	if err != nil {
		return nil, fmt.Errorf("store %q: %s", s.name, redact.MaskPassword(err.Error()))
	}
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store %q: cannot connect to %s: %s", s.name, redact.MaskPassword(cs), redact.MaskPassword(err.Error()))
	}
	if s.devDB != "" {
		var in string
		if err := db.QueryRowContext(pctx, "SELECT current_database()").Scan(&in); err != nil || in != s.devDB {
			db.Close()
			return nil, fmt.Errorf("the dev database's connection is in database %q, not in %q, which mxmigrate made for the proof (%v): refused, the proof never works in a database it did not make", in, s.devDB, err)
		}
	}
	return &dialect.Handle{DB: db, ID: redact.MaskPassword(s.url)}, nil
}

// URL is the store's connection_string (Metaxy's sqlalchemy_url).
func (s *store) URL(o dialect.URLOptions) (string, error) {
	return dburl.Apply(s.raw, o.Protocol, o.Port)
}

// MigrateURL is the connection string with scheme pgx5 and x-migrations-table.
func (s *store) MigrateURL(table string, o dialect.URLOptions) (string, error) {
	u := MigrateScheme + strings.TrimPrefix(s.url, "postgresql")
	u = dburl.AddQuery(u, "x-migrations-table", table)
	return dburl.Apply(u, o.Protocol, o.Port)
}
