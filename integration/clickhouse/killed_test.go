package clickhouse_test

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/mxmigrate/mxmigrate/integration/itest"
	"github.com/mxmigrate/mxmigrate/internal/chdb"
)

// TestKilledRebuildIsExplained (issue 18): a rebuild killed (kill -9) after
// it copied the rows into its scratch table and before EXCHANGE TABLES
// leaves the version dirty and that table behind. status, up and generate
// name the file, say it runs without a transaction, name the table left
// with its rows and the statement that removes it, and the way on; the way
// on (force the version before, up) finishes the rebuild with every row.
func TestKilledRebuildIsExplained(t *testing.T) {
	dir := newProject(t)
	mx(t, dir, "generate", "-n", "ch:metaxy_features", "-m", "init").Must(t, 0)
	mx(t, dir, "up", "-n", "ch:metaxy_features").Must(t, 0)
	query(t, dir, "INSERT INTO media__videos (video_id, metaxy_feature_version, metaxy_created_at, metaxy_updated_at) VALUES ('a', 'v1', now64(6), now64(6)), ('b', 'v1', now64(6), now64(6)), ('c', 'v2', now64(6), now64(6))")
	itest.Edit(t, filepath.Join(dir, "metaxy.toml"), func(s string) string {
		return strings.Replace(s, `partition_by = "toYYYYMM(metaxy_created_at)"`, `partition_by = "toDate(metaxy_created_at)"`, 1)
	})
	mx(t, dir, "generate", "-n", "ch:metaxy_features", "-m", "daily", "--allow-destructive").Must(t, 0)
	up := itest.Read(t, filepath.Join(dir, "migrations/ch/features/000002_daily.up.sql"))
	// what the killed run did: the version marked dirty, then the file's
	// statements up to the exchange (golang-migrate's driver splits at ";")
	query(t, dir, "INSERT INTO schema_migrations_metaxy_features (version, dirty, sequence) VALUES (2, 1, toUInt64(toUnixTimestamp64Nano(now64(9))))")
	ran, scratch := 0, ""
	for _, st := range strings.Split(up, ";") {
		body := strings.TrimSpace(stripComments(st))
		if m := exchange.FindStringSubmatch(body); m != nil {
			scratch = m[1]
			break
		}
		if body != "" {
			query(t, dir, body)
			ran++
		}
	}
	if scratch == "" || ran == 0 || query(t, dir, "SELECT count() > 0 FROM system.tables WHERE database = 'media' AND name = '"+scratch+"'") != "1" {
		t.Fatalf("the scratch table %q should exist (%d statements ran):\n%s", scratch, ran, up)
	}
	rows := query(t, dir, "SELECT count() FROM "+scratch)
	want := []string{"dirty at version 2", "000002_daily.up.sql", "without a transaction", "`" + scratch + "` (" + rows + " rows)", "DROP TABLE `" + scratch + "`;",
		"mxmigrate force -n ch:metaxy_features 1", "mxmigrate up -n ch:metaxy_features"}
	mx(t, dir, "status", "-n", "ch:metaxy_features").Must(t, 0, append([]string{"DIRTY"}, want...)...)
	mx(t, dir, "up", "-n", "ch:metaxy_features").Must(t, 3, want...)
	mx(t, dir, "generate", "-n", "ch:metaxy_features", "--dry-run").Must(t, 3, want...)
	mx(t, dir, "check", "-n", "ch:metaxy_features").Must(t, 1, want[3:]...)
	// the way on it gives
	mx(t, dir, "force", "-n", "ch:metaxy_features", "1").Must(t, 0)
	mx(t, dir, "up", "-n", "ch:metaxy_features").Must(t, 0, "applied 000002_daily.up.sql")
	if got := query(t, dir, "SELECT count() FROM media__videos", "SELECT partition_key FROM system.tables WHERE database = 'media' AND name = 'media__videos'",
		"SELECT count() FROM system.tables WHERE database = 'media' AND name LIKE '%mxmigrate%'"); got != "3\ntoDate(metaxy_created_at)\n0" {
		t.Fatalf("after the way on: %q", got)
	}
	mx(t, dir, "check", "-n", "ch:metaxy_features").Must(t, 0, "in sync")

	// a table of that name made by hand is not called the file's leftover
	query(t, dir, "CREATE TABLE "+scratch+" (x Int64) ENGINE = MergeTree ORDER BY x", "INSERT INTO "+scratch+" VALUES (1), (2)",
		"INSERT INTO schema_migrations_metaxy_features (version, dirty, sequence) VALUES (2, 1, toUInt64(toUnixTimestamp64Nano(now64(9))))")
	r := mx(t, dir, "status", "-n", "ch:metaxy_features").Must(t, 0, "`"+scratch+"` (2 rows) exists but does not carry this file's mark")
	if strings.Contains(r.Stdout, "DROP TABLE `"+scratch+"`;") {
		t.Errorf("the advice offers to drop a table the file did not make:\n%s", r.Stdout)
	}
}

var exchange = regexp.MustCompile("^EXCHANGE TABLES `([^`]+)` AND")

// stripComments drops -- comment lines.
func stripComments(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// holdChDB opens the chDB data directory dir, says "ready", and holds it
// until its standard input closes; then the process exits.
func holdChDB(dir string) {
	fd, err := syscall.Dup(0) // chdb.Open points standard input at /dev/null
	if err != nil {
		os.Exit(1)
	}
	stdin := os.NewFile(uintptr(fd), "stdin")
	s, err := chdb.Open(dir)
	if err == nil {
		_, err = s.Query("default", "SELECT 1", "TabSeparated")
	}
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println("ready")
	io.Copy(io.Discard, stdin)
	os.Exit(0)
}

// TestUpWaitsForTheDataDirectory: chDB's data directory takes one process
// (ClickHouse locks its status file): a writing command waits for it as for
// the migrations lock, says so, and gives up after --lock-wait, or goes on
// once the other process is gone (it failed with ClickHouse's exception).
func TestUpWaitsForTheDataDirectory(t *testing.T) {
	dir := newProject(t)
	mx(t, dir, "generate", "-n", "ch:metaxy_features", "-m", "init").Must(t, 0)
	mx(t, dir, "status", "-n", "ch:metaxy_features").Must(t, 0) // creates nothing
	holder := exec.Command(os.Args[0], "-test.run=^$")
	holder.Env = append(os.Environ(), "MXMIGRATE_HOLD_CHDB="+filepath.Join(dir, "chdata"))
	out, _ := holder.StdoutPipe()
	release, err := holder.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { release.Close(); holder.Wait() }()
	buf := make([]byte, 256)
	if n, _ := out.Read(buf); !strings.Contains(string(buf[:n]), "ready") {
		t.Fatalf("holder: %q", buf[:n])
	}
	mx(t, dir, "up", "-n", "ch:metaxy_features", "--lock-wait", "1s").Must(t, 3, "waiting up to 1s for the database", "in use by another process", "gave up after 1s")
	up := itest.StartWaiting(t, binary, dir, "waiting up to 30s for the database", "up", "-n", "ch:metaxy_features")
	release.Close()
	holder.Wait()
	up.Finish(t, "applied 000001_init.up.sql")
}
