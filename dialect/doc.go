// Package stores is the seam between mxmigrate's neutral pipeline and the
// databases it supports. A dialect is one folder, stores/<dialect>, whose
// Dialect value holds everything mxmigrate knows about that database; the
// rest of mxmigrate reaches it only through the Dialect interface and the
// registry here.
//
// How to add a dialect (ClickHouse is the model: dialect/duckdb and
// dialect/postgres follow this list too):
//
//  1. Create stores/<dialect> with a doc.go saying what it owns, and a
//     dialect.go declaring `type Dialect struct{}` with Name (the name written
//     into generated files and mxmigrate.sum), StoreTypes (Metaxy's class
//     paths it handles, old and new module paths), Quote and Transactional,
//     `var _ dialect.Dialect = Dialect{}` and `func init() { dialect.Register(Dialect{}) }`.
//     Registering a name or a store type twice panics.
//  2. names.go (or dialect.go): Limit and Physical, the one function every
//     physical name goes through: Metaxy's table and column names cut the way
//     the database cuts them, mxmigrate's own names (constraints, indexes,
//     migrations tables) shortened with a hash (schema.ByteLimit does both).
//  3. connect.go: Configure parses the dialect's keys of [stores.<name>.config]
//     (through config.Store.String, which templates ${VAR}) and returns a
//     Store: Open (honouring OpenOptions.ReadOnly: a read-only command creates
//     nothing), URL (Metaxy's sqlalchemy_url, with --protocol/--port) and
//     MigrateURL (what golang-migrate's CLI takes, with x-migrations-table).
//     Errors name the key; passwords are masked (MaskPassword).
//  4. convert.go: TypeSQL (logical -> dialect type) and NormalizeType (catalog
//     type -> logical; aliases must compare equal, unknown types stay raw).
//  5. inspect.go: Inspect reads the tables asked for in a constant number of
//     catalog queries (run them with internal/catalog.Queries: at once on a pool,
//     one by one on a *sql.Conn or *sql.Tx); ReadText reads rows as text.
//  6. render.go: Render turns diff changes into statements, planning around
//     the database's ALTER TABLE limits (rebuilds, index drops) so that rows
//     are kept; the shared DDL text is in internal/sqlx.
//  7. migratedriver.go: MigrateDriver wraps an open Handle in golang-migrate's
//     database.Driver for the dialect (golang-migrate's own where it has one).
//     Version and dirty state are read through it and nothing else.
//  8. conformance_test.go: run dialecttest.Run with a Harness (a fresh database
//     per call, the dialect's literal and cast rules, testdata/conformance.sql
//     written with go test -update and reviewed).
//  9. Add `_ "github.com/mxmigrate/mxmigrate/stores/<dialect>"` to
//     cmd/mxmigrate/main.go. Nothing else outside the folder changes.
package dialect
