package postgres_test

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/integration/itest"
	"github.com/mxmigrate/mxmigrate/schema"
	"github.com/mxmigrate/mxmigrate/stores"
	"github.com/mxmigrate/mxmigrate/stores/postgres"
)

// castable: PostgreSQL casts every type to and from text; among the others
// only numbers and dates/timestamps convert.
func castable(from, to schema.Type) bool {
	family := map[schema.Type]int{schema.Int64: 1, schema.Float64: 1, schema.Timestamp: 2, schema.TimestampTZ: 2, schema.Date: 2}
	if from == schema.String || to == schema.String || from == to {
		return true
	}
	f, t := family[from], family[to]
	return f != 0 && f == t
}

// TestRoundTripPostgres: 25 chains of 10 random target schemas, at least 200
// differing from their predecessor, each on a fresh database of the container.
func TestRoundTripPostgres(t *testing.T) {
	itest.RoundTrip(t, itest.Target{
		Dialect: postgres.Dialect{},
		NewDB: func(t *testing.T) (*stores.Handle, string) {
			name := pg.NewDatabase(t)
			db, err := sql.Open("pgx", pg.DSN(name))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return &stores.Handle{DB: db}, "pgx5" + strings.TrimPrefix(pg.DSN(name), "postgresql")
		},
		Castable: castable,
	}, 25, 10, 200)
}
