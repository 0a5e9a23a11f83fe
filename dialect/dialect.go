package dialect

import (
	"context"
	"database/sql"

	"github.com/golang-migrate/migrate/v4/database"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/internal/catalog"
	"github.com/mxmigrate/mxmigrate/plan"
	"github.com/mxmigrate/mxmigrate/schema"
)

// Dialect is everything mxmigrate knows about one database, composed of the
// small interfaces below (one per concern, one file per concern in a dialect's
// folder). A dialect package asserts it at compile time:
//
//	var _ dialect.Dialect = Dialect{}
type Dialect interface {
	// Name is the dialect's name ("duckdb"), written into generated files
	// and into mxmigrate.sum.
	Name() string
	// StoreTypes are the Metaxy store class paths the dialect handles, e.g.
	// "metaxy.ext.metadata_stores.duckdb.DuckDBMetadataStore".
	StoreTypes() []string

	Connector
	schema.Namer
	Converter
	Inspector
	Renderer
	Migrator
}

// Connector parses the dialect's part of a store's configuration.
type Connector interface {
	// Configure reads [stores.<name>.config] (the keys the dialect knows;
	// table_prefix is read by config) and says what is wrong with it, naming
	// the key. It is called once per command, when the environment is resolved.
	Configure(st *config.Store) (Store, error)
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

// Tuner is a dialect that takes project-wide settings from
// [ext.mxmigrate.<dialect name>] (ClickHouse: engine, ORDER BY, cluster).
// Tune returns the dialect configured by them, which the environment uses in
// place of the registered one; where names the section in messages.
type Tuner interface {
	Tune(settings map[string]any, where string) (Dialect, error)
}

// Shaper is a dialect whose tables carry more than columns, a primary key and
// indexes, or store some logical types as others. Shape completes a target
// schema derived without the dialect, in place: the engine and sorting key of
// ClickHouse tables, each type as the database will read it back. Warnings
// are always shown, notes with --verbose.
type Shaper interface {
	Shape(s *schema.Schema) (warnings, notes []string, err error)
}

// Cautioner is a dialect on which some changes do something else to
// existing rows than the dialect-neutral account says (ClickHouse gives NULLs
// a default where PostgreSQL refuses the statement, and rebuilds a table to
// change its sorting key's columns). Caveats returns, for each of cs applied
// to before, its own account ("" to keep diff's); an account makes a safe
// change destructive, and cannot make a destructive one safe.
type Cautioner interface {
	Caveats(cs []diff.Change, before *schema.Schema) []string
}

// TypeDisplayer is a dialect that names types in plans otherwise than in DDL
// (PostgreSQL: jsonb, as its catalog does, where DDL says JSONB).
type TypeDisplayer interface {
	DisplayType(t schema.Type) string
}

// Annotate puts the dialect's account on changes (applied to before) before
// they are shown or rendered: column types as the database names them, and
// its caveats.
func Annotate(d Dialect, cs []diff.Change, before *schema.Schema) {
	show := d.TypeSQL
	if td, ok := d.(TypeDisplayer); ok {
		show = td.DisplayType
	}
	var caveats []string
	if ct, ok := d.(Cautioner); ok {
		caveats = ct.Caveats(cs, before)
	}
	for i := range cs {
		c := &cs[i]
		if c.From != nil {
			c.FromType = show(c.From.Type)
		}
		if c.Column != nil {
			c.ToType = show(c.Column.Type)
		}
		if i < len(caveats) {
			c.Caveat = caveats[i]
		}
	}
}

// Explainer is a dialect that can say more about a migration that failed:
// PostgreSQL names the sessions whose transactions held the lock a statement
// gave up waiting for (lock_timeout).
type Explainer interface {
	// Explains reports whether Explain has something to say about err
	// (without a database round trip).
	Explains(err error) bool
	// Explain queries the database on q and returns sentences for the user.
	Explain(ctx context.Context, q Queryer, err error) string
}

// Converter maps logical types to the dialect's types and back.
type Converter interface {
	// TypeSQL renders a logical (or raw) type.
	TypeSQL(t schema.Type) string
	// NormalizeType maps a type name from the catalog to a logical type;
	// names it does not know stay raw.
	NormalizeType(catalog string) schema.Type
}

// Inspector reads the live database.
type Inspector interface {
	// Inspect reads the named tables that exist (nil: all) of the current
	// schema in a constant number of catalog queries, whatever their number.
	// q may be a pool (*sql.DB, *Handle), on which the dialect may run its
	// queries at once, or one connection (*sql.Conn, *sql.Tx), on which it
	// must run them one after the other (see Pooled).
	Inspect(ctx context.Context, q Queryer, tables []string) (*schema.Schema, error)
	// ReadText reads every row of table, each listed column cast to text
	// (nil for NULL), in the order of columns.
	ReadText(ctx context.Context, q Queryer, table string, columns []string) ([][]*string, error)
}

// Renderer turns changes into DDL.
type Renderer interface {
	// Quote quotes an identifier.
	Quote(ident string) string
	// Render renders changes as statements. before is the schema the file
	// starts from and after the schema it must leave (both limited to the
	// scope): a dialect whose ALTER TABLE has limits plans around them here.
	Render(changes []diff.Change, before, after *schema.Schema) ([]plan.Statement, error)
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
