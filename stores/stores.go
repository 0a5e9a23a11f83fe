package stores

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/schema"
)

// Queryer runs catalog queries. *sql.DB, *sql.Conn and *sql.Tx satisfy it, and
// so does Counter, which counts them.
type Queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Statement is one SQL statement of a migration file with the changes it
// carries out (for comments and safety notes).
type Statement struct {
	SQL     string
	Changes []diff.Change
	// Note is an extra comment, e.g. why a table is rebuilt.
	Note string
}

// URLOptions change the printed URL: Protocol replaces only the scheme, Port
// only the port.
type URLOptions struct {
	Protocol string
	Port     int
}

// Dialect is everything mxmigrate needs from one database.
type Dialect interface {
	// Name is the dialect's name ("duckdb"), as config.Store.Dialect says it.
	Name() string
	// NameLimit is the identifier limit in bytes (0: none).
	NameLimit() int
	// Open connects to the store's database. Close the handle when done.
	Open(ctx context.Context, st *config.Store) (*Handle, error)
	// StoreURL is the SQLAlchemy-style URL of the store (Metaxy's sqlalchemy_url).
	StoreURL(st *config.Store) (string, error)
	// MigrateURL is the URL golang-migrate needs, with x-migrations-table.
	MigrateURL(st *config.Store, migrationsTable string, o URLOptions) (string, error)
	// Introspect reads the named tables (those that exist) from the current
	// schema in a constant number of queries.
	Introspect(ctx context.Context, q Queryer, tables []string) (*schema.Schema, error)
	// Plan renders changes as statements. before is the schema the file starts
	// from and after the schema it must leave (both limited to the scope).
	Plan(changes []diff.Change, before, after *schema.Schema) ([]Statement, error)
	// Quote quotes an identifier.
	Quote(ident string) string
	// Transactional reports whether a migration file runs in one transaction.
	Transactional() bool
}

// Handle is an open database. Close releases it (a dialect may share one
// underlying *sql.DB between handles, as DuckDB must within one process).
type Handle struct {
	*sql.DB
	Release func() error
}

// Close releases the handle.
func (h *Handle) Close() error {
	if h.Release == nil {
		return h.DB.Close()
	}
	return h.Release()
}

// ApplyURLer is implemented by dialects whose URL for applying migrations
// differs from the printed one (e.g. a connect timeout, so that an unreachable
// server fails fast). Without it, MigrateURL is used.
type ApplyURLer interface {
	ApplyURL(st *config.Store, migrationsTable string) (string, error)
}

// ApplyURL returns the URL mxmigrate itself uses with golang-migrate.
func ApplyURL(d Dialect, st *config.Store, migrationsTable string) (string, error) {
	if a, ok := d.(ApplyURLer); ok {
		return a.ApplyURL(st, migrationsTable)
	}
	return d.MigrateURL(st, migrationsTable, URLOptions{})
}

var (
	mu       sync.RWMutex
	dialects = map[string]Dialect{}
)

// Register makes a dialect available by name; dialect packages call it from init.
func Register(d Dialect) {
	mu.Lock()
	defer mu.Unlock()
	dialects[d.Name()] = d
}

// Lookup returns the dialect for a store.
func Lookup(st *config.Store) (Dialect, error) {
	if st.Err != nil {
		return nil, st.Err
	}
	mu.RLock()
	defer mu.RUnlock()
	d, ok := dialects[st.Dialect]
	if !ok {
		var names []string
		for n := range dialects {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("store %q (type %s): the %s dialect is not built into this mxmigrate (available: %s)", st.Name, st.Type, st.Dialect, strings.Join(names, ", "))
	}
	return d, nil
}

// ApplyURLOptions implements --protocol and --port on a URL,
// leaving user, password, host, path and query as they are.
func ApplyURLOptions(raw string, o URLOptions) (string, error) {
	if o.Protocol == "" && o.Port == 0 {
		return raw, nil
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return "", fmt.Errorf("URL %s has no scheme", MaskPassword(raw))
	}
	if o.Protocol != "" {
		if !regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*$`).MatchString(o.Protocol) {
			return "", fmt.Errorf("--protocol %q is not a URL scheme", o.Protocol)
		}
		scheme = o.Protocol
	}
	if o.Port != 0 {
		if o.Port < 0 || o.Port > 65535 {
			return "", fmt.Errorf("--port %d is out of range", o.Port)
		}
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		authority := rest[:end]
		at := strings.LastIndex(authority, "@")
		hostport := authority[at+1:]
		host := hostport
		if strings.HasPrefix(hostport, "[") {
			if i := strings.Index(hostport, "]"); i >= 0 {
				host = hostport[:i+1]
			}
		} else if i := strings.LastIndex(hostport, ":"); i >= 0 {
			host = hostport[:i]
		}
		if host == "" {
			return "", fmt.Errorf("URL %s has no host to put a port on", MaskPassword(raw))
		}
		rest = authority[:at+1] + host + fmt.Sprintf(":%d", o.Port) + rest[end:]
	}
	return scheme + "://" + rest, nil
}

// AddQuery appends query parameters to a URL, keeping the existing query as it is.
func AddQuery(raw string, kv ...string) string {
	var b strings.Builder
	b.WriteString(raw)
	sep := "?"
	if strings.Contains(raw, "?") {
		sep = "&"
	}
	for i := 0; i+1 < len(kv); i += 2 {
		b.WriteString(sep + url.QueryEscape(kv[i]) + "=" + url.QueryEscape(kv[i+1]))
		sep = "&"
	}
	return b.String()
}

var passwordRE = regexp.MustCompile(`(://[^:/?#@\s]*:)[^@/?#\s]*@`)

// MaskPassword hides the password of every URL in s.
func MaskPassword(s string) string {
	return passwordRE.ReplaceAllString(s, "${1}***@")
}

// QuoteDouble quotes an identifier with double quotes (SQL standard).
func QuoteDouble(ident string) string {
	return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"`
}

// QuoteList quotes and joins identifiers.
func QuoteList(d Dialect, idents []string) string {
	q := make([]string, len(idents))
	for i, s := range idents {
		q[i] = d.Quote(s)
	}
	return strings.Join(q, ", ")
}
