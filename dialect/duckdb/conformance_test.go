package duckdb

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/dialect/dialecttest"
	"github.com/mxmigrate/mxmigrate/schema"
)

// literal is a DuckDB literal of type t, distinct for each n.
func literal(t schema.Type, n int) string {
	if lit, ok := dialecttest.StandardLiteral(t, n); ok {
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

// harness is DuckDB's conformance harness: each check on a file of its own.
func harness() dialecttest.Harness {
	return dialecttest.Harness{
		Dialect: Dialect{},
		NewStore: func(t testing.TB) dialect.Store {
			s, err := Dialect{}.Configure(&config.Store{Name: "conformance", Settings: map[string]any{"database": filepath.Join(t.TempDir(), "c.duckdb")}})
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		Literal:  literal,
		Castable: castable,
		Golden:   filepath.Join("testdata", "conformance.sql"),
	}
}

// TestConformance runs the conformance kit on DuckDB files.
func TestConformance(t *testing.T) { dialecttest.Run(t, harness()) }

// TestKitCatchesSabotage: the kit's transitions fail, on a value check, when
// DuckDB's plans are rewritten (testhook.RewriteStatement) to lose data in
// ways that keep every row and every column: a table rebuild that truncates
// timestamps to the year, a type conversion that gives NULL, and a down file
// that does not restore a column's values.
func TestKitCatchesSabotage(t *testing.T) {
	dialecttest.CatchesSabotage(t, harness(), []dialecttest.Sabotage{
		{Name: "value-truncating rebuild", Want: "videos.created", Rewrite: func(dir, sql string) string {
			if dir != "up" || !strings.HasPrefix(sql, `INSERT INTO "videos__mxmigrate_rebuild"`) {
				return sql
			}
			return strings.Replace(sql, `SELECT "id", "created",`, `SELECT "id", date_trunc('year', "created"),`, 1)
		}},
		{Name: "nulling conversion", Want: "videos.fps", Rewrite: func(dir, sql string) string {
			if dir != "up" || !strings.HasPrefix(sql, `INSERT INTO "videos__mxmigrate_rebuild"`) {
				return sql
			}
			return strings.Replace(sql, `CAST("fps" AS DOUBLE)`, `CAST(NULL AS DOUBLE)`, 1)
		}},
		// drop-not-null's down (the step is not destructive) also empties
		// another table's column
		{Name: "non-restoring down", Want: "videos.codec", Rewrite: func(dir, sql string) string {
			if dir != "down" || sql != `ALTER TABLE "frames" ALTER COLUMN "label" SET NOT NULL;` {
				return sql
			}
			return sql + "\n" + `UPDATE "videos" SET "codec" = NULL;`
		}},
	})
}
