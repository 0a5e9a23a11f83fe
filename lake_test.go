package mxmigrate_test

import (
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate"
	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/internal/testhook"
)

// TestEverythingHappensInTheLake (issue 23): with a store's DuckLake
// attached (here a plain DuckDB file attached in its place by a test hook:
// the ducklake extension cannot be fetched where the tests run), generate,
// up and check work in the attached database, the migrations table too,
// and the host file gets no table.
func TestEverythingHappensInTheLake(t *testing.T) {
	dir := t.TempDir()
	lake := filepath.Join(dir, "lake.duckdb")
	testhook.LakeStatements = func([]string) []string {
		return []string{"ATTACH IF NOT EXISTS '" + lake + "' AS ducklake;", "USE ducklake;"}
	}
	defer func() { testhook.LakeStatements = nil }()
	toml := `project = "p"
[stores.dev]
type = "metaxy.ext.duckdb.DuckDBMetadataStore"
[stores.dev.config]
database = "host.duckdb"
[stores.dev.config.ducklake]
catalog = { type = "sqlite", uri = "meta.db" }
storage = { type = "local", path = "data" }
`
	if err := os.WriteFile(filepath.Join(dir, "metaxy.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := mxmigrate.Load(config.Options{WorkDir: dir}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	env, err := p.Environment("dev:metaxy_system")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := p.Generate(ctx, env, mxmigrate.GenerateOptions{Message: "init"}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(ctx, env, 0, io.Discard); err != nil {
		t.Fatal(err)
	}
	if r, err := p.Check(ctx, env, mxmigrate.TargetOptions{}); err != nil || !r.InSync {
		t.Fatalf("check: %v %+v", err, r)
	}
	tables := func(path string) string {
		db, err := sql.Open("duckdb", path+"?access_mode=READ_ONLY")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		rows, err := db.Query("SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var n string
			rows.Scan(&n)
			out = append(out, n)
		}
		sort.Strings(out)
		return strings.Join(out, " ")
	}
	if got := tables(lake); got != "metaxy_system__events metaxy_system__feature_versions schema_migrations_metaxy_system" {
		t.Errorf("the lake holds %q", got)
	}
	if got := tables(filepath.Join(dir, "host.duckdb")); got != "" {
		t.Errorf("the host file holds %q", got)
	}
}
