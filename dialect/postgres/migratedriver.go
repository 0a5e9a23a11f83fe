package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/golang-migrate/migrate/v4/database"
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5" // registers golang-migrate's driver "pgx5" for URLs
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/internal/catalog"
	"github.com/mxmigrate/mxmigrate/internal/sqltext"
	"github.com/mxmigrate/mxmigrate/schema"
)

// MigrateDriver is mxmigrate's golang-migrate driver for PostgreSQL on the
// open pool, recording versions in table of the current schema. It keeps
// golang-migrate's pgx/v5 driver's table (version bigint primary key, dirty
// boolean; one row), its advisory lock key and its file semantics (a file is
// one multi-statement query: one implicit transaction), so mxmigrate and the
// stock CLI exclude each other and read each other's state. It differs where
// that driver can deadlock a migration: opening it takes no lock, and Lock
// never waits inside the database (pg_try_advisory_lock; the runner polls).
// A session waiting in pg_advisory_lock holds a snapshot, which a running
// CREATE INDEX CONCURRENTLY waits for while it holds the lock: PostgreSQL
// ends one of them with "deadlock detected", leaving the index INVALID.
// The driver owns h: closing it closes the pool.
func (Dialect) MigrateDriver(h *dialect.Handle, table string) (database.Driver, error) {
	d, err := openDriver(h, table)
	if err != nil {
		h.Close()
		return nil, err
	}
	return d, nil
}

// Driver is the golang-migrate driver MigrateDriver returns.
type Driver struct {
	h      *dialect.Handle
	conn   *sql.Conn // the session that holds the advisory lock and runs files
	schema string
	table  string
	aid    int64
	locked bool
}

func openDriver(h *dialect.Handle, table string) (*Driver, error) {
	ctx := context.Background()
	conn, err := h.Conn(ctx)
	if err != nil {
		return nil, err
	}
	var dbName, schema sql.NullString
	q := `SELECT current_database(), current_schema()`
	if err := conn.QueryRowContext(ctx, q).Scan(&dbName, &schema); err != nil {
		conn.Close()
		return nil, &database.Error{OrigErr: err, Query: []byte(q)}
	}
	if !schema.Valid || schema.String == "" {
		conn.Close()
		return nil, errors.New("no current schema: the search_path names no schema that exists")
	}
	// the key golang-migrate's postgres and pgx drivers lock when the stock
	// CLI opens `mxmigrate url`: their database name is that URL's path,
	// slash included ("/metaxy"), not current_database()
	key, err := database.GenerateAdvisoryLockId(lockDatabase(h.ID, dbName.String), schema.String, table)
	if err != nil {
		conn.Close()
		return nil, err
	}
	aid, err := strconv.ParseInt(key, 10, 64)
	if err != nil {
		conn.Close()
		return nil, err
	}
	d := &Driver{h: h, conn: conn, schema: schema.String, table: table, aid: aid}
	if err := d.ensureTable(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return d, nil
}

// lockDatabase is the database name golang-migrate's drivers key the
// migrations lock on when opened by URL: the URL's path as url.Parse reads
// it ("/metaxy"; "" when the URL names none). id is the store's URL (the
// handle's ID); a connection string that is not a URL keys on name.
func lockDatabase(id, name string) string {
	if u, err := url.Parse(id); err == nil && u.Scheme != "" {
		return u.Path
	}
	return name
}

func (d *Driver) qualified() string {
	return sqltext.QuoteDouble(d.schema) + "." + sqltext.QuoteDouble(d.table)
}

// ensureTable creates the migrations table unless it exists (a read-only
// role can read the version of an existing one). Two runs creating it at
// once: the loser's CREATE fails on the catalog's unique index, and it finds
// the table on a second look.
func (d *Driver) ensureTable(ctx context.Context) error {
	exists := func() (bool, error) {
		var n int
		q := `SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = $1 AND tablename = $2`
		if err := d.conn.QueryRowContext(ctx, q, d.schema, d.table).Scan(&n); err != nil {
			return false, &database.Error{OrigErr: err, Query: []byte(q)}
		}
		return n > 0, nil
	}
	if ok, err := exists(); err != nil || ok {
		return err
	}
	q := `CREATE TABLE IF NOT EXISTS ` + d.qualified() + ` (version bigint not null primary key, dirty boolean not null)`
	if _, err := d.conn.ExecContext(ctx, q); err != nil {
		if ok, _ := exists(); ok {
			return nil
		}
		return &database.Error{OrigErr: err, Query: []byte(q)}
	}
	return nil
}

// Open opens a pgx5:// URL: mxmigrate reaches PostgreSQL through the
// dialect's stores, so this is only for database.Driver's contract.
func (*Driver) Open(string) (database.Driver, error) {
	return nil, errors.New("open PostgreSQL through the dialect's store (dialect/postgres), not by URL")
}

// Close ends the session (releasing a lock it holds) and the pool.
func (d *Driver) Close() error {
	return errors.Join(d.conn.Close(), d.h.Close())
}

// Lock takes the migrations lock if no one holds it, and answers
// database.ErrLocked at once otherwise: it never waits in the database.
func (d *Driver) Lock() error {
	if d.locked {
		return database.ErrLocked
	}
	var ok bool
	q := `SELECT pg_try_advisory_lock($1)`
	if err := d.conn.QueryRowContext(context.Background(), q, d.aid).Scan(&ok); err != nil {
		return &database.Error{OrigErr: err, Err: "try lock failed", Query: []byte(q)}
	}
	if !ok {
		return database.ErrLocked
	}
	d.locked = true
	return nil
}

// Unlock releases the lock.
func (d *Driver) Unlock() error {
	if !d.locked {
		return database.ErrNotLocked
	}
	q := `SELECT pg_advisory_unlock($1)`
	if _, err := d.conn.ExecContext(context.Background(), q, d.aid); err != nil {
		return &database.Error{OrigErr: err, Query: []byte(q)}
	}
	d.locked = false
	return nil
}

// LockHolder says who holds the migrations lock ("" when no one does or it
// cannot tell): the runner prints it while it waits.
func (d *Driver) LockHolder() string {
	q := `SELECT l.pid, coalesce(a.usename, ''), coalesce(a.application_name, ''), coalesce(a.state, ''),
		coalesce(extract(epoch FROM now() - a.query_start), 0)::float8, left(coalesce(a.query, ''), 8000)
	FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
	WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
	  AND l.classid::bigint = $1 AND l.objid::bigint = $2 AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())`
	hi, lo := int64(uint64(d.aid)>>32), int64(uint32(d.aid))
	var pid int
	var user, app, state, query string
	var secs float64
	if err := d.conn.QueryRowContext(context.Background(), q, hi, lo).Scan(&pid, &user, &app, &state, &secs, &query); err != nil {
		return ""
	}
	s := fmt.Sprintf("pid %d", pid)
	if user != "" {
		s += ", user " + user
	}
	if app != "" {
		s += ", application " + app
	}
	if state != "" {
		s += fmt.Sprintf(", %s for %s: %s", state, (time.Duration(secs * float64(time.Second))).Round(time.Second), firstStatement(query))
	}
	return s
}

// firstStatement is the first statement of a query without its comments
// (a migration file starts with its header), on one line, cut to 120 bytes.
func firstStatement(q string) string {
	if st := sqltext.Split(q); len(st) > 0 {
		q = st[0].Text
	}
	q = strings.Join(strings.Fields(q), " ")
	if len(q) > 120 {
		q = schema.TruncateBytes(q, 120) + " ..."
	}
	return q
}

// Run runs a migration file in one transaction, as golang-migrate's pgx
// driver does by sending it as one query (an implicit transaction). A file
// of several statements runs them one by one inside BEGIN ... COMMIT on
// the same session, so that a failure names its statement and line even
// when PostgreSQL gives no position (a conversion error, a constraint
// violation). A file of one statement (CREATE INDEX CONCURRENTLY must run
// alone, outside a transaction block), or one that controls transactions
// itself, is sent as it is.
func (d *Driver) Run(migration io.Reader) error {
	body, err := io.ReadAll(migration)
	if err != nil {
		return err
	}
	query := string(body)
	stmts := sqltext.Split(query)
	if len(stmts) == 0 {
		return nil
	}
	ctx := context.Background()
	if len(stmts) == 1 || controlsTransactions(stmts) {
		if _, err := d.conn.ExecContext(ctx, query); err != nil {
			return failed(err, query, body, 0)
		}
		return nil
	}
	tx, err := d.conn.BeginTx(ctx, nil)
	if err != nil {
		return &database.Error{OrigErr: err, Err: "transaction start failed"}
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.Text); err != nil {
			tx.Rollback()
			return failed(err, st.Text, []byte(st.Text), st.Line-1)
		}
	}
	if err := tx.Commit(); err != nil {
		return &database.Error{OrigErr: err, Err: "transaction commit failed"}
	}
	return nil
}

// transactionControl matches statements that begin or end transactions.
var transactionControl = regexp.MustCompile(`(?i)^(BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT|RELEASE|PREPARE\s+TRANSACTION)\b`)

func controlsTransactions(stmts []sqltext.Stmt) bool {
	for _, st := range stmts {
		if transactionControl.MatchString(st.Text) {
			return true
		}
	}
	return false
}

// failed is golang-migrate's error for a failed query: the server's
// message, and the line (offset by the lines before the query in its file)
// PostgreSQL points at, else the query's first line.
func failed(err error, query string, body []byte, offset int) error {
	line := uint(offset + 1)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return database.Error{OrigErr: err, Err: "migration failed", Query: body, Line: line}
	}
	msg := "migration failed"
	if l, col, ok := position(query, int(pe.Position)); ok {
		line = uint(offset) + l
		msg += fmt.Sprintf(" (column %d)", col)
	}
	if pe.Detail != "" {
		msg += " (" + pe.Detail + ")"
	}
	return database.Error{OrigErr: err, Err: msg, Query: body, Line: line}
}

// position turns PostgreSQL's error position (1-based, in characters) into
// a line and column.
func position(s string, pos int) (line, col uint, ok bool) {
	if pos <= 0 {
		return 0, 0, false
	}
	runes := []rune(strings.ReplaceAll(s, "\r\n", "\n"))
	if pos > len(runes) {
		return 0, 0, false
	}
	line, last := 1, -1
	for i, r := range runes[:pos] {
		if r == '\n' {
			line++
			last = i
		}
	}
	return uint(line), uint(pos - 1 - last), true
}

// SetVersion records version and dirty in one transaction, replacing the
// previous row (a dirty "no version" is recorded too, as golang-migrate does).
func (d *Driver) SetVersion(version int, dirty bool) error {
	ctx := context.Background()
	tx, err := d.conn.BeginTx(ctx, nil)
	if err != nil {
		return &database.Error{OrigErr: err, Err: "transaction start failed"}
	}
	q := `TRUNCATE ` + d.qualified()
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return errors.Join(&database.Error{OrigErr: err, Query: []byte(q)}, tx.Rollback())
	}
	if version >= 0 || (version == database.NilVersion && dirty) {
		q = `INSERT INTO ` + d.qualified() + ` (version, dirty) VALUES ($1, $2)`
		if _, err := tx.ExecContext(ctx, q, version, dirty); err != nil {
			return errors.Join(&database.Error{OrigErr: err, Query: []byte(q)}, tx.Rollback())
		}
	}
	if err := tx.Commit(); err != nil {
		return &database.Error{OrigErr: err, Err: "transaction commit failed"}
	}
	return nil
}

// Version reads the recorded version (database.NilVersion when none is).
func (d *Driver) Version() (int, bool, error) {
	var v int64
	var dirty bool
	q := `SELECT version, dirty FROM ` + d.qualified() + ` LIMIT 1`
	err := d.conn.QueryRowContext(context.Background(), q).Scan(&v, &dirty)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return database.NilVersion, false, nil
	case err != nil:
		return 0, false, &database.Error{OrigErr: err, Query: []byte(q)}
	}
	return int(v), dirty, nil
}

// Drop drops every table of the current schema (database.Driver's contract).
func (d *Driver) Drop() error {
	ctx := context.Background()
	var names []string
	err := catalog.Scan(ctx, d.conn, "list tables", `SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = $1`, []any{d.schema}, func(r *sql.Rows) error {
		var n string
		err := r.Scan(&n)
		names = append(names, n)
		return err
	})
	if err != nil {
		return err
	}
	for _, n := range names {
		q := `DROP TABLE IF EXISTS ` + sqltext.QuoteDouble(d.schema) + "." + sqltext.QuoteDouble(n) + ` CASCADE`
		if _, err := d.conn.ExecContext(ctx, q); err != nil {
			return &database.Error{OrigErr: err, Query: []byte(q)}
		}
	}
	return nil
}

// VersionQuery reads the driver's one-row migrations table in the current
// schema (Inspect found it there; an unqualified name resolves to it first).
func (Dialect) VersionQuery(migrationsTable string) string {
	return "SELECT version, dirty FROM " + sqltext.QuoteDouble(migrationsTable) + " LIMIT 1"
}
