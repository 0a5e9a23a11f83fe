// Package dialect is the seam between mxmigrate's neutral pipeline and the
// databases it supports: the Dialect interface, the Store a dialect
// configures, and the registry. A dialect is one folder, dialect/<name>,
// whose Dialect value holds everything mxmigrate knows about that database;
// the rest of mxmigrate reaches it only through this package. Every method
// of Dialect is required: there are no optional interfaces to discover, and
// a dialect that has nothing to say for a hook writes its one-line default
// (listed below). docs/architecture.md draws the pipeline around the seam.
//
// # Checklist for a new dialect
//
// ClickHouse (dialect/clickhouse) is the fullest model; dialect/duckdb the
// shortest. A dialect touches its own folder and one import line:
//
//  1. dialect.go: `type Dialect struct{...}` (its zero value has the default
//     settings), `var _ dialect.Dialect = Dialect{}` and
//     `func init() { dialect.Register(Dialect{}) }`. Registering a name or a
//     store type twice panics.
//     - Name: written into generated files and mxmigrate.sum ("duckdb").
//     - StoreTypes: Metaxy's store class paths, old and new module paths.
//     - About: the database as the README's store table names it, its docs
//     page, and its `mxmigrate version` lines (ModuleVersion reads a Go
//     module's version from the build).
//     - Tune(settings, where): [ext.mxmigrate.<Name>] for the whole project
//     (ClickHouse engine and ORDER BY, PostgreSQL json_type and
//     lock_timeout); name the key and where in errors. Default: `return d, nil`.
//  2. Names (schema.Namer), in dialect.go: Limit (identifier bytes, 0 for
//     none); Physical, the one function every physical name goes through
//     (Metaxy's names cut as the database cuts them, mxmigrate's own names
//     shortened with a hash: schema.ByteLimit does both); Fold, the name as
//     the database compares it (DuckDB: ASCII case-insensitive; otherwise
//     `return name`), which mxmigrate uses to find two names that are one.
//  3. connect.go: Configure parses the dialect's keys of
//     [stores.<name>.config] (through config.Store.String, which templates
//     ${VAR}) and returns a Store: Open (honour OpenOptions.ReadOnly: a
//     read-only command creates nothing; return *InUseError when another
//     process holds the database so that writers wait for it), URL (Metaxy's
//     sqlalchemy_url; internal/dburl applies --protocol/--port) and
//     MigrateURL (what golang-migrate's CLI takes, with x-migrations-table).
//     Errors name the key; register passwords with redact.RegisterSecret.
//     An in-memory database that database/sql would open once per
//     connection needs a pool of one (SetMaxOpenConns(1)): Inspect may run
//     its catalog queries at once on a pool (catalog.Queries). Dev returns an
//     empty dev database generate proves plans on (docs/proof.md), one the
//     dialect made and removes after, never live's (default: an error
//     saying why, which skips the proof).
//  4. convert.go: TypeSQL (logical -> the dialect's type), NormalizeType
//     (catalog type -> logical; aliases must compare equal, unknown types
//     stay raw) and DisplayType (the type as plans show it; default
//     `return d.TypeSQL(t)`).
//  5. inspect.go: Inspect reads the tables asked for in a constant number of
//     catalog queries, with their sizes where the catalog has them at no
//     extra cost (schema.Stats, -1 when unknown), on a pool or on one
//     connection (catalog.Queries, catalog.Scan, catalog.Builder); Complete
//     reads what costs more (a file-system call per table, a definition
//     function per index) for the tables a plan changes (default:
//     `return nil`);
//     VersionQuery reads the migrations table as the dialect's driver
//     records it (`SELECT version, dirty FROM <table> LIMIT 1` for a
//     one-row table); ReadText reads rows as text (the kit compares them).
//  6. render.go: Plan turns changes into files; a dialect that writes one
//     file per plan returns `plan.OneFile(d.Render, changes, before, after)`,
//     where Render writes the statements (internal/sqltext has the DDL every
//     supported database shares), each with its plan.Cost (effect and lock),
//     planning around the database's ALTER TABLE limits so that rows are
//     kept. Each Statement.SQL is whole, ";" included (files are written as
//     given); a statement lists in Changes the changes it carries out (the
//     file's comments name them), a statement that only prepares or
//     follows, none. A
//     CreateTable change carries the new table's indexes (Def.Indexes): the
//     dialect creates them (cost: new table). What the database cannot alter
//     in place goes through plan.Rebuilt: Rebuilds names the tables, Rebuild
//     writes one (r.Changes on its first statement; a scratch name no table
//     of before or after has, compared through Fold; r.Columns copied, and
//     the row count kept when none is; the new table's indexes created, or
//     dropped and created around the plan as DuckDB does), InPlace the rest.
//     Caveats says what a change does to rows beyond diff's account (NULLs
//     given a default, values that do not convert back); Shape completes a
//     target schema where tables carry more than columns, keys and indexes
//     (default: `return nil, nil, nil`); Quote; Transactional.
//  7. migratedriver.go: MigrateDriver wraps an open Handle in golang-migrate's
//     database.Driver (its table format and lock key, so that the stock CLI
//     and mxmigrate agree); version and dirty state are read through it and
//     nothing else. Read-only commands open it only when the catalog shows
//     the migrations table, on a read-only handle: it must not write on open
//     when the table exists (create it when missing, or on Lock/SetVersion).
//     Explains/Explain add to the message of a file that failed (default:
//     false and "").
//  8. conformance_test.go: `func TestConformance(t *testing.T) {
//     dialecttest.Run(t, harness) }` with a dialecttest.Harness (a fresh
//     database per call, the dialect's literals and casts, a golden file),
//     and `var update = flag.Bool("update", false, "rewrite golden files")`:
//     the kit looks the flag up, and `go test -update` writes
//     testdata/conformance.sql, which you review. Add
//     TestKitCatchesSabotage (dialecttest.CatchesSabotage): rewrites of the
//     dialect's own statements that must make the kit fail on the column
//     named in Want ("videos.created").
//  9. One line outside the folder: `_ "github.com/mxmigrate/mxmigrate/dialect/<name>"`
//     in cmd/mxmigrate/main.go (and the driver's module in go.mod). The
//     CLI's usage, `mxmigrate version` and integration/bench take the
//     dialect from the registry; the README's store table is written from
//     it by `go test ./cmd/mxmigrate -run TestReadmeStoreTable -update`
//     (without -update the test fails, printing the row, until it is).
//
// # Why each hook is on the interface
//
// Every hook has a caller in the pipeline and at least one dialect that
// needs it: Tune (PostgreSQL, ClickHouse), Shape (ClickHouse), Caveats (all
// three), DisplayType (PostgreSQL), Plan with several files (PostgreSQL's
// online DDL), Explains/Explain (PostgreSQL's lock timeouts), Dev (DuckDB,
// PostgreSQL). A hook a
// dialect does not need costs it a one-line default, which is cheaper to
// read than a type assertion found in one caller.
package dialect
