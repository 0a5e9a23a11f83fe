package duckdb

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/schema"
	"github.com/mxmigrate/mxmigrate/stores"
	"github.com/mxmigrate/mxmigrate/stores/storetest"
)

// literal is a DuckDB literal of type t, distinct for each n.
func literal(t schema.Type, n int) string {
	if lit, ok := storetest.StandardLiteral(t, n); ok {
		return lit
	}
	switch t {
	case schema.Bytes:
		return fmt.Sprintf("'b%d'::BLOB", n)
	case schema.JSON:
		return fmt.Sprintf(`'{"n": %d}'`, n)
	}
	panic(t)
}

// castable: DuckDB has no cast between some type families (BOOLEAN -> TIME
// fails even on NULLs); text converts to and from everything.
func castable(from, to schema.Type) bool {
	family := map[schema.Type]int{schema.Int64: 1, schema.Int32: 1, schema.Float64: 1, schema.Float32: 1, schema.Bool: 1,
		schema.Timestamp: 2, schema.TimestampTZ: 2, schema.Date: 2}
	if from == schema.String || to == schema.String || from == to {
		return true
	}
	f, t := family[from], family[to]
	return f != 0 && f == t
}

// TestConformance runs the conformance kit on DuckDB files.
func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		Dialect: Dialect{},
		NewStore: func(t *testing.T) stores.Store {
			s, err := Dialect{}.Configure(&config.Store{Name: "conformance", Settings: map[string]any{"database": filepath.Join(t.TempDir(), "c.duckdb")}})
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		Literal:  literal,
		Castable: castable,
		Golden:   filepath.Join("testdata", "conformance.sql"),
	})
}
