package clickhouse

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/dialect/dialecttest"
	"github.com/mxmigrate/mxmigrate/internal/chdb"
	"github.com/mxmigrate/mxmigrate/schema"
)

var update = flag.Bool("update", false, "rewrite golden files")

// dataDir is the test process's one chDB data directory: chDB runs one per
// process, so tests are isolated by database.
var dataDir string

func TestMain(m *testing.M) {
	flag.Parse()
	d, err := os.MkdirTemp("", "mxmigrate-clickhouse-")
	if err != nil {
		panic(err)
	}
	dataDir = filepath.Join(d, "chdb")
	code := m.Run()
	os.RemoveAll(d)
	os.Exit(code)
}

var dbSeq atomic.Int64

// needChDB fails the test, saying how to get the library, when it is missing.
func needChDB(t testing.TB) {
	t.Helper()
	if _, err := chdb.Load(); err != nil {
		t.Fatalf("these tests run on embedded ClickHouse: %v", err)
	}
}

// newStore is a store on a fresh database of the process's chDB directory.
func newStore(t testing.TB, d Dialect) dialect.Store {
	t.Helper()
	needChDB(t)
	db := fmt.Sprintf("t%d", dbSeq.Add(1))
	s, err := d.Configure(config.NewStore("conformance", "metaxy.ext.clickhouse.ClickHouseMetadataStore",
		map[string]any{"connection_string": "chdb://" + dataDir + "?database=" + db}))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// literal is a ClickHouse literal of type t, distinct for each n.
func literal(t schema.Type, n int) string {
	switch t {
	case schema.String, schema.Bytes:
		return fmt.Sprintf("'v%d'", n)
	case schema.Int64, schema.Int32:
		return fmt.Sprint(n)
	case schema.Float64, schema.Float32:
		return fmt.Sprintf("%d.5", n)
	case schema.Bool:
		return fmt.Sprint(n%2 == 0)
	case schema.Timestamp:
		return fmt.Sprintf("addSeconds(toDateTime64('2020-01-01 00:00:00', 6), %d)", n)
	case schema.TimestampTZ:
		return fmt.Sprintf("addSeconds(toDateTime64('2020-01-01 00:00:00', 6, 'UTC'), %d)", n)
	case schema.Date:
		return fmt.Sprintf("addDays(toDate32('2020-01-01'), %d)", n)
	case schema.Time:
		return fmt.Sprintf("'%02d:%02d:%02d'", n/3600%24, n/60%60, n%60)
	case schema.UUID:
		return fmt.Sprintf("toUUID('00000000-0000-4000-8000-%012x')", n)
	case schema.JSON:
		return fmt.Sprintf(`'{"n": %d}'`, n)
	case schema.RawExact("Map(String, String)"):
		return fmt.Sprintf("map('k', 'v%d')", n)
	}
	panic(t)
}

// castable: ClickHouse refuses some conversions by type, even of NULLs
// (UUID -> DateTime64); text converts to and from everything. json and bytes
// are stored as String.
func castable(from, to schema.Type) bool {
	text := func(t schema.Type) bool { return t == schema.String || t == schema.JSON || t == schema.Bytes }
	family := map[schema.Type]int{schema.Int64: 1, schema.Int32: 1, schema.Float64: 1, schema.Float32: 1, schema.Bool: 1,
		schema.Timestamp: 2, schema.TimestampTZ: 2, schema.Date: 2}
	if text(from) || text(to) || from == to {
		return true
	}
	f, t := family[from], family[to]
	return f != 0 && f == t
}

// TestConformance runs the conformance kit on embedded ClickHouse 26.7.
func TestConformance(t *testing.T) {
	needChDB(t)
	dialecttest.Run(t, harness())
}

// harness is embedded ClickHouse's conformance harness: each check on a
// fresh database of the process's chDB directory.
func harness() dialecttest.Harness {
	return dialecttest.Harness{
		Dialect:  Dialect{},
		NewStore: func(t testing.TB) dialect.Store { return newStore(t, Dialect{}) },
		Literal:  literal,
		Castable: castable,
		Golden:   filepath.Join("testdata", "conformance.sql"),
		// indexes do not exist on ClickHouse, so fewer random steps
		// change the schema: more chains keep at least 200 that do
		Chains: 30, Steps: 10, MinSteps: 200,
	}
}

// TestKitCatchesSabotage: the kit's transitions fail, on a value check, when
// ClickHouse's plans are rewritten (testhook.RewriteStatement) to lose data
// in ways that keep every row and every column: a table rebuild that
// truncates timestamps to the year, a type conversion whose values become
// NULL, and a down file that does not restore a column's values.
func TestKitCatchesSabotage(t *testing.T) {
	needChDB(t)
	dialecttest.CatchesSabotage(t, harness(), []dialecttest.Sabotage{
		// drop-primary-key rebuilds videos (INSERT ... SELECT)
		{Name: "value-truncating rebuild", Want: "videos.created", Rewrite: func(dir, sql string) string {
			if dir != "up" || !strings.HasPrefix(sql, "INSERT INTO `videos__mxmigrate_new`") {
				return sql
			}
			return strings.Replace(sql, "SELECT `id`, `created`,", "SELECT `id`, toStartOfYear(`created`),", 1)
		}},
		{Name: "nulling conversion", Want: "videos.fps", Rewrite: func(dir, sql string) string {
			if dir != "up" || !strings.HasPrefix(sql, "ALTER TABLE `videos` MODIFY COLUMN `fps` Nullable(Float64)") {
				return sql
			}
			return sql + "\nALTER TABLE `videos` UPDATE `fps` = NULL WHERE 1 SETTINGS mutations_sync = 1;"
		}},
		// drop-not-null's down (the step is not destructive) also empties
		// another table's column
		{Name: "non-restoring down", Want: "videos.codec", Rewrite: func(dir, sql string) string {
			if dir != "down" || !strings.HasPrefix(sql, "ALTER TABLE `frames` MODIFY COLUMN `label` String") {
				return sql
			}
			return sql + "\nALTER TABLE `videos` UPDATE `codec` = NULL WHERE 1 SETTINGS mutations_sync = 1;"
		}},
	})
}
