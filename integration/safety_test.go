package integration

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/dialect/duckdb"
	"github.com/mxmigrate/mxmigrate/integration/itest"
)

// Issue 18's regression tests on embedded DuckDB, through the binary as a
// user runs it.

// readOnly makes dir read-only for the rest of the test: a read-only bind
// mount when the test runs as root (for whom permission bits stop nothing),
// else permission bits.
func readOnly(t *testing.T, dir string) {
	t.Helper()
	if os.Geteuid() != 0 {
		filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil {
				os.Chmod(p, info.Mode().Perm()&^0o222)
			}
			return nil
		})
		t.Cleanup(func() {
			filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
				if err == nil {
					os.Chmod(p, info.Mode().Perm()|0o200)
				}
				return nil
			})
		})
		return
	}
	for _, args := range [][]string{{"--bind", dir, dir}, {"-o", "remount,bind,ro", dir}} {
		if out, err := exec.Command("mount", args...).CombinedOutput(); err != nil {
			t.Fatalf("mount %v: %v\n%s (the test needs a read-only bind mount as root; run it as another user to use permission bits instead)", args, err, out)
		}
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	if err := os.WriteFile(filepath.Join(dir, "probe"), nil, 0o644); err == nil {
		t.Fatal("the mount is not read-only")
	}
}

// TestReadOnlyCommandsOnAReadOnlyFile: status, check and generate --dry-run
// read a DuckDB file on a read-only mount (they failed with "Read-only file
// system"); up says what it cannot do.
func TestReadOnlyCommandsOnAReadOnlyFile(t *testing.T) {
	dir := hproject(t, "dev", feature("a/b", "n"))
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 0)
	write(t, filepath.Join(dir, "defs.toml"), feature("a/b", "n", "m"))
	readOnly(t, dir)
	mx(t, dir, "status", "-n", "dev:metaxy_features").Must(t, 0, "version 1, clean")
	mx(t, dir, "check", "-n", "dev:metaxy_features").Must(t, 1, "add column")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run").Must(t, 0, "+ add column a__b.m")
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 3)
}

// TestDownNeedsTheSystemTargetNamed: `down -n dev` reverts the feature
// tables only (it dropped metaxy_system__feature_versions with its rows);
// --all asks, and needs --yes when stdin is no terminal (also when
// MXMIGRATE_ALL sets it).
func TestDownNeedsTheSystemTargetNamed(t *testing.T) {
	dir := hproject(t, "dev", feature("a/b", "n"))
	mx(t, dir, "generate", "-n", "dev:metaxy_system", "-m", "init").Must(t, 0)
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	mx(t, dir, "up", "-n", "dev").Must(t, 0)
	db := filepath.Join(dir, "h.duckdb")
	sqlExec(t, db, "INSERT INTO metaxy_system__feature_versions (project, feature_key, metaxy_definition_version) VALUES ('p', 'a/b', 'v1')")
	mx(t, dir, "down", "-n", "dev").Must(t, 0, "dev:metaxy_features: reverted 000001_init.down.sql", "mxmigrate down -n dev:metaxy_system")
	if got := liveTables(t, db); !strings.Contains(got, "metaxy_system__feature_versions") || strings.Contains(got, "a__b") {
		t.Fatalf("down -n dev must revert the features only: %s", got)
	}
	if n := count(t, db, "metaxy_system__feature_versions"); n != 1 {
		t.Fatalf("the system rows are gone: %d", n)
	}
	mx(t, dir, "up", "-n", "dev").Must(t, 0)
	r := mx(t, dir, "down", "-n", "dev:metaxy_system", "--all").Must(t, 2, "--yes")
	if strings.Contains(r.Stdout, "reverted") {
		t.Fatal(r.Stdout)
	}
	r = itestRun(t, dir, []string{"MXMIGRATE_ALL=true"}, "down", "-n", "dev:metaxy_system").Must(t, 2, "--yes")
	if n := count(t, db, "metaxy_system__feature_versions"); n != 1 {
		t.Fatalf("down --all without --yes reverted: %d", n)
	}
	mx(t, dir, "down", "-n", "dev:metaxy_system", "--all", "--yes").Must(t, 0, "dev:metaxy_system: reverted 000001_init.down.sql")
	if got := liveTables(t, db); strings.Contains(got, "metaxy_system__feature_versions") {
		t.Fatalf("named and confirmed, the system target is reverted: %s", got)
	}
}

func count(t *testing.T, db, table string) int {
	t.Helper()
	h, err := duckdb.OpenPath(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	var n int
	if err := h.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func itestRun(t *testing.T, dir string, env []string, args ...string) result {
	return itest.Run(t, binary, dir, env, args...)
}

// TestExitCodes: 1 is "no" only (check differs, a plan refused as
// destructive); 2 usage; 3 could not run, with a JSON error object under
// --json (check printed no JSON and exited 1 when it could not connect).
func TestExitCodes(t *testing.T) {
	dir := hproject(t, "dev", feature("a/b", "n"))
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	mx(t, dir, "check", "-n", "dev:metaxy_features").Must(t, 1, "pending")
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 0)
	write(t, filepath.Join(dir, "defs.toml"), feature("a/b"))
	mx(t, dir, "generate", "-n", "dev:metaxy_features").Must(t, 1, "destructive")
	mx(t, dir, "up", "-n", "dev:metaxy_features", "zero").Must(t, 2)
	mx(t, dir, "status", "-n", "nosuchstore:metaxy_features").Must(t, 2)
	// a file that is not a DuckDB database: nothing can run
	if err := os.WriteFile(filepath.Join(dir, "h.duckdb"), []byte(strings.Repeat("not a database ", 1000)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"check", "-n", "dev:metaxy_features", "--json"},
		{"status", "-n", "dev:metaxy_features", "--json"},
		{"generate", "-n", "dev:metaxy_features", "--dry-run", "--json"},
	} {
		r := mx(t, dir, args...).Must(t, 3)
		var e struct {
			Error    string `json:"error"`
			ExitCode int    `json:"exit_code"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &e); err != nil || e.Error == "" || e.ExitCode != 3 {
			t.Fatalf("%v: want a JSON error object: %v\n%s", args, err, r.Stdout)
		}
	}
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 3)
	mx(t, dir, "down", "-n", "dev:metaxy_features").Must(t, 3)
	// configuration that cannot be read
	write(t, filepath.Join(dir, "metaxy.toml"), "project = \n")
	mx(t, dir, "status").Must(t, 3, "metaxy.toml")
}

// TestNoDefinitionsFound: generate says where it looked when it finds no
// definition for the project, and refuses to plan dropping every feature
// table from an empty set (a forgotten --definitions-from-store).
func TestNoDefinitionsFound(t *testing.T) {
	dir := hproject(t, "dev", feature("a/b", "n"))
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 0)
	write(t, filepath.Join(dir, "defs.toml"), "[[feature]]\nproject = \"other\"\nkey = \"x/y\"\nid_columns = [\"id\"]\n[[feature.column]]\nname = \"id\"\ntype = \"string\"\n")
	r := mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "gone", "--allow-destructive").Must(t, 3,
		`0 feature definitions found for project "p"`, "defs.toml (1)", "1 found for other projects", "Refusing to plan dropping 1 feature table", "--allow-empty")
	if files(t, filepath.Join(dir, "migrations", "features")) == nil || len(files(t, filepath.Join(dir, "migrations", "features"))) != 3 {
		t.Fatalf("nothing may be written: %v\n%s", files(t, filepath.Join(dir, "migrations", "features")), r.Stdout)
	}
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "gone", "--allow-destructive", "--allow-empty").Must(t, 0, "- drop table a__b")
	// an empty database and no definitions: no changes, and where it looked
	dir = hproject(t, "dev", "[[feature]]\nproject = \"other\"\nkey = \"x/y\"\nid_columns = [\"id\"]\n")
	mx(t, dir, "generate", "-n", "dev:metaxy_features").Must(t, 0, "No changes detected", "0 feature definitions found", "metaxy.lock (no such file)", "--definitions-from-store")
}

// TestLongFailingStatementIsCapped: a failing statement of 400 KB is shown
// by its first bytes and its file:line, not whole.
func TestLongFailingStatementIsCapped(t *testing.T) {
	dir := hproject(t, "dev", feature("a/b", "n"))
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	up := filepath.Join(dir, "migrations/features/000001_init.up.sql")
	body := read(t, up)
	huge := "INSERT INTO no_such_table VALUES ('" + strings.Repeat("x", 400_000) + "');\n"
	write(t, up, body+huge)
	mx(t, dir, "rehash", "-n", "dev:metaxy_features").Must(t, 0)
	r := mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 3, "no_such_table", "000001_init.up.sql:"+itoa(strings.Count(body, "\n")+1), "more bytes")
	if len(r.Stderr) > 8000 {
		t.Fatalf("the error is %d bytes:\n%.3000s", len(r.Stderr), r.Stderr)
	}
}

// TestConversionErrorNamesTheStatement: a DuckDB conversion error (VARCHAR
// 'abc' to BIGINT) names the file's line and statement, not only the file.
func TestConversionErrorNamesTheStatement(t *testing.T) {
	dir := hproject(t, "dev", feature("a/b")+"[[feature.column]]\nname = \"code\"\ntype = \"string\"\nnullable = true\n")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 0)
	sqlExec(t, filepath.Join(dir, "h.duckdb"), `INSERT INTO a__b (id, code, metaxy_provenance, metaxy_provenance_by_field, metaxy_feature_version, metaxy_project_version,
		metaxy_data_version, metaxy_data_version_by_field, metaxy_created_at, metaxy_updated_at) VALUES ('1', 'abc', 'p', '{}', 'f', 'p', 'd', '{}', now(), now())`)
	write(t, filepath.Join(dir, "defs.toml"), feature("a/b")+"[[feature.column]]\nname = \"code\"\ntype = \"int64\"\nnullable = true\n")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "retype", "--allow-destructive").Must(t, 0)
	r := mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 3, "000002_retype.up.sql:")
	if !regexp.MustCompile(`000002_retype\.up\.sql:\d+:\n\s+\S`).MatchString(r.Stderr) {
		t.Fatalf("the failing statement and its line are not named:\n%s", r.Stderr)
	}
	if n := count(t, filepath.Join(dir, "h.duckdb"), "a__b"); n != 1 {
		t.Fatalf("the row must survive: %d", n)
	}
}

// TestDirtyVersionIsExplained: a run killed (kill -9) in a DuckDB file
// leaves the version dirty and nothing of the file applied (one
// transaction). status, up, generate and check say which file, that it ran
// in one transaction, and the way on; following it applies the file.
func TestDirtyVersionIsExplained(t *testing.T) {
	dir := hproject(t, "dev", feature("a/b", "n"))
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 0)
	write(t, filepath.Join(dir, "defs.toml"), feature("a/b", "n", "m"))
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "more").Must(t, 0)
	// what a killed up leaves: the version marked dirty, the file rolled back
	sqlExec(t, filepath.Join(dir, "h.duckdb"), "UPDATE schema_migrations_metaxy_features SET version = 2, dirty = true")
	want := []string{"dirty at version 2", "If `up` stopped in migrations/features/000002_more.up.sql", "ALTER TABLE", "runs in one transaction, so nothing of it was applied",
		"mxmigrate force -n dev:metaxy_features 1", "mxmigrate up -n dev:metaxy_features"}
	mx(t, dir, "status", "-n", "dev:metaxy_features").Must(t, 0, append([]string{"DIRTY"}, want...)...)
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 3, want...)
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run").Must(t, 3, want...)
	mx(t, dir, "check", "-n", "dev:metaxy_features").Must(t, 1, want[1:]...)
	// a dirty version 1 may also be a down of 2 that stopped
	sqlExec(t, filepath.Join(dir, "h.duckdb"), "UPDATE schema_migrations_metaxy_features SET version = 1, dirty = true")
	mx(t, dir, "status", "-n", "dev:metaxy_features").Must(t, 0, "If instead `down` stopped in migrations/features/000002_more.down.sql", "mxmigrate force -n dev:metaxy_features 2")
	sqlExec(t, filepath.Join(dir, "h.duckdb"), "UPDATE schema_migrations_metaxy_features SET version = 2, dirty = true")
	mx(t, dir, "force", "-n", "dev:metaxy_features", "1").Must(t, 0)
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 0, "applied 000002_more.up.sql")
	mx(t, dir, "check", "-n", "dev:metaxy_features").Must(t, 0, "in sync")
}

// TestUpWaitsForTheFile: on DuckDB the database file is the lock (one
// writing process per file): a second writer polls for it, says so, gives
// up after --lock-wait naming the holder, or goes on once it is free.
func TestUpWaitsForTheFile(t *testing.T) {
	dir := hproject(t, "dev", feature("a/b", "n"))
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	h, err := duckdb.OpenPath(context.Background(), filepath.Join(dir, "h.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	mx(t, dir, "up", "-n", "dev:metaxy_features", "--lock-wait", "1s").Must(t, 3, "waiting up to 1s for the database", "in use by another process", "gave up after 1s")
	up := itest.StartWaiting(t, binary, dir, "waiting up to 30s for the database", "up", "-n", "dev:metaxy_features")
	h.Close()
	up.Finish(t, "applied 000001_init.up.sql")
}

// TestBidiControlsAreRefusedOrEscaped: Unicode bidirectional controls
// (U+202A-202E, U+2066-2069), which show text in another order than it
// runs, are refused in names and escaped in file comments and in output.
func TestBidiControlsAreRefusedOrEscaped(t *testing.T) {
	const rlo, lri = "\u202e", "\u2066"
	dir := hproject(t, "dev", feature("a/b"+rlo+"c"))
	mx(t, dir, "generate", "-n", "dev:metaxy_features").Must(t, 3, "bidirectional control", `U+202E`)
	dir = hproject(t, "dev", feature("a/b")+"[[feature.column]]\nname = \"n"+lri+"x\"\ntype = \"string\"\nnullable = true\n")
	mx(t, dir, "generate", "-n", "dev:metaxy_features").Must(t, 3, "bidirectional control", `U+2066`)
	mx(t, hproject(t, `"de`+rlo+`v"`, feature("a/b")), "status").Must(t, 3, "bidirectional control")
	dir = hproject(t, "dev", feature("a/b"))
	r := mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init "+rlo+"DROP TABLE victim"+lri)
	r.Must(t, 0)
	all := r.Stdout + r.Stderr
	for _, f := range files(t, filepath.Join(dir, "migrations", "features")) {
		all += read(t, filepath.Join(dir, "migrations", "features", f))
	}
	if strings.ContainsAny(all, rlo+lri) || !strings.Contains(all, `\u202e`) {
		t.Fatalf("a bidirectional control reached a file or the output raw (or was not escaped):\n%s", all)
	}
	r = mx(t, dir, "status", "-n", "dev"+rlo+":metaxy_features").Must(t, 2)
	if strings.ContainsAny(r.Stdout+r.Stderr, rlo) {
		t.Fatalf("an error echoed a bidirectional control raw:\n%s", r.Stderr)
	}
}
