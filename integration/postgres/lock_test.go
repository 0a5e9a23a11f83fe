package postgres_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-migrate/migrate/v4/database"

	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/integration/itest"
)

// TestNoWaitBesideAConcurrentBuild (issue 18): while `up` builds an index
// CONCURRENTLY (held up here by an open writer, as a long build on a big
// table is), status, check and generate --dry-run answer without waiting
// for the migrations lock, and a second up polls for it without waiting
// inside the database, then gives up naming the holder. golang-migrate's
// driver waited in pg_advisory_lock, holding a snapshot the build waits
// for: "deadlock detected", a dirty version and an INVALID index. Here the
// build finishes once the writer ends, and the index is valid.
//
// It is long because it is one scenario on a real engine, step after step.
func TestNoWaitBesideAConcurrentBuild(t *testing.T) {
	e, db := migratedWithRows(t, 2000)
	itest.Edit(t, filepath.Join(e.dir, "metaxy.toml"), func(s string) string {
		return strings.Replace(s, "inject_index = false", "inject_index = true", 1)
	})
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "index").Must(t, 0)
	ctx := context.Background()
	blocker, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer blocker.Close()
	for _, q := range []string{"BEGIN", "LOCK TABLE prod_media__videos IN ROW EXCLUSIVE MODE"} {
		if _, err := blocker.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan itest.Result, 1)
	go func() { done <- e.mx(t, "up", "-n", "prod:metaxy_features") }()
	// wait until the build waits for the writer (pg_locks), or up ends
	var pid int
	for pid == 0 {
		err := db.QueryRow(`SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
			WHERE a.pid <> pg_backend_pid() AND a.query LIKE '%CREATE INDEX CONCURRENTLY%' AND l.locktype = 'virtualxid' AND NOT l.granted LIMIT 1`).Scan(&pid)
		if err != nil && !strings.Contains(err.Error(), "no rows") {
			t.Fatal(err)
		}
		select {
		case r := <-done:
			t.Fatalf("up ended before its index build waited:\n%s%s", r.Stdout, r.Stderr)
		default:
			if pid == 0 {
				time.Sleep(20 * time.Millisecond) // polls the state; no order of events depends on it
			}
		}
	}
	// the dirty version is a run at work, not a stopped one: no repair advice
	for _, r := range []itest.Result{
		e.mx(t, "status", "-n", "prod:metaxy_features").Must(t, 0, "DIRTY", "a run is applying it now", "held by pid"),
		e.mx(t, "check", "-n", "prod:metaxy_features").Must(t, 1, "dirty", "a run is applying it now"),
		e.mx(t, "generate", "-n", "prod:metaxy_features", "--dry-run").Must(t, 3, "a run is applying it now"),
	} {
		if out := r.Stdout + r.Stderr; strings.Contains(out, "INVALID") || strings.Contains(out, "mxmigrate force") || strings.Contains(out, "drop invalid index") {
			t.Errorf("a running build is reported as a stopped one:\n%s", out)
		}
	}
	e.mx(t, "url", "-n", "prod:metaxy_features").Must(t, 0, "pgx5://")
	r := e.mx(t, "up", "-n", "prod:metaxy_features", "--lock-wait", "1s").Must(t, 3, "another run holds the migrations lock", "held by pid")
	if !strings.Contains(r.Stdout+r.Stderr, "CREATE INDEX CONCURRENTLY") {
		t.Errorf("the message should say what the holder runs:\n%s", r.Stderr)
	}
	var waiting int
	if err := db.QueryRow(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`).Scan(&waiting); err != nil || waiting != 0 {
		t.Fatalf("a session waits for an advisory lock inside the database: %d %v", waiting, err)
	}
	if _, err := blocker.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	(<-done).Must(t, 0, "applied")
	var invalid int
	if err := db.QueryRow(`SELECT count(*) FROM pg_index WHERE NOT indisvalid`).Scan(&invalid); err != nil || invalid != 0 {
		t.Fatalf("invalid indexes: %d %v", invalid, err)
	}
	e.mx(t, "status", "-n", "prod:metaxy_features").Must(t, 0, "clean")
	e.mx(t, "check", "-n", "prod:metaxy_features").Must(t, 0, "in sync")
}

// TestStockCLIAndMxmigrateShareTheLock: golang-migrate's pgx5 driver, opened
// on `mxmigrate url` as the stock CLI opens it, and mxmigrate take the same
// advisory lock: each waits for the other. (mxmigrate keyed it on
// current_database(), the stock CLI on the URL's path "/<db>": they ran
// past each other.)
func TestStockCLIAndMxmigrateShareTheLock(t *testing.T) {
	e := newProject(t)
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "init").Must(t, 0)
	u := strings.TrimSpace(e.mx(t, "url", "-n", "prod:metaxy_features").Must(t, 0).Stdout)
	stock, err := database.Open(u) // its opening takes and drops the lock
	if err != nil {
		t.Fatal(err)
	}
	defer stock.Close()
	if err := stock.Lock(); err != nil {
		t.Fatal(err)
	}
	e.mx(t, "up", "-n", "prod:metaxy_features", "--lock-wait", "1s").Must(t, 3, "another run holds the migrations lock", "held by pid")
	if err := stock.Unlock(); err != nil {
		t.Fatal(err)
	}
	// mxmigrate holds it: the stock driver waits in pg_advisory_lock
	_, env := e.environment(t, "prod:metaxy_features")
	h, err := env.Conn.Open(context.Background(), dialect.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ours, err := env.Dialect.MigrateDriver(h, env.MigrationsTable)
	if err != nil {
		t.Fatal(err)
	}
	defer ours.Close()
	if err := ours.Lock(); err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() { got <- stock.Lock() }()
	db := pg.Open(t, e.db)
	for waiting := false; !waiting; {
		if err := db.QueryRow(`SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted)`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-got:
			t.Fatalf("the stock driver took the lock mxmigrate holds: %v", err)
		default:
			time.Sleep(10 * time.Millisecond) // polls the state; no order of events depends on it
		}
	}
	if err := ours.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatalf("the stock driver, once mxmigrate let go: %v", err)
	}
	stock.Unlock()
}
