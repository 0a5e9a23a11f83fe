// Package clickhouse_test runs the CLI flow on embedded ClickHouse (chDB):
// generate, up, status, check, down, rebuilds keeping rows, and recovery by
// re-running a file.
package clickhouse_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/integration/itest"
	"github.com/mxmigrate/mxmigrate/internal/chdb"
)

var binary string

func TestMain(m *testing.M) {
	if dir := os.Getenv("MXMIGRATE_HOLD_CHDB"); dir != "" {
		holdChDB(dir) // this binary run again as another process holding a data directory
	}
	if _, err := chdb.Load(); err != nil {
		fmt.Fprintln(os.Stderr, "integration/clickhouse: these tests run on embedded ClickHouse:", err)
		os.Exit(1)
	}
	bin, cleanup, err := itest.BuildBinary()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = bin
	code := m.Run()
	cleanup()
	os.Exit(code)
}

// chConfig adds an embedded ClickHouse store "ch" to the media project.
const chConfig = `
[stores.ch]
type = "metaxy.ext.clickhouse.ClickHouseMetadataStore"
config = { connection_string = "chdb:chdata?database=media" }

[ext.mxmigrate.environments."ch:metaxy_system"]
dir = "migrations/ch/system"

[ext.mxmigrate.environments."ch:metaxy_features"]
dir = "migrations/ch/features"

[ext.mxmigrate.clickhouse]
partition_by = "toYYYYMM(metaxy_created_at)"
settings = { index_granularity = 4096 }

[ext.mxmigrate.clickhouse.features."media/videos"]
engine = "ReplacingMergeTree(metaxy_updated_at)"
`

func newProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	itest.CopyTree(t, filepath.Join("..", "testdata", "media"), dir)
	itest.Append(t, filepath.Join(dir, "metaxy.toml"), chConfig)
	return dir
}

func mx(t *testing.T, dir string, args ...string) itest.Result {
	t.Helper()
	return itest.Run(t, binary, dir, nil, args...)
}

// query runs SQL in the project's chDB directory in a child process (chDB
// keeps one directory per process, and the CLI's processes use it between).
func query(t *testing.T, dir string, stmts ...string) string {
	t.Helper()
	s, err := chdb.Open(filepath.Join(dir, "chdata"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Release(false)
	var out []string
	for _, q := range stmts {
		b, err := s.Query("media", q, "TabSeparated")
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out = append(out, strings.TrimSpace(string(b)))
	}
	return strings.Join(out, "\n")
}
