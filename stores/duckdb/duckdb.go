package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	_ "github.com/duckdb/duckdb-go/v2" // registers database/sql driver "duckdb"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/stores"
)

// Dialect is the DuckDB dialect.
type Dialect struct{}

func init() { stores.Register(Dialect{}) }

// Name is "duckdb".
func (Dialect) Name() string { return "duckdb" }

// NameLimit: DuckDB has no identifier length limit.
func (Dialect) NameLimit() int { return 0 }

// Quote quotes an identifier.
func (Dialect) Quote(s string) string { return stores.QuoteDouble(s) }

// Transactional: DDL is transactional; the driver runs each file in one transaction.
func (Dialect) Transactional() bool { return true }

// Open opens the store's database file for reading the schema. A file that
// does not exist yet reads as an empty database and is not created: only
// applying migrations (the driver) creates it.
func (Dialect) Open(ctx context.Context, st *config.Store) (*stores.Handle, error) {
	path := st.DatabasePath()
	if path == "" {
		return nil, fmt.Errorf("store %q: config.database is not set (the DuckDB file path)", st.Name)
	}
	if path != ":memory:" {
		if _, err := os.Stat(path); os.IsNotExist(err) {
			db, err := sql.Open("duckdb", "")
			if err != nil {
				return nil, err
			}
			return &stores.Handle{DB: db}, nil
		}
	}
	return OpenPath(ctx, path)
}

// StorageVersion is the storage format of database files mxmigrate creates.
const StorageVersion = "v1.2.0"

// LeaveOpenAtExit, when set (by a command-line process that only reads the
// database), makes releasing the last handle leave the DuckDB instance open:
// the process is about to exit, the operating system releases the file and its
// lock, and nothing was written that a checkpoint would have to save. It spares
// freeing a large catalog (tens of milliseconds for 1,000 tables).
var LeaveOpenAtExit bool

// shared DuckDB instances, one per file and process: two instances of one
// file in a process would not see each other's writes.
var (
	sharedMu sync.Mutex
	shared   = map[string]*instance{}
)

type instance struct {
	db   *sql.DB
	refs int
}

// OpenPath opens (or shares) the database file at path. A file locked by
// another process gives an error that says so.
func OpenPath(ctx context.Context, path string) (*stores.Handle, error) {
	key := path
	if path != ":memory:" && path != "" {
		if abs, err := filepath.Abs(path); err == nil {
			key = abs
		}
	}
	sharedMu.Lock()
	defer sharedMu.Unlock()
	in := shared[key]
	if in == nil {
		dsn := key
		if dsn == ":memory:" {
			dsn = ""
		} else if _, err := os.Stat(key); os.IsNotExist(err) {
			// A new file gets DuckDB's v1.2 storage format: for 1,000 feature
			// tables it is ~20x smaller than the default v1.0-compatible
			// format and opens ~3x faster (docs/duckdb.md). DuckDB >= 1.2
			// (Python included) reads it.
			dsn += "?storage_compatibility_version=" + StorageVersion
		}
		db, err := sql.Open("duckdb", dsn)
		if err != nil {
			return nil, explainOpen(key, err)
		}
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, explainOpen(key, err)
		}
		in = &instance{db: db}
		shared[key] = in
	}
	in.refs++
	var once sync.Once
	return &stores.Handle{DB: in.db, Release: func() error {
		var err error
		once.Do(func() {
			sharedMu.Lock()
			defer sharedMu.Unlock()
			in.refs--
			if in.refs == 0 && !LeaveOpenAtExit {
				delete(shared, key)
				err = in.db.Close()
			}
		})
		return err
	}}, nil
}

var lockRE = regexp.MustCompile(`(?i)could not set lock on file.*?(Conflicting lock is held in [^\n]*)`)

func explainOpen(path string, err error) error {
	if m := lockRE.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("DuckDB database file %s is in use by another process (%s); DuckDB allows one writer process per file: close that process (a Python session, notebook or DuckDB CLI) and try again",
			path, strings.TrimRight(m[1], ". "))
	}
	return fmt.Errorf("open DuckDB database %s: %w", path, err)
}

// StoreURL mirrors Metaxy's sqlalchemy_url: duckdb:///<database>.
func (Dialect) StoreURL(st *config.Store) (string, error) {
	if st.Database == "" {
		return "", fmt.Errorf("store %q: config.database is not set (the DuckDB file path)", st.Name)
	}
	return "duckdb:///" + st.Database, nil
}

// MigrateURL is duckdb://<absolute path>?x-migrations-table=<table>, the URL
// the driver in this package (registered as "duckdb") accepts.
func (Dialect) MigrateURL(st *config.Store, table string, o stores.URLOptions) (string, error) {
	path := st.DatabasePath()
	if path == "" {
		return "", fmt.Errorf("store %q: config.database is not set (the DuckDB file path)", st.Name)
	}
	if o.Port != 0 {
		return "", fmt.Errorf("store %q is a DuckDB file: it has no port (--port)", st.Name)
	}
	u := stores.AddQuery("duckdb://"+escapePath(path), "x-migrations-table", table)
	return stores.ApplyURLOptions(u, stores.URLOptions{Protocol: o.Protocol})
}

func escapePath(p string) string {
	return strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(p)
}

// parseURL splits a duckdb:// URL into the file path and the query.
func parseURL(raw string) (string, url.Values, error) {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return "", nil, fmt.Errorf("invalid DuckDB URL %q: expected duckdb://<path>", raw)
	}
	p, q, _ := strings.Cut(rest, "?")
	path, err := url.PathUnescape(p)
	if err != nil {
		return "", nil, fmt.Errorf("invalid DuckDB URL %q: %w", raw, err)
	}
	vals, err := url.ParseQuery(q)
	if err != nil {
		return "", nil, fmt.Errorf("invalid DuckDB URL %q: %w", raw, err)
	}
	if path == "" {
		return "", nil, fmt.Errorf("invalid DuckDB URL %q: no file path", raw)
	}
	return path, vals, nil
}
