package clickhouse

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/golang-migrate/migrate/v4/database"
	chmigrate "github.com/golang-migrate/migrate/v4/database/clickhouse"
	"github.com/mxmigrate/mxmigrate/dialect"
)

// migrationsEngine is the engine of the migrations table: golang-migrate's
// default TinyLog on one server, MergeTree on a cluster.
func migrationsEngine(cluster string) string {
	if cluster != "" {
		return "MergeTree"
	}
	return chmigrate.DefaultMigrationsTableEngine
}

var plainName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// checkMigrationsTable: golang-migrate's ClickHouse driver writes the table
// name unquoted into its SQL.
func checkMigrationsTable(table string) error {
	if !plainName.MatchString(table) {
		return fmt.Errorf("migrations table %q: golang-migrate's ClickHouse driver writes this name unquoted, so it must be letters, digits and underscores (set ext.mxmigrate.environments.\"<store>:<target>\".migrations_table, or a table_prefix of such characters)", table)
	}
	return nil
}

// MigrateDriver is golang-migrate's own ClickHouse driver on h (a server
// through clickhouse-go/v2, or an embedded session through internal/chdb),
// splitting files at ";" as its stock CLI does with x-multi-statement. It
// appends a row per version change to migrationsTable.
func (d Dialect) MigrateDriver(h *dialect.Handle, migrationsTable string) (database.Driver, error) {
	if err := checkMigrationsTable(migrationsTable); err != nil {
		h.Close()
		return nil, err
	}
	cluster := d.settings().cluster
	drv, err := chmigrate.WithInstance(h.DB, &chmigrate.Config{
		MigrationsTable:       migrationsTable,
		MigrationsTableEngine: migrationsEngine(cluster),
		ClusterName:           cluster,
		MultiStatementEnabled: true,
	})
	if err != nil {
		h.Close()
		return nil, err
	}
	return &driver{Driver: drv, h: h}, nil
}

// driver closes the handle with golang-migrate's driver.
type driver struct {
	database.Driver
	h *dialect.Handle
}

func (d *driver) Close() error {
	return errors.Join(d.Driver.Close(), d.h.Close())
}

// VersionQuery reads the migrations table as golang-migrate's ClickHouse
// driver does: a row per version change, the last by sequence.
func (d Dialect) VersionQuery(migrationsTable string) string {
	return "SELECT version, dirty FROM " + d.Quote(migrationsTable) + " ORDER BY sequence DESC LIMIT 1"
}
