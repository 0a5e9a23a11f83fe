package dialect

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"

	"github.com/golang-migrate/migrate/v4/database"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/internal/catalog"
	"github.com/mxmigrate/mxmigrate/plan"
	"github.com/mxmigrate/mxmigrate/schema"
)

// Dialect is everything mxmigrate knows about one database. It is composed
// of the interfaces below, one per stage of the pipeline (one file per stage
// in a dialect's folder); every method is required, and doc.go says which
// ones most dialects implement with a one-line default. A dialect package
// asserts it at compile time:
//
//	var _ dialect.Dialect = Dialect{}
type Dialect interface {
	// Name is the dialect's name ("duckdb"), written into generated files
	// and into mxmigrate.sum.
	Name() string
	// StoreTypes are the Metaxy store class paths the dialect handles, e.g.
	// "metaxy.ext.metadata_stores.duckdb.DuckDBMetadataStore".
	StoreTypes() []string
	// About describes the dialect to users: the README's store table (a
	// test holds it to the registry) and `mxmigrate version` are written
	// from it.
	About() About

	Connector
	schema.Namer
	Converter
	Inspector
	Planner
	Migrator
}

// About is what users read about a dialect.
type About struct {
	// Database names the database and how mxmigrate reaches it, as the
	// README's store table says: "DuckDB (embedded file)".
	Database string
	// Docs is the dialect's page, from the repository's root ("" for none).
	Docs string
	// StoreKeys are the keys of [stores.<name>.config] that Metaxy's config
	// class of the dialect's stores accepts, whether mxmigrate reads them or
	// not (hash_algorithm): any other key is warned about (docs/configuration.md).
	StoreKeys []string
	// Versions, called by `mxmigrate version`, are its lines about the
	// engine and client libraries built in, each "Label: text".
	Versions func() []string
}

// MetaxyStoreKeys are the keys every Metaxy store accepts (MetadataStoreConfig)
// and those of its Ibis-based stores (IbisMetadataStoreConfig): DuckDB,
// PostgreSQL and ClickHouse are all Ibis-based.
var MetaxyStoreKeys = []string{"fallback_stores", "hash_algorithm", "versioning_engine",
	"connection_string", "backend", "connection_params", "table_prefix", "auto_create_tables"}

// Connector parses the dialect's part of the configuration.
type Connector interface {
	// Tune returns the dialect configured by the project-wide settings of
	// [ext.mxmigrate.<Name>] (ClickHouse: engine, ORDER BY, cluster;
	// PostgreSQL: json_type, lock_timeout, online_ddl), which the
	// environment uses in place of the registered one; where names the
	// section in messages. A dialect without settings returns itself.
	Tune(settings map[string]any, where string) (Dialect, error)
	// Configure reads [stores.<name>.config] (the keys the dialect knows;
	// table_prefix is read by config) and says what is wrong with it, naming
	// the key. It is called once per command, when the environment is resolved.
	Configure(st *config.Store) (Store, error)
	// Dev returns an empty dev database to prove plans on (docs/proof.md):
	// the one devURL names, or the dialect's default where it is "", and a
	// function that removes what Dev made. It never returns live's own
	// database, and never empties one it did not make. A dialect that cannot
	// make one returns an error that says why and how (dev_url); the proof
	// is then skipped and says so. live is nil for generate --offline,
	// which must not connect to the live database.
	Dev(ctx context.Context, live Store, devURL string) (Store, func(), error)
}

// Store is one configured store of a dialect: how to reach its database.
type Store interface {
	// Open connects to the database. Close the handle when done.
	Open(ctx context.Context, o OpenOptions) (*Handle, error)
	// URL is the SQLAlchemy-style URL of the store (Metaxy's sqlalchemy_url),
	// with --protocol and --port applied.
	URL(o URLOptions) (string, error)
	// MigrateURL is the URL golang-migrate's CLI needs, with x-migrations-table.
	MigrateURL(migrationsTable string, o URLOptions) (string, error)
}

// OpenOptions say what a command will do with a database.
type OpenOptions struct {
	// ReadOnly: the command only reads (generate, check, status). A dialect
	// may then avoid creating anything, e.g. a DuckDB file that does not exist.
	ReadOnly bool
	// ExitSoon: the process exits right after the command (the CLI), so a
	// dialect may skip freeing what the operating system frees anyway.
	ExitSoon bool
}

// Converter maps logical types to the dialect's types and back.
type Converter interface {
	// TypeSQL renders a logical (or raw) type.
	TypeSQL(t schema.Type) string
	// NormalizeType maps a type name from the catalog to a logical type;
	// names it does not know stay raw.
	NormalizeType(catalog string) schema.Type
	// DisplayType names a type in plans: TypeSQL, unless the database's
	// catalog names it otherwise (PostgreSQL: jsonb where DDL says JSONB).
	DisplayType(t schema.Type) string
}

// Need is what a plan needs Complete to read: the sizes of the tables it
// changes (its cost lines), and the definitions of the live indexes of the
// tables whose indexes it drops or recreates (a down file restores them as
// they were) or whose unmanaged objects it lists.
type Need struct {
	Sizes, Definitions []string
}

// Inspector reads the live database.
type Inspector interface {
	// Inspect reads the named tables that exist (nil: all) of the current
	// schema in a constant number of catalog queries, whatever their number.
	// q may be a pool (*sql.DB, *Handle), on which the dialect may run its
	// queries at once, or one connection (*sql.Conn, *sql.Tx), on which it
	// must run them one after the other (see catalog.Pooled).
	Inspect(ctx context.Context, q Queryer, tables []string) (*schema.Schema, error)
	// Complete reads into live what Inspect leaves out because it costs a
	// call per table or index (PostgreSQL: sizes, which are file-system
	// calls, and index definitions), for the tables need names only. A
	// dialect whose Inspect reads everything at no such cost does nothing
	// (default).
	Complete(ctx context.Context, q Queryer, live *schema.Schema, need Need) error
	// VersionQuery is the query that reads the migrations table's state as
	// the dialect's golang-migrate driver records it: one row of version
	// and dirty, none when nothing was applied. Read-only commands (status,
	// check, generate) read the state with it on their open connection:
	// no lock, nothing created.
	VersionQuery(migrationsTable string) string
	// ReadText reads every row of table, each listed column cast to text
	// (nil for NULL), in the order of columns.
	ReadText(ctx context.Context, q Queryer, table string, columns []string) ([][]*string, error)
}

// Planner turns a target schema and changes into migration files.
type Planner interface {
	// Shape completes, in place, a target schema derived without the
	// dialect, for a dialect whose tables carry more than columns, a primary
	// key and indexes, or that stores some logical types as others
	// (ClickHouse: each table's engine and sorting key, each type as the
	// database reads it back). Warnings are always shown, notes with
	// --verbose. Other dialects return nothing.
	Shape(s *schema.Schema) (warnings, notes []string, err error)
	// Caveats returns, for each of cs applied to before, the dialect's own
	// account of what it does to existing rows ("" to keep diff's): an
	// account makes a safe change destructive, and cannot make a destructive
	// one safe (values that do not convert back, rows that merge).
	Caveats(cs []diff.Change, before *schema.Schema) []string
	// Plan turns changes, applied to before giving after (both limited to
	// the scope), into migration files: each step's up statements and the
	// down statements that undo them, planned around the database's ALTER
	// TABLE limits so that rows are kept, each statement with its cost's
	// effect and lock. A dialect that writes one file per plan returns
	// plan.OneFile(d.Render, ...); PostgreSQL splits out what must run
	// outside a transaction (CREATE INDEX CONCURRENTLY).
	Plan(changes []diff.Change, before, after *schema.Schema) ([]plan.Step, error)
	// Quote quotes an identifier.
	Quote(ident string) string
	// Transactional reports whether a migration file runs in one transaction.
	Transactional() bool
}

// Migrator is the golang-migrate side of the dialect.
type Migrator interface {
	// MigrateDriver returns golang-migrate's driver for the database behind
	// h, recording versions in migrationsTable (a physical name). The driver
	// owns h: closing the driver closes it. Version and dirty state are read
	// through this driver only, so that every command agrees.
	MigrateDriver(h *Handle, migrationsTable string) (database.Driver, error)
	// Explains reports whether err is one Explain has more to say about
	// (without a database round trip): PostgreSQL's lock timeout, a
	// statement that gave up waiting for a lock, which the runner also
	// never replays to find the failing line. Most dialects: false.
	Explains(err error) bool
	// Explain says more about a migration file that failed with an err
	// Explains, in sentences for the user: PostgreSQL names the sessions
	// whose transactions held the lock, reading them through a connection
	// of its own to st. Most dialects: "".
	Explain(ctx context.Context, st Store, err error) string
}

// Queryer runs catalog queries. *sql.DB, *sql.Conn, *sql.Tx and *Handle
// satisfy it.
type Queryer = catalog.Queryer

// Handle is an open database. Close releases it (a dialect may share one
// underlying *sql.DB between handles, as DuckDB must within one process).
type Handle struct {
	*sql.DB
	// Release, when set, replaces closing the *sql.DB.
	Release func() error
	// ID identifies the database within the process (e.g. a DuckDB file's
	// absolute path), for locks.
	ID string
}

// Close releases the handle.
func (h *Handle) Close() error {
	if h.Release == nil {
		return h.DB.Close()
	}
	return h.Release()
}

// InUseError is a database that another process holds so that this one
// cannot open it to write (DuckDB: one writing process per file). Writing
// commands wait for it as for the migrations lock.
type InUseError struct{ Msg string }

func (e *InUseError) Error() string { return e.Msg }

// URLOptions change a printed URL: Protocol replaces only the scheme, Port
// only the port.
type URLOptions struct {
	Protocol string
	Port     int
}

// DevName is a fresh name for a scratch dev database (Dev):
// mxmigrate_dev_ and 12 random hex digits.
func DevName() string {
	var b [6]byte
	rand.Read(b[:])
	return "mxmigrate_dev_" + hex.EncodeToString(b[:])
}

// Exec runs one statement on a connection of its own to st, for what a
// dialect does around a dev database (dropping it after).
func Exec(ctx context.Context, st Store, query string) error {
	h, err := st.Open(ctx, OpenOptions{})
	if err != nil {
		return err
	}
	defer h.Close()
	_, err = h.ExecContext(ctx, query)
	return err
}
