package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/duckdb/duckdb-go/v2" // also registers database/sql driver "duckdb"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/internal/dburl"
)

// store is a configured DuckDB store: config.database, as written and resolved.
type store struct {
	name string
	// database is config.database as written; path is it resolved against
	// the configuration's directory ("md:..." as it is).
	database, path string
	// setup is what its config, extensions and ducklake have every
	// connection do (nil: nothing).
	setup *setup
}

// Configure reads config.database, the database file.
func (Dialect) Configure(st *config.Store) (dialect.Store, error) {
	db, err := st.String("database")
	if err != nil {
		return nil, err
	}
	if db == "" {
		return nil, fmt.Errorf("%s: store %q: %s is not set (the DuckDB file path)", st.ConfigPath, st.Name, st.Key("database"))
	}
	set, err := readSetup(st)
	if err != nil {
		return nil, err
	}
	if db == ":memory:" && set.lake != nil {
		// the tables live in the lake: an in-memory database only hosts
		// it, under a name of its own (the proof's in-memory dev databases
		// must never get the lake)
		s := &store{name: st.Name, database: db, path: lakeHost + st.Name, setup: set}
		return s, register(s.path, st.Name, set)
	}
	if db == ":memory:" {
		return nil, fmt.Errorf("%s: %s = \":memory:\": an in-memory DuckDB lives only inside one process, so there is nothing for migrations to change or record; point the store at a file",
			st.ConfigPath, st.Key("database"))
	}
	if strings.Contains(db, "?") {
		// DuckDB cuts such a path at "?" when it names its WAL file
		// ("x.wal?y/f.duckdb"), so commits fail or land elsewhere
		return nil, fmt.Errorf("%s: %s = %q: DuckDB cannot use a database file whose path contains \"?\" (it cuts the path there for its write-ahead log); rename the file or its directory",
			st.ConfigPath, st.Key("database"), db)
	}
	s := &store{name: st.Name, database: db, path: db, setup: set}
	if !strings.HasPrefix(db, "md:") {
		s.path = st.Resolve(db)
	}
	return s, register(s.path, st.Name, set)
}

// Open opens the database file. A read-only command on a file that does not
// exist yet reads an empty database and does not create the file: only
// applying migrations creates it. A read-only command opens an existing file
// read-only (DuckDB's access_mode), so that it works on a read-only mount
// and writes nothing, not even a write-ahead log.
func (s *store) Open(ctx context.Context, o dialect.OpenOptions) (*dialect.Handle, error) {
	if o.ReadOnly && (s.setup == nil || s.setup.lake == nil) && !strings.HasPrefix(s.path, "md:") {
		if _, err := os.Stat(s.path); os.IsNotExist(err) {
			// an empty database in memory, set up as the file would be
			// (its settings and extensions: one that fails says so now)
			db, err := openDSN("", s.setup)
			if err != nil {
				return nil, err
			}
			if err := db.PingContext(ctx); err != nil {
				db.Close()
				return nil, fmt.Errorf("open DuckDB database %s: %w", s.path, err)
			}
			return &dialect.Handle{DB: db, ID: s.path}, nil
		}
	}
	return openShared(ctx, s.path, o.ReadOnly, o.ExitSoon)
}

// StorageVersion is the storage format of database files mxmigrate creates.
const StorageVersion = "v1.2.0"

// shared DuckDB instances, one per file and process: two instances of one
// file in a process would not see each other's writes.
var (
	sharedMu sync.Mutex
	shared   = map[string]*instance{}
)

type instance struct {
	db       *sql.DB
	refs     int
	readOnly bool
}

// OpenPath opens (or shares) the database file at path, creating it when it
// does not exist. A file locked by another process gives an error that says so.
func OpenPath(ctx context.Context, path string) (*dialect.Handle, error) {
	return openShared(ctx, path, false, false)
}

// openShared opens or shares the instance of path. exitSoon (a read-only
// command-line process) makes releasing the last handle leave the instance
// open: the process is about to exit, the operating system releases the file
// and its lock, and nothing was written that a checkpoint would have to save.
// It spares freeing a large catalog (tens of milliseconds for 1,000 tables).
// readOnly opens the file read-only unless this process has it open already
// (a read-write instance serves readers too); a read-only instance left
// open with no handle gives way to a read-write one.
func openShared(ctx context.Context, path string, readOnly, exitSoon bool) (*dialect.Handle, error) {
	key := sharedKey(path)
	sharedMu.Lock()
	defer sharedMu.Unlock()
	in := shared[key]
	if in != nil && in.readOnly && !readOnly {
		if in.refs > 0 {
			return nil, fmt.Errorf("DuckDB database %s is open read-only in this process (%d handle(s)); close them before writing to it", key, in.refs)
		}
		in.db.Close()
		delete(shared, key)
		in = nil
	}
	set := setupFor(key)
	if set != nil && set.lake != nil {
		readOnly = false // the file only hosts the lake, which is attached read-write as Metaxy does
	}
	if in == nil {
		_, statErr := os.Stat(key)
		fresh := os.IsNotExist(statErr) // a file this open makes
		db, err := openFile(key, readOnly, fresh, set)
		if err != nil {
			return nil, explainOpen(key, err)
		}
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			var se *SetupError
			if errors.As(err, &se) && fresh {
				// the file the failed open made: nothing was written there
				os.Remove(key)
				os.Remove(key + ".wal")
			}
			return nil, explainOpen(key, err)
		}
		in = &instance{db: db, readOnly: readOnly}
		shared[key] = in
	}
	in.refs++
	var once sync.Once
	return &dialect.Handle{DB: in.db, ID: key, Release: func() error {
		var err error
		once.Do(func() {
			sharedMu.Lock()
			defer sharedMu.Unlock()
			in.refs--
			if in.refs == 0 && !exitSoon {
				delete(shared, key)
				err = in.db.Close()
			}
		})
		return err
	}}, nil
}

// sharedKey is the key of path's instance in this process: its absolute
// path; ":memory:", a lake's host and MotherDuck's md: as they are.
func sharedKey(path string) string {
	if path == ":memory:" || path == "" || strings.HasPrefix(path, lakeHost) || strings.HasPrefix(path, "md:") {
		return path
	}
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// lakeHost names the in-memory database that hosts a store's lake when its
// database is ":memory:" (lakeHost + the store's name).
const lakeHost = "mxmigrate-lake-host:"

// openFile opens the DuckDB file at path (":memory:", or a lake's host: a
// database in memory); fresh says it does not exist yet.
// A new file gets DuckDB's v1.2 storage format: for 1,000 feature tables it
// is ~20x smaller than the default v1.0-compatible format and opens ~3x
// faster (docs/duckdb.md); DuckDB >= 1.2 (Python included) reads it.
//
// duckdb-go takes a DSN: the path up to the first "?", parsed as a URL. A
// path it cannot parse ("%" not followed by two hex digits) is attached by
// SQL instead, to an in-memory instance whose every
// connection then USEs it: the same file, the same catalog queries.
func openFile(path string, readOnly, fresh bool, set *setup) (*sql.DB, error) {
	if path == ":memory:" || strings.HasPrefix(path, lakeHost) {
		return openDSN("", set)
	}
	if _, err := url.Parse(path); err == nil {
		q := url.Values{}
		switch {
		case readOnly:
			q.Set("access_mode", "READ_ONLY")
		case fresh:
			q.Set("storage_compatibility_version", StorageVersion)
		}
		dsn := path
		if len(q) > 0 {
			dsn += "?" + q.Encode()
		}
		return openDSN(dsn, set)
	}
	attach := "ATTACH IF NOT EXISTS '" + strings.ReplaceAll(path, "'", "''") + "' AS mxmigrate_db"
	switch {
	case readOnly:
		attach += " (READ_ONLY)"
	case fresh:
		attach += " (STORAGE_VERSION '" + StorageVersion + "')"
	}
	pre := []string{attach, "USE mxmigrate_db"}
	if set != nil {
		for _, kv := range set.settings {
			pre = append([]string{"SET " + kv[0] + " = " + sqlValue(kv[1])}, pre...)
		}
	}
	c, err := duckdb.NewConnector("", func(ex driver.ExecerContext) error {
		for _, q := range pre {
			if _, err := ex.ExecContext(context.Background(), q, nil); err != nil {
				return err
			}
		}
		return set.run(ex)
	})
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(c), nil
}

// openDSN opens dsn with the store's settings as DuckDB's configuration
// (as Metaxy passes them to duckdb.connect) and its extensions and lake set
// up on every connection.
func openDSN(dsn string, set *setup) (*sql.DB, error) {
	if set.empty() {
		return sql.Open("duckdb", dsn)
	}
	if len(set.settings) > 0 {
		q := url.Values{}
		for _, kv := range set.settings {
			q.Set(kv[0], kv[1])
		}
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		dsn += sep + q.Encode()
	}
	c, err := duckdb.NewConnector(dsn, set.run)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(c), nil
}

var lockRE = regexp.MustCompile(`(?i)could not set lock on file.*?(Conflicting lock is held in [^\n]*)`)

// mxRun: the process holding the file is an mxmigrate binary.
var mxRun = regexp.MustCompile(`held in \S*/mxmigrate \(PID`)

func explainOpen(path string, err error) error {
	if m := lockRE.FindStringSubmatch(err.Error()); m != nil {
		held := strings.TrimRight(m[1], ". ")
		if mxRun.MatchString(held) {
			return &dialect.InUseError{Msg: fmt.Sprintf("DuckDB database file %s is in use by another mxmigrate run (%s), applying migrations: wait for it to finish; DuckDB allows one writer process per file", path, held)}
		}
		return &dialect.InUseError{Msg: fmt.Sprintf("DuckDB database file %s is in use by another process (%s); DuckDB allows one writer process per file: close that process (a Python session, notebook or DuckDB CLI) and try again",
			path, held)}
	}
	return fmt.Errorf("open DuckDB database %s: %w", path, err)
}

// URL mirrors Metaxy's sqlalchemy_url: duckdb:///<database> as written.
func (s *store) URL(o dialect.URLOptions) (string, error) {
	if o.Port != 0 {
		return "", fmt.Errorf("store %q is a DuckDB file: it has no port (--port)", s.name)
	}
	return dburl.Apply("duckdb:///"+s.database, o.Protocol, o.Port)
}

// MigrateURL is duckdb://<absolute path>?x-migrations-table=<table>, the URL
// the driver in this package (registered as "duckdb") accepts.
func (s *store) MigrateURL(table string, o dialect.URLOptions) (string, error) {
	if s.setup != nil && s.setup.lake != nil {
		return "", fmt.Errorf("store %q keeps its tables in a DuckLake, which golang-migrate's DuckDB driver would not attach: a migrate URL would open the plain database. Apply migrations with `mxmigrate up`", s.name)
	}
	if o.Port != 0 {
		return "", fmt.Errorf("store %q is a DuckDB file: it has no port (--port)", s.name)
	}
	u := dburl.AddQuery("duckdb://"+escapePath(s.path), "x-migrations-table", table)
	return dburl.Apply(u, o.Protocol, 0)
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

// EngineVersion is the linked DuckDB library's version (v1.5.0), read from an
// in-memory database.
func EngineVersion() (string, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return "", err
	}
	defer db.Close()
	var v string
	err = db.QueryRow("SELECT library_version FROM pragma_version()").Scan(&v)
	return v, err
}

// Dev is an in-memory DuckDB database, empty, for the process's lifetime
// of the returned store ("" or "duckdb::memory:"); DuckDB takes no other
// dev_url (a file would have to be emptied first).
func (Dialect) Dev(_ context.Context, _ dialect.Store, devURL string) (dialect.Store, func(), error) {
	if devURL != "" && devURL != "duckdb::memory:" {
		return nil, nil, fmt.Errorf("dev_url %q: a DuckDB dev database is in memory (leave dev_url unset, or \"duckdb::memory:\")", devURL)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, nil, err
	}
	return &memStore{db: db}, func() { db.Close() }, nil
}

// memStore is an in-memory dev database: every Open shares it.
type memStore struct{ db *sql.DB }

func (m *memStore) Open(context.Context, dialect.OpenOptions) (*dialect.Handle, error) {
	return &dialect.Handle{DB: m.db, ID: ":memory:", Release: func() error { return nil }}, nil
}

func (m *memStore) URL(dialect.URLOptions) (string, error) { return "duckdb::memory:", nil }

func (m *memStore) MigrateURL(string, dialect.URLOptions) (string, error) {
	return "", fmt.Errorf("an in-memory dev database has no URL for golang-migrate's CLI")
}
