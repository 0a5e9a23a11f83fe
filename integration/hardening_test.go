package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mxmigrate/mxmigrate/generator"
)

// hproject is a DuckDB project in a temp dir whose features come from
// defs.toml (the human form); victim is a table no environment manages.
func hproject(t *testing.T, store, defs string) string {
	t.Helper()
	dir := t.TempDir()
	cfg := "project = \"p\"\nstore = \"dev\"\n[stores." + store + "]\ntype = \"metaxy.ext.duckdb.DuckDBMetadataStore\"\nconfig = { database = \"h.duckdb\" }\n" +
		"[ext.sqlalchemy]\ninject_primary_key = true\ninject_index = true\n[ext.mxmigrate]\ndefinitions = [\"defs.toml\"]\n"
	write(t, filepath.Join(dir, "metaxy.toml"), cfg)
	write(t, filepath.Join(dir, "defs.toml"), defs)
	sqlExec(t, filepath.Join(dir, "h.duckdb"), "CREATE TABLE victim (x INTEGER)", "INSERT INTO victim VALUES (1)")
	return dir
}

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func feature(key string, cols ...string) string {
	s := "[[feature]]\nkey = \"" + key + "\"\nid_columns = [\"id\"]\n[[feature.column]]\nname = \"id\"\ntype = \"string\"\n"
	for _, c := range cols {
		s += "[[feature.column]]\nname = \"" + c + "\"\ntype = \"int64\"\nnullable = true\n"
	}
	return s
}

func victimAlive(t *testing.T, dir string) {
	t.Helper()
	if got := liveTables(t, filepath.Join(dir, "h.duckdb")); !strings.Contains(" "+got+" ", " victim ") {
		t.Fatalf("table victim is gone: %s", got)
	}
}

// TestStoreNameCannotInjectSQL: a store name holding a newline and a
// statement is refused when metaxy.toml is read, naming it; a message
// holding one stays inside the header comment; up runs only the plan.
func TestStoreNameCannotInjectSQL(t *testing.T) {
	name := "dev\nDROP TABLE victim; --"
	dir := hproject(t, `"dev\nDROP TABLE victim; --"`, feature("a/b", "n"))
	mx(t, dir, "generate", "-n", name+":metaxy_features").Must(t, 3, `stores."dev\nDROP TABLE victim; --": a store name cannot`)
	victimAlive(t, dir)
	dir = hproject(t, "dev", feature("a/b", "n"))
	env := "dev:metaxy_features"
	mx(t, dir, "generate", "-n", env, "-m", "x\nDROP TABLE victim;").Must(t, 0, "+ create table a__b")
	up := read(t, filepath.Join(dir, "migrations/features/000001_x_drop_table_victim.up.sql"))
	for _, line := range strings.Split(up, "\n") {
		if strings.Contains(line, "victim") && !strings.HasPrefix(line, "-- ") {
			t.Fatalf("a line outside the comments names victim: %q\n%s", line, up)
		}
	}
	mx(t, dir, "up", "-n", env).Must(t, 0, "applied")
	victimAlive(t, dir)
}

// TestUnrecordedFilesDoNotRun: a file golang-migrate would run that
// mxmigrate.sum does not record (another extension, an editor backup) makes
// status and up fail naming it; nothing runs.
func TestUnrecordedFilesDoNotRun(t *testing.T) {
	for _, stray := range []string{"000000_seed.up.SQL", "000002_more.up.psql", "000001_init.up.sql~"} {
		dir := hproject(t, "dev", feature("a/b"))
		mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
		write(t, filepath.Join(dir, "migrations/features", stray), "DROP TABLE victim;\n")
		mx(t, dir, "status", "-n", "dev:metaxy_features").Must(t, 3, stray, "rehash")
		mx(t, dir, "up", "-n", "dev").Must(t, 3, stray)
		victimAlive(t, dir)
	}
}

// TestRefusedDryRunJSON: a plan refused as destructive still prints JSON.
func TestRefusedDryRunJSON(t *testing.T) {
	dir := hproject(t, "dev", feature("a/b", "n"))
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 0)
	write(t, filepath.Join(dir, "defs.toml"), feature("a/b"))
	r := mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run", "--json").Must(t, 1)
	var v struct {
		Refused bool `json:"refused"`
		Changes []struct {
			Destructive string `json:"destructive"`
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil || !v.Refused || len(v.Changes) == 0 {
		t.Fatalf("%v %+v\n%s", err, v, r.Stdout)
	}
	// any other failure is JSON too: here the database is behind its directory
	write(t, filepath.Join(dir, "defs.toml"), feature("a/b", "n", "m"))
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "m").Must(t, 0)
	r = mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run", "--json").Must(t, 3)
	var e struct {
		Error   string `json:"error"`
		Refused bool   `json:"refused"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &e); err != nil || !e.Refused || !strings.Contains(e.Error, "apply them first") {
		t.Fatalf("%v %+v\n%s", err, e, r.Stdout)
	}
}

// TestFailingUpNamesTheStatement: the error shows the failing statement and
// its line in the file, not the whole file.
func TestFailingUpNamesTheStatement(t *testing.T) {
	dir := hproject(t, "dev", feature("a/b", "n"))
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	up := filepath.Join(dir, "migrations/features/000001_init.up.sql")
	body := read(t, up)
	write(t, up, body+"\nINSERT INTO no_such_table VALUES (1);\n")
	mx(t, dir, "rehash", "-n", "dev:metaxy_features").Must(t, 0)
	r := mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 3, "no_such_table", "000001_init.up.sql:")
	if strings.Contains(r.Stderr, "-- Generated by") || strings.Contains(r.Stderr, "line 0") {
		t.Errorf("the error must not print the whole file:\n%s", r.Stderr)
	}
	line := strings.Count(body, "\n") + 2
	if !strings.Contains(r.Stderr, "000001_init.up.sql:"+itoa(line)) {
		t.Errorf("line %d not named:\n%s", line, r.Stderr)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestManagedAndCaseCollisionsAreRefused: feature tables that would be a
// system or migrations table, or equal another table or column but for case
// (DuckDB compares names without case), or columns with control characters,
// are refused by generate, before anything is written.
func TestManagedAndCaseCollisionsAreRefused(t *testing.T) {
	for defs, want := range map[string]string{
		feature("metaxy_system/events"):              "system table",
		feature("schema_migrations_metaxy_features"): "migrations table",
		feature("schema_migrations_metaxy_system"):   "migrations table",
		feature("ns/Items") + feature("ns/items"):    "same table",
		feature("ns/x", "Qty", "qty"):                "differ only in case",
	} {
		dir := hproject(t, "dev", defs)
		mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "x").Must(t, 3, want)
		if files(t, filepath.Join(dir, "migrations", "features")) != nil {
			t.Errorf("%s: nothing may be written", want)
		}
	}
	dir := hproject(t, "dev", feature("ns/x")+"[[feature.column]]\nname = \"bad\\u0000col\"\ntype = \"string\"\nnullable = true\n")
	mx(t, dir, "generate", "-n", "dev:metaxy_features").Must(t, 3, "control character")
}

// TestTargetsMayNotShareADirectory: configured or through a symbolic link.
func TestTargetsMayNotShareADirectory(t *testing.T) {
	dir := hproject(t, "dev", feature("a/b"))
	cfg := read(t, filepath.Join(dir, "metaxy.toml"))
	write(t, filepath.Join(dir, "metaxy.toml"), cfg+"[ext.mxmigrate.environments.\"dev:metaxy_system\"]\ndir = \"migrations/features\"\n")
	mx(t, dir, "generate", "-n", "dev:metaxy_features").Must(t, 3, "both use the migrations directory")
	dir = hproject(t, "dev", feature("a/b"))
	os.MkdirAll(filepath.Join(dir, "migrations", "features"), 0o755)
	if err := os.Symlink("features", filepath.Join(dir, "migrations", "system")); err != nil {
		t.Fatal(err)
	}
	mx(t, dir, "status", "-n", "dev").Must(t, 3, "both use the migrations directory")
}

// TestDownSaysDataIsNotRestored: reverting a destructive migration says so.
func TestDownSaysDataIsNotRestored(t *testing.T) {
	dir := hproject(t, "dev", feature("a/b", "n"))
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 0)
	write(t, filepath.Join(dir, "defs.toml"), feature("a/b"))
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "drop", "--allow-destructive").Must(t, 0)
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 0)
	mx(t, dir, "down", "-n", "dev:metaxy_features").Must(t, 0, "NOT restored")
}

// TestGenerateReadsUnderTheLock: while another generate holds the
// directory's lock and is half-way through writing migration 2, this
// generate waits, then reads the finished directory and says truthfully that
// migration 2 must be applied first (it once read the half-written
// directory before taking the lock).
func TestGenerateReadsUnderTheLock(t *testing.T) {
	dir := hproject(t, "dev", feature("a/b"))
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 0)
	write(t, filepath.Join(dir, "defs.toml"), feature("a/b", "n"))
	mig := filepath.Join(dir, "migrations", "features")
	unlockDir, err := generator.Lock(mig)
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	unlock := func() { once.Do(unlockDir) }
	defer unlock() // also when the test fails before it lets the other run go on
	done := make(chan result, 1)
	go func() { done <- mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "late") }()
	waitForBlockedFlock(t, mig, done) // the other run waits for the lock
	write(t, filepath.Join(mig, "000002_other.up.sql"), "-- half written\n")
	os.Remove(filepath.Join(mig, "000002_other.up.sql"))
	if _, err := generator.WriteLocked(mig, generator.Migration{Name: "other", Up: []byte("SELECT 1;\n"), Down: []byte("SELECT 1;\n"),
		Identity: generator.Identity{Dialect: "duckdb"}, BasedOn: 1}); err != nil {
		t.Fatal(err)
	}
	unlock()
	r := <-done
	r.Must(t, 3, "has migrations up to 2", "mxmigrate up")
}

// TestWhatRunsIsWhatWasRead: a block DuckDB reads as a (nested) comment does
// not run, and a file changed after the directory was checked does not run.
func TestWhatRunsIsWhatWasRead(t *testing.T) {
	dir := hproject(t, "dev", feature("a/b"))
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	up := filepath.Join(dir, "migrations/features/000001_init.up.sql")
	write(t, up, read(t, up)+"/* disabled:\n /* nested */\n DROP TABLE victim;\n-- */\n")
	mx(t, dir, "rehash", "-n", "dev:metaxy_features").Must(t, 0)
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 0, "applied")
	victimAlive(t, dir)
}

// TestOneMigrationsTablePerEnvironment: two environments configured to
// record versions in one table (or names equal but for case on DuckDB)
// are refused; so is a manifest edited to claim another environment's tables.
func TestOneMigrationsTablePerEnvironment(t *testing.T) {
	for _, pair := range [][2]string{{"shared_mig", "shared_mig"}, {"shared_mig", "SHARED_MIG"}, {"metaxy_system__events", "m2"}} {
		dir := hproject(t, "dev", feature("a/b"))
		cfg := read(t, filepath.Join(dir, "metaxy.toml"))
		write(t, filepath.Join(dir, "metaxy.toml"), cfg+"[ext.mxmigrate.environments.\"dev:metaxy_features\"]\nmigrations_table = \""+pair[0]+
			"\"\n[ext.mxmigrate.environments.\"dev:metaxy_system\"]\nmigrations_table = \""+pair[1]+"\"\n")
		mx(t, dir, "up", "-n", "dev").Must(t, 3, "give each environment its own")
	}
	dir := hproject(t, "dev", feature("a/b"))
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	sum := filepath.Join(dir, "migrations/features/mxmigrate.sum")
	write(t, sum, strings.Replace(read(t, sum), `+"a__b"`, `+"a__b" +"metaxy_system__events"`, 1))
	mx(t, dir, "rehash", "-n", "dev:metaxy_features").Must(t, 0)
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "--allow-destructive").Must(t, 3, "metaxy_system__events", "manifest was edited")
}
