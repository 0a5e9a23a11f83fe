package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/integration/itest"
)

var binary string

func TestMain(m *testing.M) {
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

type result = itest.Result

func mx(t *testing.T, dir string, args ...string) result {
	return itest.Run(t, binary, dir, nil, args...)
}

// project copies a fixture project into a temp dir.
func project(t *testing.T, fixture string) string {
	dst := t.TempDir()
	itest.CopyTree(t, filepath.Join("testdata", fixture), dst)
	return dst
}

func files(t *testing.T, dir string) []string { return itest.Files(t, dir) }
func read(t *testing.T, p string) string      { return itest.Read(t, p) }

func editLock(t *testing.T, dir string, f func(string) string) {
	itest.Edit(t, filepath.Join(dir, "metaxy.lock"), f)
}

// TestCLIFlowDuckDB is issue #2's acceptance flow on a project shaped like
// ../shared/examples.
//
// It is long because it is one scenario on a real engine, step after step.
func TestCLIFlowDuckDB(t *testing.T) {
	dir := project(t, "media")
	mx(t, dir, "generate", "-n", "dev:metaxy_system", "-m", "init").Must(t, 0, "+ create table metaxy_system__feature_versions", "wrote migrations/system/000001_init.up.sql")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0, "+ create table media__videos")
	for _, sub := range []string{"system", "features"} {
		got := strings.Join(files(t, filepath.Join(dir, "migrations", sub)), " ")
		if got != "000001_init.down.sql 000001_init.up.sql mxmigrate.sum" {
			t.Fatalf("%s: %s", sub, got)
		}
	}
	mx(t, dir, "up", "-n", "dev").Must(t, 0, "dev:metaxy_system: applied 000001_init.up.sql", "dev:metaxy_features: applied 000001_init.up.sql")
	st := mx(t, dir, "status", "-n", "dev", "--json").Must(t, 0)
	var status []map[string]any
	if err := json.Unmarshal([]byte(st.Stdout), &status); err != nil {
		t.Fatal(err, st.Stdout)
	}
	for i, table := range []string{"schema_migrations_metaxy_system", "schema_migrations_metaxy_features"} {
		if status[i]["migrations_table"] != table || status[i]["version"] != 1.0 || status[i]["dirty"] != false {
			t.Errorf("status %d: %v", i, status[i])
		}
	}
	before := files(t, filepath.Join(dir, "migrations", "features"))
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "again").Must(t, 0, "No changes detected")
	mx(t, dir, "generate", "-n", "dev:metaxy_system").Must(t, 0, "No changes detected")
	if after := files(t, filepath.Join(dir, "migrations", "features")); strings.Join(after, " ") != strings.Join(before, " ") {
		t.Errorf("no-change generate wrote files: %v", after)
	}
	mx(t, dir, "check", "-n", "dev").Must(t, 0, "in sync")

	// a new property: 000002 with ADD COLUMN up and DROP COLUMN down
	editLock(t, dir, func(s string) string {
		return strings.Replace(s, `"is_public":{"default":false,"title":"Is Public","type":"boolean"}}`,
			`"is_public":{"default":false,"title":"Is Public","type":"boolean"},"codec":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null}}`, 1)
	})
	mx(t, dir, "check", "-n", "dev:metaxy_features").Must(t, 1, "+ add column media__videos.codec VARCHAR")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "add codec").Must(t, 0, "000002_add_codec.up.sql")
	up := read(t, filepath.Join(dir, "migrations/features/000002_add_codec.up.sql"))
	down := read(t, filepath.Join(dir, "migrations/features/000002_add_codec.down.sql"))
	if !strings.Contains(up, `ALTER TABLE "media__videos" ADD COLUMN "codec" VARCHAR;`) || !strings.Contains(down, `ALTER TABLE "media__videos" DROP COLUMN "codec";`) {
		t.Errorf("000002:\n%s\n%s", up, down)
	}
	mx(t, dir, "check", "-n", "dev:metaxy_features").Must(t, 1, "pending 000002_add_codec.up.sql")
	mx(t, dir, "generate", "-n", "dev:metaxy_features").Must(t, 3, "apply them first with `mxmigrate up -n dev:metaxy_features`")
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 0, "applied 000002_add_codec.up.sql")
	mx(t, dir, "check", "-n", "dev:metaxy_features").Must(t, 0)

	// a feature removed from the project: refused, then written as destructive
	editLock(t, dir, func(s string) string { return s[:strings.Index(s, `[features."media/videos".data]`)] })
	listing := files(t, filepath.Join(dir, "migrations", "features"))
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "drop videos").Must(t, 1, "- drop table media__videos", "--allow-destructive")
	if got := files(t, filepath.Join(dir, "migrations", "features")); strings.Join(got, " ") != strings.Join(listing, " ") {
		t.Fatalf("refused generate wrote files: %v", got)
	}
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "drop videos", "--allow-destructive").Must(t, 0, "000003_drop_videos.up.sql")
	up = read(t, filepath.Join(dir, "migrations/features/000003_drop_videos.up.sql"))
	if !strings.Contains(up, "-- DESTRUCTIVE: drops table media__videos") || !strings.Contains(up, `DROP TABLE "media__videos";`) {
		t.Errorf("000003 up:\n%s", up)
	}
	if down := read(t, filepath.Join(dir, "migrations/features/000003_drop_videos.down.sql")); !strings.Contains(down, "data is NOT restored") {
		t.Errorf("000003 down must say data is not restored:\n%s", down)
	}
	mx(t, dir, "up", "-n", "dev").Must(t, 0, "applied 000003_drop_videos.up.sql")
	mx(t, dir, "check", "-n", "dev").Must(t, 0)
	mx(t, dir, "down", "-n", "dev:metaxy_features").Must(t, 0, "reverted 000003_drop_videos.down.sql")
	mx(t, dir, "status", "-n", "dev:metaxy_features").Must(t, 0, "version 2, clean; 1 pending")
	// the table is back (empty): checking against the old definitions passes
	mx(t, dir, "down", "-n", "dev", "--all", "--yes").Must(t, 0, "dev:metaxy_features: reverted 000001_init.down.sql", "mxmigrate down -n dev:metaxy_system")
	mx(t, dir, "status", "-n", "dev").Must(t, 0, "dev:metaxy_system: version 1", "dev:metaxy_features: version none")
	mx(t, dir, "down", "-n", "dev:metaxy_system", "--all", "--yes").Must(t, 0, "dev:metaxy_system: reverted 000001_init.down.sql")
	mx(t, dir, "status", "-n", "dev").Must(t, 0, "dev:metaxy_system: version none", "dev:metaxy_features: version none")
}

func TestGenerateIsDeterministic(t *testing.T) {
	var outs []string
	for i := 0; i < 2; i++ {
		dir := project(t, "media")
		mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
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
	r := mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run").Must(t, 0, "+ create table media__videos", `CREATE TABLE "media__videos"`, "---- down ----")
	if strings.Contains(r.Stdout, "\x1b[") {
		t.Error("colour codes when stdout is not a terminal")
	}
	if _, err := os.Stat(filepath.Join(dir, "migrations", "features")); err == nil && len(files(t, filepath.Join(dir, "migrations", "features"))) > 0 {
		t.Error("--dry-run wrote files")
	}
	r = mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run", "--json").Must(t, 0)
	var plan struct {
		Environment string `json:"environment"`
		Changes     []struct{ Kind, Table string }
		Up          string `json:"up"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &plan); err != nil || len(plan.Changes) != 2 || !strings.Contains(plan.Up, "CREATE TABLE") {
		t.Errorf("json: %v %+v", err, plan)
	}
	r = mx(t, dir, "check", "-n", "dev:metaxy_features", "--json").Must(t, 1)
	if !strings.Contains(r.Stdout, `"in_sync": false`) {
		t.Errorf("check --json: %s", r.Stdout)
	}
}

func TestURLCommand(t *testing.T) {
	dir := project(t, "media")
	r := mx(t, dir, "url", "-n", "dev:metaxy_features").Must(t, 0)
	want := "duckdb://" + filepath.Join(dir, "dev_metadata.duckdb") + "?x-migrations-table=schema_migrations_metaxy_features\n"
	if r.Stdout != want {
		t.Errorf("got %q want %q", r.Stdout, want)
	}
	mx(t, dir, "url", "-n", "dev:metaxy_features", "--port", "1").Must(t, 3, "no port")
	mx(t, dir, "url", "-n", "dev").Must(t, 2, "needs one environment")
}

func TestUsageErrorsExit2(t *testing.T) {
	dir := project(t, "media")
	mx(t, dir, "generate").Must(t, 2, "needs -n <store>:<target>")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "--bogus").Must(t, 2)
	mx(t, dir, "up", "-n", "dev", "x").Must(t, 2, "N must be a positive number")
	mx(t, dir, "force", "-n", "dev:metaxy_features", "1", "--lock-wait", "2s").Must(t, 2, `flags go before the arguments: "--lock-wait" comes after "1"`)
	mx(t, dir, "up", "-n", "dev", "--lock-wait", "-1s").Must(t, 2, "--lock-wait")
	mx(t, dir, "check", "-n", "nosuchstore", "--json").Must(t, 2, `"exit_code": 2`)
	mx(t, dir, "nosuchcommand").Must(t, 2, "unknown command")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "--all-projects", "--project", "x").Must(t, 2, "exclude each other")
	mx(t, dir, "--help").Must(t, 0, "generate", "check", "force", "init")
	mx(t, dir, "version").Must(t, 0, "mxmigrate ")
	mx(t, t.TempDir(), "status", "-n", "dev").Must(t, 3, "no metaxy.toml found")
}

// before lists the files a TestBadInput project starts with.
func before(defs string) []string {
	if defs != "" {
		return []string{"defs.toml", "metaxy.toml"}
	}
	return []string{"metaxy.toml"}
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
				itest.Write(t, filepath.Join(dir, "defs.toml"), c.defs)
			}
			itest.Write(t, filepath.Join(dir, "metaxy.toml"), cfg)
			mx(t, dir, "generate", "-n", "dev:metaxy_features").Must(t, 3, c.want...)
			if got := files(t, dir); strings.Join(got, " ") != strings.Join(before(c.defs), " ") {
				t.Errorf("a failed generate left files behind: %v", got)
			}
		})
	}
	t.Run("unmappable JSON-Schema property", func(t *testing.T) {
		dir := project(t, "media")
		editLock(t, dir, func(s string) string {
			return strings.Replace(s, `"path":{"title":"Path","type":"string"}`, `"path":{"title":"Path"}`, 1)
		})
		mx(t, dir, "generate", "-n", "dev:metaxy_features").Must(t, 3, "feature media/videos", `property "path"`, `[ext.mxmigrate.column_types."media/videos"] path`)
		itest.Append(t, filepath.Join(dir, "metaxy.toml"), "\n[ext.mxmigrate.column_types.\"media/videos\"]\npath = \"string\"\n")
		mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run").Must(t, 0, `"path" VARCHAR`)
	})
}
