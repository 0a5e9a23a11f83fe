package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, path, body string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const base = `project = "p"
[stores.dev]
type = "metaxy.ext.metadata_stores.duckdb.DuckDBMetadataStore"
config = { database = "dev.duckdb" }
`

func load(t *testing.T, dir string, env ...string) *Config {
	t.Helper()
	c, err := Load(Options{WorkDir: dir, Environ: env})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDiscovery(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "metaxy.toml"), base)
	sub := filepath.Join(root, "a", "b")
	os.MkdirAll(sub, 0o755)
	// a nearer pyproject.toml with [tool.metaxy] loses to a metaxy.toml further up
	write(t, filepath.Join(root, "a", "pyproject.toml"), "[tool.metaxy]\nproject = \"py\"\n")
	if c := load(t, sub); c.Path != filepath.Join(root, "metaxy.toml") || c.Project != "p" {
		t.Errorf("walk up: %s %s", c.Path, c.Project)
	}
	// pyproject.toml with [tool.metaxy] when no metaxy.toml exists
	other := t.TempDir()
	write(t, filepath.Join(other, "pyproject.toml"), "[project]\nname='x'\n[tool.metaxy]\nproject = \"py\"\n")
	if c := load(t, filepath.Join(other)); c.Project != "py" {
		t.Errorf("pyproject: %q", c.Project)
	}
	// pyproject.toml without [tool.metaxy] does not count
	none := t.TempDir()
	write(t, filepath.Join(none, "pyproject.toml"), "[project]\nname='x'\n")
	if _, err := Load(Options{WorkDir: none, Environ: []string{}}); err != ErrNoConfig {
		t.Errorf("want ErrNoConfig, got %v", err)
	}
	// METAXY_CONFIG beats discovery; --config beats METAXY_CONFIG
	alt := write(t, filepath.Join(t.TempDir(), "alt.toml"), "project = \"alt\"\n")
	if c := load(t, sub, "METAXY_CONFIG="+alt); c.Project != "alt" {
		t.Errorf("METAXY_CONFIG: %q", c.Project)
	}
	c, err := Load(Options{Path: filepath.Join(root, "metaxy.toml"), WorkDir: sub, Environ: []string{"METAXY_CONFIG=" + alt}})
	if err != nil || c.Project != "p" {
		t.Errorf("--config: %v %v", c, err)
	}
	// --config naming a pyproject.toml reads its [tool.metaxy]
	if c, err := Load(Options{Path: filepath.Join(other, "pyproject.toml"), Environ: []string{}}); err != nil || c.Project != "py" {
		t.Errorf("--config pyproject.toml: %v %v", c, err)
	}
	if _, err := Load(Options{Path: filepath.Join(none, "pyproject.toml"), Environ: []string{}}); err == nil || !strings.Contains(err.Error(), "no [tool.metaxy] table") {
		t.Errorf("--config pyproject.toml without [tool.metaxy]: %v", err)
	}
	if _, err := Load(Options{Path: filepath.Join(root, "missing.toml"), Environ: []string{}}); err == nil || !strings.Contains(err.Error(), "missing.toml") {
		t.Errorf("missing --config: %v", err)
	}
}

func TestExtend(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "shared", "base.toml"), `project = "p"
[stores.dev]
type = "metaxy.ext.metadata_stores.duckdb.DuckDBMetadataStore"
[stores.dev.config]
database = "dev.duckdb"
table_prefix = "base_"
[ext.sqlalchemy]
inject_primary_key = true
inject_index = true
`)
	write(t, filepath.Join(dir, "metaxy.toml"), `extend = "shared/base.toml"
project = "child"
[stores.dev.config]
table_prefix = "child_"
[ext.sqlalchemy]
inject_index = false
`)
	c := load(t, dir)
	if c.Project != "child" || c.Stores["dev"].TablePrefix != "child_" {
		t.Errorf("child keys must win: %q %q", c.Project, c.Stores["dev"].TablePrefix)
	}
	if db(c.Stores["dev"]) != "dev.duckdb" {
		t.Errorf("inherited nested key lost: %q", db(c.Stores["dev"]))
	}
	if !c.SQLAlchemy.InjectPrimaryKey || c.SQLAlchemy.InjectIndex {
		t.Errorf("sqlalchemy merge: %+v", c.SQLAlchemy)
	}
	// a list of parents, later ones winning
	multi := t.TempDir()
	write(t, filepath.Join(multi, "a.toml"), "project = \"a\"\nstore = \"from_a\"\n")
	write(t, filepath.Join(multi, "b.toml"), "project = \"b\"\n")
	write(t, filepath.Join(multi, "metaxy.toml"), "extend = [\"a.toml\", \"b.toml\"]\n")
	if c := load(t, multi); c.Project != "b" || c.DefaultStore != "from_a" {
		t.Errorf("extend list: %q %q", c.Project, c.DefaultStore)
	}
	cyc := t.TempDir()
	write(t, filepath.Join(cyc, "metaxy.toml"), `extend = "b.toml"`)
	write(t, filepath.Join(cyc, "b.toml"), `extend = "metaxy.toml"`)
	if _, err := Load(Options{WorkDir: cyc, Environ: []string{}}); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("cycle: %v", err)
	}
}

func TestEnvOverrides(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "metaxy.toml"), base+"[ext.sqlalchemy]\ninject_index = false\n")
	c := load(t, dir,
		"METAXY_STORES__DEV__CONFIG__DATABASE=/data/dev.duckdb",
		"METAXY_EXT__SQLALCHEMY__INJECT_INDEX=true",
		"metaxy_project=lower",
		"METAXY_STORES__NEW__TYPE=metaxy.ext.duckdb.DuckDBMetadataStore",
		"METAXY_STORES__NEW__CONFIG__TABLE_PREFIX=n_",
		"METAXY_CONFIG_NOT_A_KEY=x",
	)
	if db(c.Stores["dev"]) != "/data/dev.duckdb" {
		t.Errorf("nested override: %q", db(c.Stores["dev"]))
	}
	if !c.SQLAlchemy.InjectIndex {
		t.Error("bool override")
	}
	if c.Project != "lower" {
		t.Errorf("case-insensitive prefix: %q", c.Project)
	}
	if st := c.Stores["new"]; st == nil || st.TablePrefix != "n_" || st.Type != "metaxy.ext.duckdb.DuckDBMetadataStore" {
		t.Errorf("store created from env: %+v", st)
	}
	// keys match case-insensitively
	dir2 := t.TempDir()
	write(t, filepath.Join(dir2, "metaxy.toml"), "project = \"p\"\n[stores.Dev]\ntype = \"metaxy.ext.duckdb.DuckDBMetadataStore\"\n")
	if c := load(t, dir2, "METAXY_STORES__DEV__CONFIG__DATABASE=x.duckdb"); c.Stores["Dev"] == nil || db(c.Stores["Dev"]) != "x.duckdb" {
		t.Errorf("case-insensitive key: %+v", c.Stores)
	}
}

func TestTemplating(t *testing.T) {
	look := func(m map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	env := look(map[string]string{"A": "x", "EMPTY": ""})
	cases := map[string]string{
		"${A}":            "x",
		"pre-${A}-post":   "pre-x-post",
		"${B:-dflt}":      "dflt",
		"${A:-dflt}":      "x",
		"${EMPTY:-dflt}":  "dflt",
		"${EMPTY}":        "",
		"no vars":         "no vars",
		"$$A":             "$A",
		"cost $5":         "cost $5",
		"${B:-a:b/c?d=e}": "a:b/c?d=e",
	}
	for in, want := range cases {
		got, err := Expand(in, env)
		if err != nil || got != want {
			t.Errorf("Expand(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"${B}", "${A", "${}"} {
		if _, err := Expand(bad, env); err == nil {
			t.Errorf("Expand(%q) must fail", bad)
		}
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "metaxy.toml"), `project = "${PROJ:-fallback}"
[stores.prod]
type = "metaxy.ext.postgresql.PostgreSQLMetadataStore"
config = { connection_string = "${PG_URL}" }
[stores.dev]
type = "metaxy.ext.duckdb.DuckDBMetadataStore"
config = { database = "${DB_DIR}/dev.duckdb" }
`)
	c := load(t, dir, "DB_DIR=/data")
	if c.Project != "fallback" || db(c.Stores["dev"]) != "/data/dev.duckdb" {
		t.Errorf("templated values: %q %q", c.Project, db(c.Stores["dev"]))
	}
	// an unset variable only fails when its store is used, naming key and variable
	if _, err := c.Environments("dev"); err != nil {
		t.Errorf("dev must work: %v", err)
	}
	if _, err := c.Environments("prod"); err != nil {
		t.Errorf("prod resolves; its connection string fails when read: %v", err)
	}
	_, err := c.Stores["prod"].String("connection_string")
	if err == nil || !strings.Contains(err.Error(), "PG_URL") || !strings.Contains(err.Error(), "stores.prod.config.connection_string") {
		t.Errorf("unset var: %v", err)
	}
}

func TestStoreTypes(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "metaxy.toml"), `project = "p"
[stores.a]
type = "metaxy.ext.duckdb.DuckDBMetadataStore"
[stores.b]
type = "metaxy.ext.metadata_stores.postgresql.PostgreSQLMetadataStore"
[stores.c]
type = "metaxy.ext.clickhouse.ClickHouseMetadataStore"
[stores.lake]
type = "metaxy.ext.metadata_stores.delta.DeltaMetadataStore"
[stores.bogus]
type = "my.Store"
[stores.notype]
config = { database = "x" }
`)
	c := load(t, dir)
	if c.Stores["b"].Type != "metaxy.ext.metadata_stores.postgresql.PostgreSQLMetadataStore" || c.Stores["bogus"].Type != "my.Store" {
		t.Errorf("types are kept as written (the dialect registry resolves them): %+v", c.Stores["b"])
	}
	if _, ok := c.Stores["notype"]; ok {
		t.Error("store without type must be ignored")
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "notype") {
		t.Errorf("warning: %v", c.Warnings)
	}
	if _, err := c.Environments("missing"); err == nil || !strings.Contains(err.Error(), "stores: a, b, bogus, c, lake") {
		t.Errorf("unknown store: %v", err)
	}
}

// TestEnvironments is long because it is one scenario, step
// after step.
func TestEnvironments(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "metaxy.toml"), base+`
[stores.prod]
type = "metaxy.ext.postgresql.PostgreSQLMetadataStore"
config = { connection_string = "postgresql://u:p@h/db", table_prefix = "prod_" }
[ext.mxmigrate]
dir = "mig"
definitions = ["features/*.toml"]
naming_convention = { pk = "pkey_%(table_name)s", ix = "i_%(column_0_N_name)s" }
[ext.mxmigrate.column_types."a/b"]
blob = "bytes"
[ext.mxmigrate.environments."prod:metaxy_features"]
dir = "mig/prod/features"
migrations_table = "custom_table"
`)
	c := load(t, dir)
	envs, err := c.Environments("dev")
	if err != nil || len(envs) != 2 || envs[0].Target != TargetSystem || envs[1].Target != TargetFeatures {
		t.Fatalf("-n dev: %v %v", envs, err)
	}
	if envs[0].Dir != filepath.Join(dir, "mig", "system") || envs[1].Dir != filepath.Join(dir, "mig", "features") {
		t.Errorf("dirs: %s %s", envs[0].Dir, envs[1].Dir)
	}
	if envs[0].MigrationsTable != "schema_migrations_metaxy_system" || envs[1].MigrationsTable != "schema_migrations_metaxy_features" {
		t.Errorf("tables: %s %s", envs[0].MigrationsTable, envs[1].MigrationsTable)
	}
	ps, _ := c.Environment("prod:metaxy_system")
	if ps.MigrationsTable != "prod_schema_migrations_metaxy_system" {
		t.Errorf("prefixed table: %s", ps.MigrationsTable)
	}
	pf, _ := c.Environment("prod:metaxy_features")
	if pf.Dir != filepath.Join(dir, "mig/prod/features") || pf.MigrationsTable != "custom_table" {
		t.Errorf("override: %+v", pf)
	}
	if e, err := c.Environment("metaxy_features"); err != nil || e.Name != "dev:metaxy_features" {
		t.Errorf("target alone uses the default store: %v %v", e, err)
	}
	if _, err := c.Environment("dev"); err == nil {
		t.Error("Environment(dev) names two environments")
	}
	if _, err := c.Environments("dev:bogus"); err == nil || !strings.Contains(err.Error(), "unknown target") {
		t.Errorf("bad target: %v", err)
	}
	if c.Mx.Naming.PK != "pkey_%(table_name)s" || c.Mx.Naming.IX != "i_%(column_0_N_name)s" {
		t.Errorf("naming: %+v", c.Mx.Naming)
	}
	if c.Mx.ColumnTypes["a/b"]["blob"] != "bytes" {
		t.Errorf("column types: %v", c.Mx.ColumnTypes)
	}
	if c.Mx.Definitions[0] != filepath.Join(dir, "features/*.toml") {
		t.Errorf("definitions: %v", c.Mx.Definitions)
	}
	if c.LockPath != filepath.Join(dir, "metaxy.lock") {
		t.Errorf("lock path: %s", c.LockPath)
	}
	if st := c.Stores["dev"]; st.Resolve(db(st)) != filepath.Join(dir, "dev.duckdb") {
		t.Errorf("paths resolve against the config dir: %s", st.Resolve(db(st)))
	}
	if c.DefaultStore != "dev" {
		t.Errorf("default store: %s", c.DefaultStore)
	}
}

func TestBadInput(t *testing.T) {
	cases := map[string]struct{ body, want string }{
		"malformed TOML":   {"project = \"p\"\n\n[stores.dev\ntype = 1\n", "metaxy.toml:3:12: invalid TOML"},
		"bool":             {"[ext.sqlalchemy]\ninject_index = \"maybe\"\n", "ext.sqlalchemy.inject_index must be true or false"},
		"naming token":     {"[ext.mxmigrate]\nnaming_convention = { ix = \"%(nope)s\" }\n", "unknown token"},
		"column type":      {"[ext.mxmigrate.column_types.\"a\"]\nc = \"decimal\"\n", "unknown type"},
		"env name":         {"[ext.mxmigrate.environments.\"dev\"]\ndir = \"x\"\n", "<store>:<target>"},
		"stores not table": {"stores = 1\n", "stores must be a table"},
		"key not list":     {"[ext.mxmigrate]\nkey = \"id\"\n", "ext.mxmigrate.key must be a non-empty list"},
		"key empty":        {"[ext.mxmigrate]\nkey = []\n", "ext.mxmigrate.key must be a non-empty list"},
		"key twice":        {"[ext.mxmigrate]\nkey = [\"{id_columns}\", \"{id_columns}\"]\n", "ext.mxmigrate.key[1]: \"{id_columns}\" is in the key twice"},
		"key not string":   {"[ext.mxmigrate]\nkey = [\"a\", 1]\n", "ext.mxmigrate.key[1]"},
		"key without ids":  {"[ext.mxmigrate]\nkey = [\"metaxy_created_at\"]\n", "must contain \"{id_columns}\""},
		"store colon":      {"[stores.\"a:b\"]\ntype = \"metaxy.ext.duckdb.DuckDBMetadataStore\"\n", "stores.\"a:b\": a store name cannot"},
		"store space":      {"[stores.\"my store\"]\ntype = \"x\"\n", "cannot be empty or hold ':', spaces"},
		"ambiguous type":   {"[ext.mxmigrate.column_types.\"a\"]\nc = \"integer\"\n", "\"integer\" is ambiguous"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, filepath.Join(dir, "metaxy.toml"), c.body)
			_, err := Load(Options{WorkDir: dir, Environ: []string{}})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
}

// db reads a store's database setting.
func db(st *Store) string {
	s, err := st.String("database")
	if err != nil {
		panic(err)
	}
	return s
}

// TestControlCharactersInNamesAreRefused: table_prefix and migrations_table
// become parts of table names; control characters there are refused.
func TestControlCharactersInNamesAreRefused(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "metaxy.toml"), "project = \"p\"\n[stores.dev]\ntype = \"x\"\nconfig = { table_prefix = \"p\\nDROP TABLE v; --\" }\n")
	c := load(t, dir)
	if _, err := c.Environments("dev"); err == nil || !strings.Contains(err.Error(), "table_prefix") {
		t.Errorf("prefix: %v", err)
	}
	write(t, filepath.Join(dir, "metaxy.toml"), "project = \"p\"\n[ext.mxmigrate.environments.\"dev:metaxy_system\"]\nmigrations_table = \"m\\u001b[31m\"\n")
	if _, err := Load(Options{Path: filepath.Join(dir, "metaxy.toml"), Environ: []string{}}); err == nil || !strings.Contains(err.Error(), "migrations_table") {
		t.Errorf("migrations_table: %v", err)
	}
}
