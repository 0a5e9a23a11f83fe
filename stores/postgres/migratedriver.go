package postgres

import (
	"github.com/golang-migrate/migrate/v4/database"
	pgx "github.com/golang-migrate/migrate/v4/database/pgx/v5" // also registers golang-migrate driver "pgx5"

	"github.com/mxmigrate/mxmigrate/stores"
)

// MigrateDriver is golang-migrate's pgx/v5 driver on the open pool, recording
// versions in table of the current schema. The driver owns h: closing it
// closes the pool.
func (Dialect) MigrateDriver(h *stores.Handle, table string) (database.Driver, error) {
	drv, err := pgx.WithInstance(h.DB, &pgx.Config{MigrationsTable: table})
	if err != nil {
		h.Close()
		return nil, err
	}
	return drv, nil
}
