package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mxmigrate-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "mxmigrate")
	_, file, _, _ := runtime.Caller(0)
	build := exec.Command("go", "build", "-o", binary, "./cmd/mxmigrate")
	build.Dir = filepath.Dir(filepath.Dir(file))
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build mxmigrate:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

// mx runs the mxmigrate binary in dir with a clean METAXY_/MXMIGRATE_ environment.
func mx(t *testing.T, dir string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "METAXY_") && !strings.HasPrefix(kv, "MXMIGRATE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return r
}

func (r result) must(t *testing.T, code int, contains ...string) result {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
	for _, c := range contains {
		if !strings.Contains(r.stdout+r.stderr, c) {
			t.Fatalf("output lacks %q\nstdout:\n%s\nstderr:\n%s", c, r.stdout, r.stderr)
		}
	}
	return r
}

// project copies a fixture project into a temp dir.
func project(t *testing.T, fixture string) string {
	t.Helper()
	dst := t.TempDir()
	src := filepath.Join("testdata", fixture)
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func editLock(t *testing.T, dir string, f func(string) string) {
	t.Helper()
	p := filepath.Join(dir, "metaxy.lock")
	if err := os.WriteFile(p, []byte(f(read(t, p))), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCLIFlowDuckDB is issue #2's acceptance flow on a project shaped like
// ../shared/examples.
func TestCLIFlowDuckDB(t *testing.T) {
	dir := project(t, "media")
	mx(t, dir, "generate", "-n", "dev:metaxy_system", "-m", "init").must(t, 0, "+ create table metaxy_system__feature_versions", "wrote migrations/system/000001_init.up.sql")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").must(t, 0, "+ create table media__videos")
	for _, sub := range []string{"system", "features"} {
		got := strings.Join(files(t, filepath.Join(dir, "migrations", sub)), " ")
		if got != "000001_init.down.sql 000001_init.up.sql mxmigrate.sum" {
			t.Fatalf("%s: %s", sub, got)
		}
	}
	mx(t, dir, "up", "-n", "dev").must(t, 0, "dev:metaxy_system: applied 000001_init.up.sql", "dev:metaxy_features: applied 000001_init.up.sql")
	st := mx(t, dir, "status", "-n", "dev", "--json").must(t, 0)
	var status []map[string]any
	if err := json.Unmarshal([]byte(st.stdout), &status); err != nil {
		t.Fatal(err, st.stdout)
	}
	for i, table := range []string{"schema_migrations_metaxy_system", "schema_migrations_metaxy_features"} {
		if status[i]["migrations_table"] != table || status[i]["version"] != 1.0 || status[i]["dirty"] != false {
			t.Errorf("status %d: %v", i, status[i])
		}
	}
	before := files(t, filepath.Join(dir, "migrations", "features"))
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "again").must(t, 0, "No changes detected")
	mx(t, dir, "generate", "-n", "dev:metaxy_system").must(t, 0, "No changes detected")
	if after := files(t, filepath.Join(dir, "migrations", "features")); strings.Join(after, " ") != strings.Join(before, " ") {
		t.Errorf("no-change generate wrote files: %v", after)
	}
	mx(t, dir, "check", "-n", "dev").must(t, 0, "in sync")

	// a new property: 000002 with ADD COLUMN up and DROP COLUMN down
	editLock(t, dir, func(s string) string {
		return strings.Replace(s, `"is_public":{"default":false,"title":"Is Public","type":"boolean"}}`,
			`"is_public":{"default":false,"title":"Is Public","type":"boolean"},"codec":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null}}`, 1)
	})
	mx(t, dir, "check", "-n", "dev:metaxy_features").must(t, 1, "+ add column media__videos.codec string")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "add codec").must(t, 0, "000002_add_codec.up.sql")
	up := read(t, filepath.Join(dir, "migrations/features/000002_add_codec.up.sql"))
	down := read(t, filepath.Join(dir, "migrations/features/000002_add_codec.down.sql"))
	if !strings.Contains(up, `ALTER TABLE "media__videos" ADD COLUMN "codec" VARCHAR;`) || !strings.Contains(down, `ALTER TABLE "media__videos" DROP COLUMN "codec";`) {
		t.Errorf("000002:\n%s\n%s", up, down)
	}
	mx(t, dir, "check", "-n", "dev:metaxy_features").must(t, 1, "pending 000002_add_codec.up.sql")
	mx(t, dir, "generate", "-n", "dev:metaxy_features").must(t, 1, "apply them first with `mxmigrate up -n dev:metaxy_features`")
	mx(t, dir, "up", "-n", "dev:metaxy_features").must(t, 0, "applied 000002_add_codec.up.sql")
	mx(t, dir, "check", "-n", "dev:metaxy_features").must(t, 0)

	// a feature removed from the project: refused, then written as destructive
	editLock(t, dir, func(s string) string { return s[:strings.Index(s, `[features."media/videos".data]`)] })
	listing := files(t, filepath.Join(dir, "migrations", "features"))
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "drop videos").must(t, 1, "- drop table media__videos", "--allow-destructive")
	if got := files(t, filepath.Join(dir, "migrations", "features")); strings.Join(got, " ") != strings.Join(listing, " ") {
		t.Fatalf("refused generate wrote files: %v", got)
	}
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "drop videos", "--allow-destructive").must(t, 0, "000003_drop_videos.up.sql")
	up = read(t, filepath.Join(dir, "migrations/features/000003_drop_videos.up.sql"))
	if !strings.Contains(up, "-- DESTRUCTIVE: drops table media__videos") || !strings.Contains(up, `DROP TABLE "media__videos";`) {
		t.Errorf("000003 up:\n%s", up)
	}
	if down := read(t, filepath.Join(dir, "migrations/features/000003_drop_videos.down.sql")); !strings.Contains(down, "data is NOT restored") {
		t.Errorf("000003 down must say data is not restored:\n%s", down)
	}
	mx(t, dir, "up", "-n", "dev").must(t, 0, "applied 000003_drop_videos.up.sql")
	mx(t, dir, "check", "-n", "dev").must(t, 0)
	mx(t, dir, "down", "-n", "dev:metaxy_features").must(t, 0, "reverted 000003_drop_videos.down.sql")
	mx(t, dir, "status", "-n", "dev:metaxy_features").must(t, 0, "version 2, clean; 1 pending")
	// the table is back (empty): checking against the old definitions passes
	mx(t, dir, "down", "-n", "dev", "--all").must(t, 0, "reverted 000001_init.down.sql")
	mx(t, dir, "status", "-n", "dev").must(t, 0, "dev:metaxy_system: version none", "dev:metaxy_features: version none")
}

func TestGenerateIsDeterministic(t *testing.T) {
	var outs []string
	for i := 0; i < 2; i++ {
		dir := project(t, "media")
		mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").must(t, 0)
		outs = append(outs, read(t, filepath.Join(dir, "migrations/features/000001_init.up.sql"))+
			read(t, filepath.Join(dir, "migrations/features/000001_init.down.sql"))+
			read(t, filepath.Join(dir, "migrations/features/mxmigrate.sum")))
	}
	if outs[0] != outs[1] {
		t.Error("two runs on the same inputs wrote different files")
	}
}

func TestDryRunAndJSON(t *testing.T) {
	dir := project(t, "media")
	r := mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run").must(t, 0, "+ create table media__videos", `CREATE TABLE "media__videos"`, "---- down ----")
	if strings.Contains(r.stdout, "\x1b[") {
		t.Error("colour codes when stdout is not a terminal")
	}
	if _, err := os.Stat(filepath.Join(dir, "migrations", "features")); err == nil && len(files(t, filepath.Join(dir, "migrations", "features"))) > 0 {
		t.Error("--dry-run wrote files")
	}
	r = mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run", "--json").must(t, 0)
	var plan struct {
		Environment string `json:"environment"`
		Changes     []struct{ Kind, Table string }
		Up          string `json:"up"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil || len(plan.Changes) != 2 || !strings.Contains(plan.Up, "CREATE TABLE") {
		t.Errorf("json: %v %+v", err, plan)
	}
	r = mx(t, dir, "check", "-n", "dev:metaxy_features", "--json").must(t, 1)
	if !strings.Contains(r.stdout, `"in_sync": false`) {
		t.Errorf("check --json: %s", r.stdout)
	}
}

func TestURLCommand(t *testing.T) {
	dir := project(t, "media")
	r := mx(t, dir, "url", "-n", "dev:metaxy_features").must(t, 0)
	want := "duckdb://" + filepath.Join(dir, "dev_metadata.duckdb") + "?x-migrations-table=schema_migrations_metaxy_features\n"
	if r.stdout != want {
		t.Errorf("got %q want %q", r.stdout, want)
	}
	mx(t, dir, "url", "-n", "dev:metaxy_features", "--port", "1").must(t, 1, "no port")
	mx(t, dir, "url", "-n", "dev").must(t, 2, "needs one environment")
}

func TestUsageErrorsExit2(t *testing.T) {
	dir := project(t, "media")
	mx(t, dir, "generate").must(t, 2, "needs -n <store>:<target>")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "--bogus").must(t, 2)
	mx(t, dir, "up", "-n", "dev", "x").must(t, 2, "N must be a positive number")
	mx(t, dir, "nosuchcommand").must(t, 2, "unknown command")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "--all-projects", "--project", "x").must(t, 2, "exclude each other")
	mx(t, dir, "--help").must(t, 0, "generate", "check", "force", "init")
	mx(t, dir, "version").must(t, 0, "mxmigrate ")
	mx(t, t.TempDir(), "status", "-n", "dev").must(t, 1, "no metaxy.toml found")
}

func writeFile(t *testing.T, p, body string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBadInput: each bad input fails with exit 1, says what and where, and writes nothing.
func TestBadInput(t *testing.T) {
	duck := "[stores.dev]\ntype = \"metaxy.ext.duckdb.DuckDBMetadataStore\"\nconfig = { database = \"d.duckdb\" }\n"
	human := func(body string) string { return "[[feature]]\nkey = \"a/b\"\nid_columns = [\"id\"]\n" + body }
	cases := []struct {
		name, config, defs string
		want               []string
	}{
		{"malformed TOML", "project = \"p\"\n[stores.dev\n", "", []string{"metaxy.toml:2:", "invalid TOML"}},
		{"unknown store type", "project = \"p\"\n[stores.dev]\ntype = \"my.CustomStore\"\n", "", []string{"stores.dev.type", "my.CustomStore", "metaxy.ext.metadata_stores.postgresql.PostgreSQLMetadataStore"}},
		{"non-SQL store", "project = \"p\"\n[stores.dev]\ntype = \"metaxy.ext.metadata_stores.delta.DeltaMetadataStore\"\n", "", []string{"not a SQL metadata store", "DuckDBMetadataStore"}},
		{"missing project", duck, human(""), []string{"no project", "--all-projects"}},
		{"invalid feature key", "project = \"p\"\n" + duck, "[[feature]]\nkey = \"a__x/b\"\nid_columns = [\"id\"]\n", []string{"defs.toml", `invalid feature key "a__x/b"`}},
		{"system-column collision", "project = \"p\"\n" + duck, human("[[feature.column]]\nname = \"metaxy_created_at\"\ntype = \"timestamptz\"\n"), []string{"defs.toml", "feature a/b", `"metaxy_created_at" collides`}},
		{"empty id_columns", "project = \"p\"\n" + duck, "[[feature]]\nkey = \"a/b\"\nid_columns = []\n", []string{"defs.toml", "id_columns is empty"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := c.config
			if c.defs != "" {
				cfg += "[ext.mxmigrate]\ndefinitions = [\"defs.toml\"]\n"
				writeFile(t, filepath.Join(dir, "defs.toml"), c.defs)
			}
			writeFile(t, filepath.Join(dir, "metaxy.toml"), cfg)
			mx(t, dir, "generate", "-n", "dev:metaxy_features").must(t, 1, c.want...)
			if _, err := os.Stat(filepath.Join(dir, "migrations")); err == nil {
				t.Error("wrote a migrations directory")
			}
		})
	}
	t.Run("unmappable JSON-Schema property", func(t *testing.T) {
		dir := project(t, "media")
		editLock(t, dir, func(s string) string {
			return strings.Replace(s, `"path":{"title":"Path","type":"string"}`, `"path":{"title":"Path"}`, 1)
		})
		mx(t, dir, "generate", "-n", "dev:metaxy_features").must(t, 1, "feature media/videos", `property "path"`, `[ext.mxmigrate.column_types."media/videos"] path`)
		f, _ := os.OpenFile(filepath.Join(dir, "metaxy.toml"), os.O_APPEND|os.O_WRONLY, 0o644)
		io.WriteString(f, "\n[ext.mxmigrate.column_types.\"media/videos\"]\npath = \"string\"\n")
		f.Close()
		mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run").must(t, 0, `"path" VARCHAR`)
	})
}
