package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"sync"

	"github.com/golang-migrate/migrate/v4/database"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/internal/catalog"
	"github.com/mxmigrate/mxmigrate/internal/sqltext"
)

// DefaultMigrationsTable is golang-migrate's default table name.
const DefaultMigrationsTable = "schema_migrations"

func init() { database.Register("duckdb", &Driver{}) }

var _ database.Driver = (*Driver)(nil)

// Driver is a golang-migrate database driver for DuckDB files, with the
// semantics of the built-in drivers: a version + dirty row in the migrations
// table (x-migrations-table), each migration file run in one transaction, and
// a lock per database file and migrations table.
type Driver struct {
	h     *dialect.Handle
	table string
	lock  *sync.Mutex
	held  bool
}

var (
	locksMu sync.Mutex
	locks   = map[string]*sync.Mutex{}
)

// Open opens duckdb://<path>?x-migrations-table=<table>.
func (*Driver) Open(rawURL string) (database.Driver, error) {
	path, q, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	table := q.Get("x-migrations-table")
	if table == "" {
		table = DefaultMigrationsTable
	}
	h, err := OpenPath(context.Background(), path)
	if err != nil {
		return nil, err
	}
	return WithInstance(h, table)
}

// MigrateDriver is WithInstance: the dialect's golang-migrate driver.
func (Dialect) MigrateDriver(h *dialect.Handle, table string) (database.Driver, error) {
	return WithInstance(h, table)
}

// WithInstance returns the driver for an open database, recording versions in
// table (created when missing). The driver owns h: Close releases it.
func WithInstance(h *dialect.Handle, table string) (database.Driver, error) {
	d := &Driver{h: h, table: table}
	locksMu.Lock()
	key := h.ID + "\x00" + table
	if locks[key] == nil {
		locks[key] = &sync.Mutex{}
	}
	d.lock = locks[key]
	locksMu.Unlock()
	if err := d.ensureTable(); err != nil {
		h.Close()
		return nil, err
	}
	return d, nil
}

// ensureTable creates the migrations table unless it exists. Existence is
// probed by reading no row of it (a catalog lookup by name, constant time
// whatever the number of tables), so that reading the version of an
// existing database writes nothing.
func (d *Driver) ensureTable() error {
	t := sqltext.QuoteDouble(d.table)
	if rows, err := d.h.Query("SELECT version, dirty FROM " + t + " LIMIT 0"); err == nil {
		return rows.Close()
	}
	q := "CREATE TABLE IF NOT EXISTS " + t + " (version BIGINT NOT NULL PRIMARY KEY, dirty BOOLEAN NOT NULL)"
	if _, err := d.h.Exec(q); err != nil {
		return &database.Error{OrigErr: err, Err: "create migrations table", Query: []byte(q)}
	}
	return nil
}

// Close releases the database file.
func (d *Driver) Close() error { return d.h.Close() }

// Lock takes the lock for this file and migrations table. Another process
// cannot open the file at all while this one has it open (DuckDB's own file lock).
func (d *Driver) Lock() error {
	if !d.lock.TryLock() {
		return database.ErrLocked
	}
	d.held = true
	return nil
}

// Unlock releases the lock.
func (d *Driver) Unlock() error {
	if d.held {
		d.held = false
		d.lock.Unlock()
	}
	return nil
}

// Run executes one migration file in a single transaction, statement by
// statement as internal/sqltext.Split cuts it (quotes, dollar quotes and
// comments respected), so that a failure names its statement and line:
// DuckDB's errors carry neither. What runs is what the reviewer read. A
// failure rolls back the whole file.
func (d *Driver) Run(migration io.Reader) error {
	body, err := io.ReadAll(migration)
	if err != nil {
		return err
	}
	stmts := sqltext.Split(string(body))
	if len(stmts) == 0 {
		return nil // comments only: DuckDB refuses an empty query
	}
	ctx := context.Background()
	tx, err := d.h.BeginTx(ctx, nil)
	if err != nil {
		return &database.Error{OrigErr: err, Err: "begin transaction"}
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.Text); err != nil {
			tx.Rollback()
			return &database.Error{OrigErr: err, Err: "migration failed (rolled back)", Line: uint(st.Line), Query: []byte(st.Text)}
		}
	}
	if err := tx.Commit(); err != nil {
		return &database.Error{OrigErr: err, Err: "commit failed"}
	}
	return nil
}

// SetVersion records version and dirty, replacing the previous row.
func (d *Driver) SetVersion(version int, dirty bool) error {
	tx, err := d.h.Begin()
	if err != nil {
		return &database.Error{OrigErr: err, Err: "begin transaction"}
	}
	t := sqltext.QuoteDouble(d.table)
	if _, err := tx.Exec("DELETE FROM " + t); err != nil {
		tx.Rollback()
		return &database.Error{OrigErr: err, Query: []byte("DELETE FROM " + t)}
	}
	if version >= 0 || (version == database.NilVersion && dirty) {
		q := "INSERT INTO " + t + " (version, dirty) VALUES (?, ?)"
		if _, err := tx.Exec(q, version, dirty); err != nil {
			tx.Rollback()
			return &database.Error{OrigErr: err, Query: []byte(q)}
		}
	}
	if err := tx.Commit(); err != nil {
		return &database.Error{OrigErr: err, Err: "commit failed"}
	}
	return nil
}

// Version returns the recorded version, or NilVersion when none is.
func (d *Driver) Version() (int, bool, error) {
	var v int64
	var dirty bool
	q := "SELECT version, dirty FROM " + sqltext.QuoteDouble(d.table) + " LIMIT 1"
	err := d.h.QueryRow(q).Scan(&v, &dirty)
	switch {
	case err == sql.ErrNoRows:
		return database.NilVersion, false, nil
	case err != nil:
		return 0, false, &database.Error{OrigErr: err, Query: []byte(q)}
	}
	return int(v), dirty, nil
}

// Drop drops every table and view in the current schema.
func (d *Driver) Drop() error {
	var names []string
	err := catalog.Scan(context.Background(), d.h, "list tables", `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = current_schema() AND NOT internal`, nil, func(r *sql.Rows) error {
		var n string
		err := r.Scan(&n)
		names = append(names, n)
		return err
	})
	if err != nil {
		return err
	}
	for _, n := range names {
		if _, err := d.h.Exec("DROP TABLE IF EXISTS " + sqltext.QuoteDouble(n) + " CASCADE"); err != nil {
			return fmt.Errorf("drop %s: %w", n, err)
		}
	}
	return nil
}

// VersionQuery reads the driver's one-row migrations table.
func (Dialect) VersionQuery(migrationsTable string) string {
	return "SELECT version, dirty FROM " + sqltext.QuoteDouble(migrationsTable) + " LIMIT 1"
}
