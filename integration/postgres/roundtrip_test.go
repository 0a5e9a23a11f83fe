package postgres_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/integration/itest"
	"github.com/mxmigrate/mxmigrate/schema"
	"github.com/mxmigrate/mxmigrate/stores"
	"github.com/mxmigrate/mxmigrate/stores/postgres"
)

// literal returns a PostgreSQL value of type t, unique for n.
func literal(t schema.Type, n int) string {
	switch t {
	case schema.String:
		return fmt.Sprintf("'v%d'", n)
	case schema.Int64:
		return fmt.Sprint(n)
	case schema.Float64:
		return fmt.Sprintf("%d.5", n)
	case schema.Bool:
		return fmt.Sprint(n%2 == 0)
	case schema.Timestamp:
		return fmt.Sprintf("TIMESTAMP '2020-01-01 00:00:00' + %d * INTERVAL '1 second'", n)
	case schema.TimestampTZ:
		return fmt.Sprintf("TIMESTAMPTZ '2020-01-01 00:00:00+00' + %d * INTERVAL '1 second'", n)
	case schema.Date:
		return fmt.Sprintf("DATE '2020-01-01' + %d", n)
	case schema.Time:
		return fmt.Sprintf("TIME '00:00:00' + %d * INTERVAL '1 second'", n%86400)
	case schema.UUID:
		return fmt.Sprintf("'00000000-0000-4000-8000-%012x'::uuid", n)
	case schema.Bytes:
		return fmt.Sprintf("'b%d'::bytea", n)
	case schema.JSON:
		return fmt.Sprintf(`'{"n": %d}'::jsonb`, n)
	}
	panic(t)
}

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
		Literal:  literal,
		Castable: castable,
	}, 25, 10, 200)
}
