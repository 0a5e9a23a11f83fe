package mxmigrate_test

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate"
	"github.com/mxmigrate/mxmigrate/config"
	_ "github.com/mxmigrate/mxmigrate/dialect/clickhouse"
	_ "github.com/mxmigrate/mxmigrate/dialect/duckdb"
	_ "github.com/mxmigrate/mxmigrate/dialect/postgres"
)

// TestUnknownKeys (issue 23): a key nothing reads is named with its file,
// on every dialect's store and in [ext.mxmigrate] and its environments;
// keys Metaxy knows and mxmigrate does not use stay quiet.
func TestUnknownKeys(t *testing.T) {
	dir := t.TempDir()
	toml := `project = "p"
[stores.duck]
type = "metaxy.ext.duckdb.DuckDBMetadataStore"
config = { database = "d.duckdb", hash_algorithm = "xxhash64", databse = "typo.duckdb" }
[stores.pg]
type = "metaxy.ext.postgresql.PostgreSQLMetadataStore"
config = { connection_string = "postgresql://u@h/db", versioning_engine = "polars", auto_cast_struct_for_jsonb = true, shema = "x" }
[stores.ch]
type = "metaxy.ext.clickhouse.ClickHouseMetadataStore"
config = { connection_string = "clickhouse://h:9000/db", fallback_stores = ["pg"], auto_cast_struct_for_map = true, clutser = "c" }
[ext.mxmigrate]
dev_url = "duckdb::memory:"
devurl = "x"
[ext.mxmigrate.environments."duck:metaxy_features"]
dir = "m"
dirr = "y"
`
	if err := os.WriteFile(filepath.Join(dir, "metaxy.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := mxmigrate.Load(config.Options{WorkDir: dir}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var envs []*mxmigrate.Env
	for _, s := range []string{"duck", "pg", "ch"} {
		e, err := p.Environments(s)
		if err != nil {
			t.Fatal(err)
		}
		envs = append(envs, e...)
	}
	got := strings.Join(p.UnknownKeys(envs), "\n")
	for _, want := range []string{"ext.mxmigrate.devurl: unknown key", `ext.mxmigrate.environments."duck:metaxy_features".dirr: unknown key`,
		"stores.duck.config.databse: unknown key", "stores.pg.config.shema: unknown key", "stores.ch.config.clutser: unknown key"} {
		if !strings.Contains(got, filepath.Join(dir, "metaxy.toml")+": "+want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "\n") + 1; n != 5 {
		t.Errorf("%d lines, want 5 (known keys are quiet):\n%s", n, got)
	}

	// a dialect's section is read even where no store of it is used
	toml = "project = \"p\"\n[stores.duck]\ntype = \"metaxy.ext.duckdb.DuckDBMetadataStore\"\nconfig = { database = \"d.duckdb\" }\n[ext.mxmigrate.postgresql]\njson_typ = \"json\"\n"
	if err := os.WriteFile(filepath.Join(dir, "metaxy.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	if p, err = mxmigrate.Load(config.Options{WorkDir: dir}, io.Discard); err != nil {
		t.Fatal(err)
	}
	envs, err = p.Environments("duck")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(p.UnknownKeys(envs), "\n"); !strings.Contains(got, "ext.mxmigrate.postgresql.json_typ") {
		t.Errorf("a typo in another dialect's section: %q", got)
	}
}
