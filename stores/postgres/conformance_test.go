package postgres

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/integration/itest"
	"github.com/mxmigrate/mxmigrate/schema"
	"github.com/mxmigrate/mxmigrate/stores"
	"github.com/mxmigrate/mxmigrate/stores/storetest"
)

// literal is a PostgreSQL literal of type t, distinct for each n.
func literal(t schema.Type, n int) string {
	if lit, ok := storetest.StandardLiteral(t, n); ok {
		return lit
	}
	switch t {
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

// server is PostgreSQL in Docker, started by the first test that needs it.
var (
	serverOnce sync.Once
	server     *itest.Postgres
	serverErr  error
)

func pg(t *testing.T) *itest.Postgres {
	t.Helper()
	serverOnce.Do(func() { server, serverErr = itest.StartPostgres() })
	if serverErr != nil {
		t.Fatalf("stores/postgres conformance needs PostgreSQL: %v", serverErr)
	}
	return server
}

func TestMain(m *testing.M) {
	code := m.Run()
	if server != nil {
		server.Close()
	}
	os.Exit(code)
}

// TestConformance runs the conformance kit on PostgreSQL in Docker, each
// check on a fresh database.
func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		Dialect: Dialect{},
		NewStore: func(t *testing.T) stores.Store {
			p := pg(t)
			s, err := Dialect{}.Configure(&config.Store{Name: "conformance", Settings: map[string]any{"connection_string": p.DSN(p.NewDatabase(t))}})
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		Literal:  literal,
		Castable: castable,
		Golden:   "testdata/conformance.sql",
	})
}
