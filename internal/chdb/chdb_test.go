package chdb_test

import (
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/internal/chdb"
)

var dataDir string

func TestMain(m *testing.M) {
	d, err := os.MkdirTemp("", "mxmigrate-chdb-")
	if err != nil {
		panic(err)
	}
	dataDir = filepath.Join(d, "data")
	code := m.Run()
	os.RemoveAll(d)
	os.Exit(code)
}

// session opens the test process's one chDB session (in a directory of its
// own that outlives the test: chDB keeps one per process).
func session(t *testing.T) *chdb.Session {
	t.Helper()
	if os.Getenv("CHDB_LIB_PATH") == "" {
		t.Fatalf("CHDB_LIB_PATH is not set: run `make test` (scripts/provision.sh fetches libchdb into .cache/chdb), or set it to a libchdb.so (npm pack %s)", chdb.LibraryPackage)
	}
	s, err := chdb.Open(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Release(true) })
	return s
}

// TestDatabaseSQL is long because it is one scenario on a real engine, step
// after step.
func TestDatabaseSQL(t *testing.T) {
	s := session(t)
	for _, db := range []string{"a1", "b1"} {
		if _, err := s.Query("", "CREATE DATABASE IF NOT EXISTS "+db, "TabSeparated"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Query("", "DROP TABLE IF EXISTS "+db+".t", "TabSeparated"); err != nil {
			t.Fatal(err)
		}
	}
	a := sql.OpenDB(chdb.NewConnector(s, "a1"))
	b := sql.OpenDB(chdb.NewConnector(s, "b1"))
	defer a.Close()
	defer b.Close()
	for _, q := range []string{
		"CREATE TABLE t (version Int64, dirty UInt8, sequence UInt64, note Nullable(String), m Map(String, String)) ENGINE = MergeTree ORDER BY sequence",
	} {
		if _, err := a.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	tx, err := a.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("INSERT INTO t (version, dirty, sequence, note) VALUES (?, ?, ?, ?)", 7, uint8(1), int64(1<<62), "it's a ? \\ test"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var (
		v     int
		dirty uint8
		seq   int64
		note  sql.NullString
		m     string
	)
	if err := a.QueryRow("SELECT version, dirty, sequence, note, m FROM t ORDER BY sequence DESC LIMIT 1").Scan(&v, &dirty, &seq, &note, &m); err != nil {
		t.Fatal(err)
	}
	if v != 7 || dirty != 1 || seq != 1<<62 || note.String != "it's a ? \\ test" || m != "{}" {
		t.Errorf("read back %d %d %d %q %q", v, dirty, seq, note.String, m)
	}
	// b is another database of the same session: its table does not exist
	if err := b.QueryRow("SELECT count() FROM t").Scan(&v); err == nil || !strings.Contains(err.Error(), "UNKNOWN_TABLE") {
		t.Errorf("database b1 sees a1's table: %v", err)
	}
	if err := a.QueryRow("SELECT count() FROM t").Scan(&v); err != nil || v != 1 {
		t.Errorf("count %d, %v", v, err)
	}
	if err := a.QueryRow("SELECT 1 FROM t WHERE 0").Scan(&v); !errors.Is(err, sql.ErrNoRows) {
		t.Errorf("empty result: %v", err)
	}
	// the Go runtime still owns its signals: a nil dereference is a panic,
	// and goroutine stacks still grow
	func() {
		defer func() {
			if recover() == nil {
				t.Error("nil dereference did not panic")
			}
		}()
		debug.SetPanicOnFault(true)
		var p *int
		_ = *p
	}()
	var grow func(int) int
	grow = func(n int) int {
		var pad [1024]byte
		if n == 0 {
			return int(pad[0])
		}
		return grow(n-1) + int(pad[n%1024])
	}
	done := make(chan int)
	go func() { done <- grow(2000) }()
	<-done
	runtime.GC()
}

func TestOneDirectoryPerProcess(t *testing.T) {
	session(t)
	_, err := chdb.Open(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "one data directory per process") {
		t.Errorf("second directory: %v", err)
	}
}

func TestBind(t *testing.T) {
	got, err := chdb.Bind("SELECT '?', `a?`, ? -- ?\n, ? /* ? */", nil)
	if err != nil || got != "SELECT '?', `a?`, ? -- ?\n, ? /* ? */" {
		t.Errorf("no args: %q %v", got, err)
	}
	if _, err := chdb.Bind("SELECT ?", namedValues(1, 2)); err == nil {
		t.Error("two args for one placeholder: no error")
	}
	got, err = chdb.Bind("SELECT 'it''s ?', ?, ? -- ?", namedValues("x'y\\", nil))
	if err != nil || got != `SELECT 'it''s ?', 'x\'y\\', NULL -- ?` {
		t.Errorf("got %q %v", got, err)
	}
}

// TestMissingLibrary: without the library, opening a chDB store says how to
// get it; the process does not die.
func TestMissingLibrary(t *testing.T) {
	if os.Getenv("CHDB_TEST_MISSING") == "1" {
		_, err := chdb.Open(t.TempDir())
		var miss *chdb.MissingError
		if !errors.As(err, &miss) {
			t.Fatalf("want MissingError, got %v", err)
		}
		os.Stdout.WriteString("MESSAGE: " + err.Error() + "\n")
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestMissingLibrary$", "-test.v")
	cmd.Env = append(os.Environ(), "CHDB_TEST_MISSING=1", "CHDB_LIB_PATH=/nonexistent/libchdb.so")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"/nonexistent/libchdb.so", "npm pack " + chdb.LibraryPackage, "CHDB_LIB_PATH"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("message lacks %q:\n%s", want, out)
		}
	}
}
