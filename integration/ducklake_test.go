package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/integration/itest"
)

// ducklakeExample is Metaxy's examples/example-ducklake/metaxy.toml (its
// store part), with the extension repository pointed at a directory that
// has none, so that DuckDB's ducklake extension cannot load on any machine.
const ducklakeExample = `project = "example_ducklake"
entrypoints = ["example_ducklake.definitions"]
auto_create_tables = true # Enable for development/examples

[stores.dev]
type = "metaxy.ext.duckdb.DuckDBMetadataStore"

[stores.dev.config]
database = "${DUCKLAKE_DEMO_DB:-:memory:}"
config = { extension_directory = "${EXT_DIR}", custom_extension_repository = "${EXT_DIR}/none" }

[stores.dev.config.ducklake]
alias = "ducklake"

[stores.dev.config.ducklake.attach_options]
override_data_path = true

[stores.dev.config.ducklake.catalog]
type = "sqlite"
uri = "${DUCKLAKE_META_DB:-/tmp/example_ducklake_meta.db}"

[stores.dev.config.ducklake.storage]
type = "local"
path = "${DUCKLAKE_STORAGE_PATH:-/tmp/example_ducklake_storage}"
`

// TestDuckLakeNeverThePlainDatabase (issue 23): a store whose tables Metaxy
// keeps in a DuckLake is migrated in the lake or not at all: where the
// ducklake extension cannot load, generate, check, status and up fail
// naming ducklake and why, write no migration and leave no database file
// behind; with the database in memory (the example's default) too.
func TestDuckLakeNeverThePlainDatabase(t *testing.T) {
	dir := t.TempDir()
	itest.Write(t, filepath.Join(dir, "metaxy.toml"), ducklakeExample)
	for _, db := range []string{"demo.duckdb", ""} {
		vars := []string{"EXT_DIR=" + filepath.Join(dir, "ext"), "DUCKLAKE_META_DB=" + filepath.Join(dir, "meta.db"), "DUCKLAKE_STORAGE_PATH=" + filepath.Join(dir, "data")}
		if db != "" {
			vars = append(vars, "DUCKLAKE_DEMO_DB="+db)
		}
		for _, args := range [][]string{
			{"generate", "-n", "dev:metaxy_system", "-m", "init"},
			{"check", "-n", "dev"},
			{"status", "-n", "dev"},
			{"up", "-n", "dev"},
		} {
			r := itest.Run(t, binary, dir, vars, args...)
			if r.Code != 3 || !strings.Contains(r.Stderr, "ducklake extension does not load") || !strings.Contains(r.Stderr, "never the plain database") {
				t.Errorf("%s %v: exit %d\n%s%s", db, args, r.Code, r.Stdout, r.Stderr)
			}
		}
		vars2 := append(vars, "X=1")
		itest.Run(t, binary, dir, vars2, "url", "-n", "dev:metaxy_features").Must(t, 3, "keeps its tables in a DuckLake", "mxmigrate up")
		entries, _ := os.ReadDir(dir)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if got := strings.Join(names, " "); got != "ext metaxy.toml" && got != "metaxy.toml" {
			t.Errorf("%s: the refused commands left %s", db, got)
		}
	}
}

// TestExtensionsAndSettings (issue 23): a store's extensions load as
// Metaxy loads them, and one that does not stops the command naming it;
// a DuckDB setting that DuckDB refuses stops it too, naming the setting.
func TestExtensionsAndSettings(t *testing.T) {
	dir := project(t, "media")
	ext := filepath.Join(dir, "ext")
	itest.Edit(t, filepath.Join(dir, "metaxy.toml"), func(s string) string {
		return strings.Replace(s, `config = { database = "dev_metadata.duckdb" }`,
			`config = { database = "dev_metadata.duckdb", config = { extension_directory = "`+ext+`", custom_extension_repository = "`+ext+`/none" }, extensions = [{ name = "spatial", init_sql = ["SET threads = 1"] }] }`, 1)
	})
	mx(t, dir, "generate", "-n", "dev:metaxy_system", "-m", "init").Must(t, 3, "the store's extensions", "INSTALL spatial failed")
	itest.Edit(t, filepath.Join(dir, "metaxy.toml"), func(s string) string {
		return strings.Replace(s, `custom_extension_repository = "`+ext+`/none" }`, `custom_extension_repository = "`+ext+`/none", no_such_setting = "1" }`, 1)
	})
	mx(t, dir, "generate", "-n", "dev:metaxy_system", "-m", "init").Must(t, 3, "no_such_setting")
	if _, err := os.Stat(filepath.Join(dir, "migrations")); err == nil {
		t.Error("a refused generate wrote the migrations directory")
	}
}

// TestOneFileTwoSetups: two stores of one DuckDB file whose settings
// differ (a lake and no lake) are refused: a connection of the file could
// get either.
func TestOneFileTwoSetups(t *testing.T) {
	dir := t.TempDir()
	itest.Write(t, filepath.Join(dir, "metaxy.toml"), ducklakeExample+`
[stores.plain]
type = "metaxy.ext.duckdb.DuckDBMetadataStore"
config = { database = "shared.duckdb" }
`)
	vars := []string{"EXT_DIR=" + filepath.Join(dir, "ext"), "DUCKLAKE_DEMO_DB=shared.duckdb"}
	itest.Run(t, binary, dir, vars, "status", "-n", "plain").Must(t, 0) // one store at a time: its own setup
	r := itest.Run(t, binary, dir, append(vars, "MXMIGRATE_DEFINITIONS_FROM_STORE=plain"), "generate", "-n", "dev:metaxy_features", "--dry-run")
	if r.Code != 3 || !strings.Contains(r.Stderr, "use one DuckDB database") {
		t.Errorf("exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
}
