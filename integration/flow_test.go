package integration

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mxmigrate/mxmigrate/dialect/duckdb"
	"github.com/mxmigrate/mxmigrate/integration/itest"
)

func sqlExec(t *testing.T, dbPath string, stmts ...string) {
	t.Helper()
	h, err := duckdb.OpenPath(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	for _, s := range stmts {
		if _, err := h.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func liveTables(t *testing.T, dbPath string) string {
	t.Helper()
	h, err := duckdb.OpenPath(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	s, err := duckdb.Dialect{}.Inspect(context.Background(), h, nil)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(s.Names(), " ")
}

// TestScopeLeavesOtherTablesAlone: unrelated tables, another project's feature
// tables and another environment's tables survive every command.
func TestScopeLeavesOtherTablesAlone(t *testing.T) {
	dir := project(t, "media")
	db := filepath.Join(dir, "dev_metadata.duckdb")
	sqlExec(t, db, `CREATE TABLE unrelated (x INT)`, `INSERT INTO unrelated VALUES (1)`,
		`CREATE TABLE other__thing (id VARCHAR)`)
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 0)
	// the feature set shrinks to nothing: only the directory's own tables may be dropped
	editLock(t, dir, func(string) string { return "" })
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "empty", "--allow-destructive").Must(t, 3, "0 feature definitions found", "--allow-empty")
	r := mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "empty", "--allow-destructive", "--allow-empty").Must(t, 0)
	if strings.Contains(r.Stdout, "unrelated") || strings.Contains(r.Stdout, "other__thing") || strings.Contains(r.Stdout, "schema_migrations") {
		t.Fatalf("plan touches tables outside the environment:\n%s", r.Stdout)
	}
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 0)
	if got := liveTables(t, db); got != "other__thing schema_migrations_metaxy_features unrelated" {
		t.Errorf("tables left: %s", got)
	}
}

func TestProjectSelectionAndInjectionFlags(t *testing.T) {
	dir := project(t, "media")
	itest.Write(t, filepath.Join(dir, "defs", "other.toml"), "[[feature]]\nkey = \"other/thing\"\nproject = \"other\"\nid_columns = [\"id\"]\n")
	itest.Append(t, filepath.Join(dir, "metaxy.toml"), "definitions = [\"defs/*.toml\"]\n")
	r := mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run").Must(t, 0)
	if strings.Contains(r.Stdout, "other__thing") {
		t.Error("another project's feature in the plan")
	}
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run", "--project", "other").Must(t, 0, "+ create table other__thing")
	r = mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run", "--all-projects").Must(t, 0, "other__thing", "media__videos")
	if !strings.Contains(r.Stdout, "PRIMARY KEY") {
		t.Error("config's inject_primary_key = true not applied")
	}
	r = mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run", "--no-inject-primary-key", "--inject-index").Must(t, 0, "CREATE INDEX \"ix_media__videos_video_id_metaxy_created_at_metaxy_data_version\"")
	if strings.Contains(r.Stdout, "PRIMARY KEY") {
		t.Error("--no-inject-primary-key ignored")
	}
	// the same through METAXY_* overrides
	cmd := exec.Command(binary, "generate", "-n", "dev:metaxy_features", "--dry-run")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "METAXY_EXT__SQLALCHEMY__INJECT_PRIMARY_KEY=false", "METAXY_PROJECT=other")
	out, err := cmd.CombinedOutput()
	if err != nil || strings.Contains(string(out), "PRIMARY KEY") || !strings.Contains(string(out), "other__thing") {
		t.Errorf("env overrides: %v\n%s", err, out)
	}
}

func TestDefinitionsFromStore(t *testing.T) {
	dir := project(t, "media")
	mx(t, dir, "generate", "-n", "dev:metaxy_system", "-m", "init").Must(t, 0)
	mx(t, dir, "up", "-n", "dev:metaxy_system").Must(t, 0)
	db := filepath.Join(dir, "dev_metadata.duckdb")
	spec := `{"key":"media/audio","id_columns":["audio_id"],"deps":[],"fields":[{"key":"x","code_version":"1"}],"metadata":{},"a_field_from_the_future":{"x":[1,2]}}`
	schemaJSON := `{"properties":{"audio_id":{"type":"string"},"sample_rate":{"type":"integer"}},"required":["audio_id","sample_rate"]}`
	sqlExec(t, db, `INSERT INTO metaxy_system__feature_versions (project, feature_key, metaxy_definition_version, recorded_at, feature_spec, feature_schema)
		VALUES ('media_pipeline', 'media/audio', 'd1', TIMESTAMP '2026-11-01 00:00:00', '`+spec+`', '`+schemaJSON+`'),
		       ('media_pipeline', 'media/gone', 'd1', TIMESTAMP '2026-11-01 00:00:00', '{"key":"media/gone","id_columns":["x"]}', '{}')`,
		`INSERT INTO metaxy_system__feature_versions (project, feature_key, metaxy_definition_version, recorded_at, feature_spec, feature_schema, deleted_at)
		VALUES ('media_pipeline', 'media/gone', 'd2', TIMESTAMP '2026-11-02 00:00:00', '{"key":"media/gone","id_columns":["x"]}', '{}', TIMESTAMP '2026-11-02 00:00:00')`)
	r := mx(t, dir, "generate", "-n", "dev:metaxy_features", "--definitions-from-store", "--dry-run").Must(t, 0, "+ create table media__audio", `"sample_rate" BIGINT NOT NULL`, "+ create table media__videos")
	if strings.Contains(r.Stdout, "media__gone") {
		t.Error("a feature whose latest row is deleted was planned")
	}
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "--definitions-from-store=dev", "--dry-run").Must(t, 0, "media__audio")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "--definitions-from-store=nosuch", "--dry-run").Must(t, 3, `no store "nosuch"`)

	// the same from metaxy.toml (issue 22): for every environment, or one
	toml := read(t, filepath.Join(dir, "metaxy.toml"))
	// global goes into [ext.mxmigrate], env after it
	setting := func(global, env string) {
		s := strings.Replace(toml, "[ext.mxmigrate]\n", "[ext.mxmigrate]\n"+global, 1)
		itest.Write(t, filepath.Join(dir, "metaxy.toml"), s+"\n"+env)
	}
	setting("definitions_from_store = true\n", "")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run").Must(t, 0, "+ create table media__audio")
	mx(t, dir, "check", "-n", "dev:metaxy_features").Must(t, 1, "+ create table media__audio")
	r = mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run", "--no-definitions-from-store").Must(t, 0, "+ create table media__videos")
	if strings.Contains(r.Stdout, "media__audio") {
		t.Errorf("--no-definitions-from-store read the store:\n%s", r.Stdout)
	}
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run", "--no-definitions-from-store", "--definitions-from-store").Must(t, 2, "exclude each other")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "--offline", "--dry-run").Must(t, 3, "[ext.mxmigrate] definitions_from_store", "--no-definitions-from-store")
	setting("", "[ext.mxmigrate.environments.\"dev:metaxy_features\"]\ndefinitions_from_store = \"dev\"\n")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run").Must(t, 0, "+ create table media__audio")
	setting("definitions_from_store = true\n", "[ext.mxmigrate.environments.\"dev:metaxy_features\"]\ndefinitions_from_store = false\n")
	if r := mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run").Must(t, 0); strings.Contains(r.Stdout, "media__audio") {
		t.Errorf("an environment's definitions_from_store = false read the store:\n%s", r.Stdout)
	}
	setting("definitions_from_store = \"nosuch\"\n", "")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run").Must(t, 3, `ext.mxmigrate.definitions_from_store = "nosuch" names no store (stores: dev`)
	setting("definitions_from_store = 1\n", "")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run").Must(t, 3, "definitions_from_store must be true, false or a store's name")

	// a branch's definitions in a store of one's own, planned --offline
	// (the switching guide's recipe): the shared store is never read
	setting("", "[stores.local]\ntype = \"metaxy.ext.duckdb.DuckDBMetadataStore\"\nconfig = { database = \"local.duckdb\" }\n")
	mx(t, dir, "up", "-n", "local:metaxy_system").Must(t, 0)
	sqlExec(t, filepath.Join(dir, "local.duckdb"), `INSERT INTO metaxy_system__feature_versions (project, feature_key, metaxy_definition_version, recorded_at, feature_spec, feature_schema)
		VALUES ('media_pipeline', 'media/local_only', 'd1', TIMESTAMP '2026-11-01 00:00:00', '{"key":"media/local_only","id_columns":["x"]}', '{"properties":{"x":{"type":"string"}},"required":["x"]}')`)
	r = mx(t, dir, "generate", "-n", "dev:metaxy_features", "--offline", "--definitions-from-store=local", "--dry-run").Must(t, 0, "+ create table media__local_only")
	if strings.Contains(r.Stdout, "media__audio") {
		t.Errorf("--offline read the shared store's definitions:\n%s", r.Stdout)
	}
}

func TestDirtyDatabaseIsRefused(t *testing.T) {
	dir := project(t, "media")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 0)
	// a hand-written migration that fails half-way
	itest.Write(t, filepath.Join(dir, "migrations/features/000002_broken.up.sql"), "ALTER TABLE media__videos ADD COLUMN extra VARCHAR;\nSELECT * FROM no_such_table;\n")
	itest.Write(t, filepath.Join(dir, "migrations/features/000002_broken.down.sql"), "ALTER TABLE media__videos DROP COLUMN extra;\n")
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 3, "not recorded in mxmigrate.sum", "mxmigrate rehash -n dev:metaxy_features")
	mx(t, dir, "rehash", "-n", "dev:metaxy_features").Must(t, 0)
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 3, "000002_broken.up.sql failed", "force")
	db := filepath.Join(dir, "dev_metadata.duckdb")
	h, _ := duckdb.OpenPath(context.Background(), db)
	s, _ := duckdb.Dialect{}.Inspect(context.Background(), h, []string{"media__videos"})
	h.Close()
	if s.Tables[0].Column("extra") != nil {
		t.Error("the failed migration was half-applied")
	}
	mx(t, dir, "status", "-n", "dev:metaxy_features").Must(t, 0, "DIRTY")
	mx(t, dir, "generate", "-n", "dev:metaxy_features").Must(t, 3, "dirty", "mxmigrate force -n dev:metaxy_features")
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 3, "dirty", "mxmigrate force -n dev:metaxy_features")
	mx(t, dir, "check", "-n", "dev:metaxy_features").Must(t, 1, "dirty")
	mx(t, dir, "force", "-n", "dev:metaxy_features", "1").Must(t, 0, "forced to 1")
	mx(t, dir, "status", "-n", "dev:metaxy_features").Must(t, 0, "version 1, clean; 1 pending")
}

func TestConcurrentGenerate(t *testing.T) {
	dir := project(t, "media")
	var wg sync.WaitGroup
	results := make([]result, 2)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "race")
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, r := range results {
		switch {
		case r.Code == 0:
			ok++
		case r.Code == 3 && (strings.Contains(r.Stderr, "another `mxmigrate generate`") || strings.Contains(r.Stderr, "in use by another") || strings.Contains(r.Stderr, "apply them first")):
		default:
			t.Errorf("unclean failure: %d\n%s%s", r.Code, r.Stdout, r.Stderr)
		}
	}
	got := files(t, filepath.Join(dir, "migrations", "features"))
	if ok == 0 || len(got) != 2*ok+1 {
		t.Errorf("%d runs succeeded, files %v", ok, got)
	}
	seen := map[string]bool{}
	for _, f := range got {
		v := strings.SplitN(f, "_", 2)[0]
		if strings.HasSuffix(f, ".up.sql") {
			if seen[v] {
				t.Errorf("version %s written twice", v)
			}
			seen[v] = true
		}
	}
}

func TestInitScaffolds(t *testing.T) {
	dir := t.TempDir()
	mx(t, dir, "init").Must(t, 0, "created", "metaxy.toml", "migrations/system", "migrations/features", ".gitignore (.cache/, /metadata.duckdb, /metadata.duckdb.wal)")
	before := read(t, filepath.Join(dir, "metaxy.toml"))
	ignore := read(t, filepath.Join(dir, ".gitignore"))
	mx(t, dir, "init").Must(t, 0, "using", "exists")
	if read(t, filepath.Join(dir, "metaxy.toml")) != before || read(t, filepath.Join(dir, ".gitignore")) != ignore {
		t.Error("init overwrote metaxy.toml or .gitignore")
	}
	// the scaffold works as it is, with the README quick start's definition
	mx(t, dir, "generate", "-n", "dev:metaxy_system", "-m", "init").Must(t, 0, "000001_init.up.sql")
	readme := read(t, filepath.Join("..", "README.md"))
	const fence = "```toml title=\"features/videos.toml\"\n"
	i := strings.Index(readme, fence)
	if i < 0 {
		t.Fatal("README.md's quick start has no features/videos.toml")
	}
	def := readme[i+len(fence):]
	def = def[:strings.Index(def, "```")]
	os.MkdirAll(filepath.Join(dir, "features"), 0o755)
	os.WriteFile(filepath.Join(dir, "features", "videos.toml"), []byte(def), 0o644)
	itest.Edit(t, filepath.Join(dir, "metaxy.toml"), func(s string) string {
		return strings.Replace(s, `# definitions = ["features/*.toml"]`, `definitions = ["features/*.toml"]`, 1)
	})
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0, "+ create table media__videos", "000001_init.up.sql")
	mx(t, dir, "up", "-n", "dev").Must(t, 0)
	mx(t, dir, "check", "-n", "dev").Must(t, 0, "in sync")
	// git ignores the database and .cache/, not the migrations (issue 22)
	git := func(args ...string) (string, error) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := git("init", "-q"); err != nil {
		t.Fatalf("git is needed to check init's .gitignore (apt-get install git): %v %s", err, out)
	}
	os.MkdirAll(filepath.Join(dir, ".cache"), 0o755)
	os.WriteFile(filepath.Join(dir, ".cache", "x"), nil, 0o644)
	out, err := git("status", "--porcelain", "--untracked-files=all")
	if err != nil || strings.Contains(out, "metadata.duckdb") || strings.Contains(out, ".cache") ||
		!strings.Contains(out, "migrations/system/000001_init.up.sql") || !strings.Contains(out, "migrations/features/000001_init.up.sql") || !strings.Contains(out, "metaxy.toml") {
		t.Errorf("git status after init, generate and up: %v\n%s", err, out)
	}
	// an existing .gitignore is left alone, and init says what it lacks
	os.WriteFile(filepath.Join(dir, ".gitignore"), []byte("/metadata.duckdb\n"), 0o644)
	mx(t, dir, "init").Must(t, 0, ".gitignore (left as it is; it lacks .cache/, /metadata.duckdb.wal")
	r := mx(t, dir, "status", "-n", "dev", "--json").Must(t, 0)
	var st []map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &st); err != nil || len(st) != 2 {
		t.Errorf("status json: %v %s", err, r.Stdout)
	}
}

func TestDirectoryForAnotherDialectOrPrefixIsRefused(t *testing.T) {
	dir := project(t, "media")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	itest.Append(t, filepath.Join(dir, "metaxy.toml"), "\n[stores.staging]\ntype = \"metaxy.ext.duckdb.DuckDBMetadataStore\"\nconfig = { database = \"staging.duckdb\", table_prefix = \"stg_\" }\n")
	mx(t, dir, "generate", "-n", "staging:metaxy_features").Must(t, 3, `table_prefix "stg_"`, `[ext.mxmigrate.environments."staging:metaxy_features"]`, `dir = "migrations/staging/features"`)
}

// TestBaselineAdoptsExistingTables: a store whose tables exist already (as
// Metaxy's auto_create_tables leaves them) gets a first migration written as
// if empty, which force records.
func TestBaselineAdoptsExistingTables(t *testing.T) {
	seed := project(t, "media")
	mx(t, seed, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	dir := project(t, "media")
	db := filepath.Join(dir, "dev_metadata.duckdb")
	sqlExec(t, db, itest.Read(t, filepath.Join(seed, "migrations/features/000001_init.up.sql")))
	sqlExec(t, db, `INSERT INTO media__videos SELECT 'v' || i, 'p', 1.5, 30, DATE '2026-01-01', '[]', true, 'x', '{}', 'f', 'p', 'd' || i, '{}', TIMESTAMPTZ '2026-01-01 00:00:00+00', TIMESTAMPTZ '2026-01-01 00:00:00+00', NULL, NULL FROM range(1200) t(i)`)
	mx(t, dir, "generate", "-n", "dev:metaxy_features").Must(t, 0, "No changes detected")
	// the plan shows the live table's rows, not "no rows" (issue 22)
	r := mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "baseline", "--baseline").Must(t, 0,
		"000001_baseline.up.sql", "already matches this baseline", "mxmigrate force -n dev:metaxy_features 1",
		"+ create table media__videos (17 columns)\n    new table (the live table has ~1,200 rows)")
	if strings.Contains(r.Stdout, "(no rows)") {
		t.Errorf("baseline plan:\n%s", r.Stdout)
	}
	if up := itest.Read(t, filepath.Join(dir, "migrations/features/000001_baseline.up.sql")); !strings.Contains(up, `CREATE TABLE "media__videos"`) {
		t.Errorf("baseline:\n%s", up)
	}
	mx(t, dir, "check", "-n", "dev:metaxy_features").Must(t, 1, "pending 000001_baseline.up.sql, which creates media__video_frames, media__videos: they exist already", "record it with `mxmigrate force -n dev:metaxy_features 1`")
	// up refuses it rather than stop at its CREATE TABLE, leaving nothing dirty
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 3, "which exist(s) already", "`mxmigrate force -n dev:metaxy_features 1`")
	mx(t, dir, "status", "-n", "dev:metaxy_features").Must(t, 0, "version none, clean")
	mx(t, dir, "force", "-n", "dev:metaxy_features", "1").Must(t, 0)
	mx(t, dir, "check", "-n", "dev:metaxy_features").Must(t, 0, "in sync")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "--baseline").Must(t, 3, "empty directory")
}

// TestBaselineAdviceFollowsTheTables: a baseline none of whose tables exist
// is applied with up; one whose tables exist but differ is not (up would stop
// at CREATE TABLE and leave the version dirty): force, then generate the
// differences, which the advice says and which then works.
func TestBaselineAdviceFollowsTheTables(t *testing.T) {
	empty := project(t, "media")
	mx(t, empty, "generate", "-n", "dev:metaxy_features", "-m", "baseline", "--baseline").Must(t, 0, "None of its tables exist yet", "mxmigrate up -n dev:metaxy_features")
	seed := project(t, "media")
	mx(t, seed, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	dir := project(t, "media")
	db := filepath.Join(dir, "dev_metadata.duckdb")
	sqlExec(t, db, itest.Read(t, filepath.Join(seed, "migrations/features/000001_init.up.sql")))
	sqlExec(t, db, `ALTER TABLE media__videos ADD COLUMN by_hand INTEGER`) // (a hand-made index would be kept: decision 40)
	r := mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "baseline", "--baseline").Must(t, 0,
		"differs from this baseline in 1 place(s)", "Do not apply it with up", "mxmigrate force -n dev:metaxy_features 1")
	if strings.Contains(r.Stdout, "apply it with `mxmigrate up") {
		t.Errorf("advises up on existing tables:\n%s", r.Stdout)
	}
	mx(t, dir, "force", "-n", "dev:metaxy_features", "1").Must(t, 0)
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "by_hand", "--allow-destructive").Must(t, 0, "- drop column media__videos.by_hand")
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 0, "applied 000002_by_hand.up.sql")
	mx(t, dir, "check", "-n", "dev:metaxy_features").Must(t, 0, "in sync")
}

// TestUnknownKeysWarned (issue 23): generate, check and up warn about a key
// nothing reads, naming the file and the key; known Metaxy keys are quiet;
// --strict refuses before anything is written.
func TestUnknownKeysWarned(t *testing.T) {
	dir := project(t, "media")
	itest.Edit(t, filepath.Join(dir, "metaxy.toml"), func(s string) string {
		return strings.Replace(s, `config = { database = "dev_metadata.duckdb" }`, `config = { database = "dev_metadata.duckdb", hash_algorithm = "xxhash64", auto_create_table = true }`, 1)
	})
	want := filepath.Join(dir, "metaxy.toml") + ": stores.dev.config.auto_create_table: unknown key, ignored"
	for _, args := range [][]string{
		{"generate", "-n", "dev:metaxy_system", "-m", "init"},
		{"check", "-n", "dev:metaxy_system"},
		{"up", "-n", "dev:metaxy_system"},
	} {
		r := mx(t, dir, args...)
		if !strings.Contains(r.Stderr, "warning: "+want) || strings.Contains(r.Stderr, "config.hash_algorithm:") {
			t.Errorf("%v: exit %d\n%s", args, r.Code, r.Stderr)
		}
	}
	before := strings.Join(files(t, filepath.Join(dir, "migrations", "features")), " ")
	mx(t, dir, "--strict", "generate", "-n", "dev:metaxy_features", "-m", "x").Must(t, 3, "--strict", want)
	if got := strings.Join(files(t, filepath.Join(dir, "migrations", "features")), " "); got != before {
		t.Errorf("--strict wrote files: %s", got)
	}
}
