package duckdb

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/config"
)

// storeOf loads a metaxy.toml holding body and returns its store dev.
func storeOf(t *testing.T, body string) *config.Store {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "metaxy.toml"), []byte("project = \"p\"\n"+body), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(config.Options{Path: filepath.Join(dir, "metaxy.toml"), Environ: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	return c.Stores["dev"]
}

// TestDuckLakeStatements (issue 23): the statements that attach a lake, as
// Metaxy's DuckLake handler writes them: its own example's metaxy.toml, and
// its test's PostgreSQL catalog with S3 storage.
func TestDuckLakeStatements(t *testing.T) {
	for _, c := range []struct{ name, toml, want string }{
		{"Metaxy's example", `
[stores.dev]
type = "metaxy.ext.duckdb.DuckDBMetadataStore"
[stores.dev.config]
database = "${DUCKLAKE_DEMO_DB:-:memory:}"
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
`, `INSTALL ducklake;
LOAD ducklake;
CREATE OR REPLACE SECRET metaxy_generated_dev_ducklake ( TYPE DUCKLAKE, METADATA_PATH '/tmp/example_ducklake_meta.db', DATA_PATH '/tmp/example_ducklake_storage' );
ATTACH IF NOT EXISTS 'ducklake:metaxy_generated_dev_ducklake' AS ducklake (OVERRIDE_DATA_PATH true);
USE ducklake;`},
		{"PostgreSQL catalog, S3 storage, extensions", `
[stores.dev]
type = "metaxy.ext.duckdb.DuckDBMetadataStore"
[stores.dev.config]
database = "lake_host.duckdb"
extensions = ["httpfs", { name = "spatial", repository = "community", init_sql = ["SET threads = 2"] }]
[stores.dev.config.ducklake]
alias = "lake"
data_inlining_row_limit = 10
attach_options = { api_version = "0.2", override_data_path = true }
catalog = { type = "postgres", secret_name = "pg_meta", host = "localhost", port = 5432, database = "ducklake_meta", user = "ducklake", password = "it's" }
storage = { type = "s3", secret_name = "s3_store", endpoint = "https://object-store", key_id = "key", secret = "secret", bucket = "ducklake" }
`, `INSTALL httpfs;
LOAD httpfs;
INSTALL spatial FROM community;
LOAD spatial;
SET threads = 2
INSTALL ducklake;
LOAD ducklake;
CREATE OR REPLACE SECRET pg_meta ( TYPE postgres, DATABASE 'ducklake_meta', HOST 'localhost', PASSWORD 'it''s', PORT 5432, USER 'ducklake' );
CREATE OR REPLACE SECRET s3_store ( TYPE S3, ENDPOINT 'object-store', KEY_ID 'key', SECRET 'secret', USE_SSL true );
CREATE OR REPLACE SECRET metaxy_generated_dev_lake ( TYPE DUCKLAKE, METADATA_PATH '', METADATA_PARAMETERS MAP {'TYPE': 'postgres', 'SECRET': 'pg_meta'}, DATA_PATH 's3://ducklake/' );
ATTACH IF NOT EXISTS 'ducklake:metaxy_generated_dev_lake' AS lake (API_VERSION '0.2', DATA_INLINING_ROW_LIMIT 10, OVERRIDE_DATA_PATH true);
USE lake;`},
	} {
		s, err := readSetup(storeOf(t, c.toml))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := strings.Join(s.statements(), "\n"); got != c.want {
			t.Errorf("%s:\n%s\nwant\n%s", c.name, got, c.want)
		}
	}
}

// TestSetupErrors: what Metaxy's config classes refuse, refused naming the
// key.
func TestSetupErrors(t *testing.T) {
	base := "[stores.dev]\ntype = \"metaxy.ext.duckdb.DuckDBMetadataStore\"\n[stores.dev.config]\ndatabase = \"d.duckdb\"\n"
	for body, want := range map[string]string{
		"config = { threads = 4 }":                                       "stores.dev.config.config.threads: must be a string",
		"extensions = [\"a;b\"]":                                         `stores.dev.config.extensions[0]: "a;b" is not a name`,
		"extensions = [{ repository = \"community\" }]":                  "stores.dev.config.extensions[0].name: is not set",
		"ducklake = { catalog = { type = \"sqlite\", uri = \"m.db\" } }": "stores.dev.config.ducklake.storage: is not set",
		"ducklake = { alias = \"x y\", catalog = { type = \"sqlite\", uri = \"m.db\" }, storage = { type = \"local\", path = \"d\" } }": `stores.dev.config.ducklake.alias: "x y" is not a name`,
		"ducklake = { catlog = {} }": "stores.dev.config.ducklake.catlog: unknown key",
		"ducklake = { catalog = { type = \"oracle\" }, storage = { type = \"local\", path = \"d\" } }":                                         `ducklake.catalog.type: "oracle"`,
		"ducklake = { catalog = { type = \"postgres\", secret_name = \"s\", host = \"h\" }, storage = { type = \"local\", path = \"d\" } }":    "host, database, user and password are set together",
		"ducklake = { catalog = { type = \"postgres\", secret_name = \"s\", pasword = \"x\" }, storage = { type = \"local\", path = \"d\" } }": "stores.dev.config.ducklake.catalog.pasword: unknown key",
		"ducklake = { catalog = { type = \"sqlite\", uri = \"m\" }, storage = { type = \"s3\", secret_name = \"s\", regoin = \"x\" } }":        "stores.dev.config.ducklake.storage.regoin: unknown key",
		"config = { \"a;b\" = \"1\" }": `stores.dev.config.config.a;b: "a;b" is not a name`,
		"ducklake = { catalog = { type = \"postgres\", secret_name = \"s\", host = \"h\", database = \"d\", user = \"u\", password = [\"HUNTER2\"] }, storage = { type = \"local\", path = \"d\" } }": "must be a string (Metaxy requires text), got a list",
	} {
		_, err := readSetup(storeOf(t, base+body+"\n"))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", body, err, want)
		}
	}
}

// TestSecretsMasked: a failing lake statement's error never shows the
// passwords and keys of the configuration, nor the secret's parameters.
func TestSecretsMasked(t *testing.T) {
	st := storeOf(t, `[stores.dev]
type = "metaxy.ext.duckdb.DuckDBMetadataStore"
[stores.dev.config]
database = "d.duckdb"
[stores.dev.config.ducklake]
attach_options = { sslmode = "${SSLMODE:-require}" }
catalog = { type = "postgres", secret_name = "pg_meta", host = "h", database = "d", user = "u", password = "HUNTER2" }
storage = { type = "s3", secret_name = "s3", bucket = "b", key_id = "AKIA", secret = "S3CRET" }
`)
	s, err := readSetup(st)
	if err != nil {
		t.Fatal(err)
	}
	stmts := strings.Join(s.statements(), "\n")
	if !strings.Contains(stmts, "SSLMODE 'require'") {
		t.Errorf("attach options are not templated:\n%s", stmts)
	}
	for _, q := range s.statements() {
		msg := s.explain(q, fmt.Errorf("failed near %s", q)).Error()
		for _, secret := range []string{"HUNTER2", "AKIA", "S3CRET"} {
			if strings.Contains(msg, secret) {
				t.Errorf("%s shows %s:\n%s", q, secret, msg)
			}
		}
	}
}
