package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mxmigrate/mxmigrate/integration/itest"
)

// The online forms, applied to a table with rows while another connection
// keeps inserting into it: an injected primary key (unique index built
// concurrently, then USING INDEX), an injected index (concurrently) and a
// column set NOT NULL (CHECK NOT VALID, VALIDATE, SET NOT NULL). No insert
// waits for a lock longer than lock_timeout (the inserts' own lock_timeout,
// 5s, would fail them: the database measures the wait), none fails, every
// row is kept.
//
// It is long because it is one scenario on a real engine, step after step.
func TestOnlineDDLWhileInserting(t *testing.T) {
	for _, via := range []string{"mxmigrate up", "stock migrate CLI"} {
		t.Run(via, func(t *testing.T) {
			e := newProject(t)
			itest.Edit(t, filepath.Join(e.dir, "metaxy.toml"), func(s string) string {
				return strings.Replace(s, "inject_primary_key = true", "inject_primary_key = false", 1)
			})
			e.editLock(t, addCodec) // codec: nullable
			e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "init").Must(t, 0)
			e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 0)

			const table = "prod_media__videos"
			db := pg.Open(t, e.db)
			// the inserts give up, and fail the test, after waiting 5s for a lock
			insDB, err := sql.Open("pgx", pg.DSN(e.db)+"&lock_timeout=5s")
			if err != nil {
				t.Fatal(err)
			}
			defer insDB.Close()
			ins := newInserter(t, insDB, table)
			const seeded = 20000
			ins.seed(t, seeded)
			e.sql(t, "ANALYZE "+table)

			// the key, an index, and codec NOT NULL
			itest.Edit(t, filepath.Join(e.dir, "metaxy.toml"), func(s string) string {
				s = strings.Replace(s, "inject_primary_key = false", "inject_primary_key = true", 1)
				return strings.Replace(s, "inject_index = false", "inject_index = true", 1)
			})
			e.editLock(t, func(s string) string {
				s = strings.Replace(s, `"codec":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null}`, `"codec":{"type":"string"}`, 1)
				return strings.Replace(s, `"required":["video_id","path","duration_s","recorded_on","tags"]`, `"required":["video_id","path","duration_s","recorded_on","tags","codec"]`, 1)
			})
			gen := e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "online", "--allow-destructive").Must(t, 0,
				"+ add primary key "+table, "+ create index", "~ alter column "+table+".codec set not null",
				"builds an index, lock SHARE UPDATE EXCLUSIVE (reads and writes go on), ~20,000 rows",
				"scans the table, lock SHARE UPDATE EXCLUSIVE (reads and writes go on), ~20,000 rows")
			files := upFiles(t, filepath.Join(e.dir, "migrations", "features"))
			body := map[string]string{}
			all := ""
			for _, f := range files[1:] {
				body[f] = itest.Read(t, f)
				all += body[f]
			}
			for _, want := range []string{"CREATE UNIQUE INDEX CONCURRENTLY", "PRIMARY KEY USING INDEX", "CREATE INDEX CONCURRENTLY",
				`CHECK ("codec" IS NOT NULL) NOT VALID`, "VALIDATE CONSTRAINT", `ALTER COLUMN "codec" SET NOT NULL`} {
				if !strings.Contains(all, want) {
					t.Errorf("the generated files lack %s:\n%s", want, gen.Stdout)
				}
			}
			for f, b := range body {
				concurrent := strings.Contains(b, "CONCURRENTLY")
				if concurrent && strings.Count(b, ";") != 1 {
					t.Errorf("%s: a concurrent statement must be alone in its file:\n%s", f, b)
				}
				if !concurrent && !regexp.MustCompile(`(?m)^SET LOCAL lock_timeout = '5s';$`).MatchString(b) {
					t.Errorf("%s does not set lock_timeout:\n%s", f, b)
				}
			}

			ins.start()
			<-ins.running // inserts are going on when up starts
			switch via {
			case "mxmigrate up":
				e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 0, "_online_set_not_null.up.sql")
			default:
				stockMigrate(t, e, "up")
			}
			n, worst, errs := ins.stop()
			if len(errs) > 0 {
				t.Fatalf("%d inserts failed while the migrations ran, first: %v", len(errs), errs[0])
			}
			t.Logf("%d inserts alongside the migrations, the slowest %s", n, worst)
			var rows int
			if err := db.QueryRow("SELECT count(*) FROM " + table).Scan(&rows); err != nil {
				t.Fatal(err)
			}
			if rows != seeded+n {
				t.Errorf("%d rows, want %d (%d seeded + %d inserted)", rows, seeded+n, seeded, n)
			}
			e.mx(t, "check", "-n", "prod:metaxy_features").Must(t, 0, "in sync")
			if via == "mxmigrate up" {
				// the last file, down and up again: its down leaves what the
				// earlier files made (the key's index, the validated check)
				e.mx(t, "down", "-n", "prod:metaxy_features", "1").Must(t, 0, "_online_set_not_null.down.sql")
				var validated bool
				if err := db.QueryRow(`SELECT convalidated FROM pg_constraint WHERE conname = 'prod_media__videos_codec_not_null'`).Scan(&validated); err != nil || !validated {
					t.Errorf("after down 1 the NOT NULL check is not there validated: %v %v", validated, err)
				}
				e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 0, "_online_set_not_null.up.sql")
				e.mx(t, "check", "-n", "prod:metaxy_features").Must(t, 0, "in sync")
			}
			var invalid int
			db.QueryRow(`SELECT count(*) FROM pg_index WHERE NOT indisvalid`).Scan(&invalid)
			if invalid != 0 {
				t.Errorf("%d invalid indexes left", invalid)
			}
		})
	}
}

// TestBlockedMigrationFailsAfterLockTimeout: a long transaction holds a lock
// on the table; up gives up after lock_timeout, the database is unchanged and
// dirty, and the message names the session and the way on, which works.
//
// It is long because it is one scenario on a real engine, step after step.
func TestBlockedMigrationFailsAfterLockTimeout(t *testing.T) {
	e := newProject(t)
	itest.Edit(t, filepath.Join(e.dir, "metaxy.toml"), func(s string) string {
		return s + "\n[ext.mxmigrate.postgresql]\nlock_timeout = \"1s\"\n"
	})
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "init").Must(t, 0)
	e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 0)
	e.editLock(t, addCodec)
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "codec").Must(t, 0, "000002_codec.up.sql")
	if b := itest.Read(t, filepath.Join(e.dir, "migrations/features/000002_codec.up.sql")); !strings.Contains(b, "SET LOCAL lock_timeout = '1s';") {
		t.Fatalf("lock_timeout from metaxy.toml not set:\n%s", b)
	}

	db := pg.Open(t, e.db)
	// every ALTER TABLE that starts bumps a sequence (an event trigger runs
	// before the command takes its lock; nextval is not rolled back): the
	// database counts how many times up ran the file's statement
	e.sql(t, `CREATE SEQUENCE mxtest_alters`,
		`CREATE FUNCTION mxtest_count_alter() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM nextval('mxtest_alters'); END $$`,
		`CREATE EVENT TRIGGER mxtest_count_alter ON ddl_command_start WHEN TAG IN ('ALTER TABLE') EXECUTE FUNCTION mxtest_count_alter()`)
	alters := func() int {
		t.Helper()
		var n int
		if err := db.QueryRow(`SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM mxtest_alters`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	ctx := context.Background()
	blocker, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer blocker.Close()
	var pid int
	if err := blocker.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"BEGIN", "SELECT count(*) FROM prod_media__videos"} {
		if _, err := blocker.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	before := alters()
	r := e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 3, // a failed migration: could not run
		"lock timeout", "nothing of it was applied", "`mxmigrate force -n prod:metaxy_features 1`",
		fmt.Sprintf("pid %d", pid), "idle in transaction", "SELECT count(*) FROM prod_media__videos")
	// one wait: the file is not run again to find its statement (that
	// would wait, and block others, as long again)
	if n := alters() - before; n != 1 {
		t.Errorf("up started the file's ALTER TABLE %d times, want once (no replay after a lock timeout)", n)
	}
	t.Logf("up failed:\n%s", r.Stderr)
	e.mx(t, "status", "-n", "prod:metaxy_features").Must(t, 0, "version 2, DIRTY")
	var cols int
	db.QueryRow(`SELECT count(*) FROM information_schema.columns WHERE table_name = 'prod_media__videos' AND column_name = 'codec'`).Scan(&cols)
	if cols != 0 {
		t.Fatal("the failed file added the column")
	}
	if _, err := blocker.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	e.mx(t, "force", "-n", "prod:metaxy_features", "1").Must(t, 0)
	e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 0, "applied 000002_codec.up.sql")
	e.mx(t, "check", "-n", "prod:metaxy_features").Must(t, 0, "in sync")
}

// TestFailedConcurrentBuild: a concurrent unique index build fails on
// duplicates and leaves an INVALID index; up says how to go on (drop it,
// force the version before, up again), check lists it, and the advice works
// once the duplicates are gone.
func TestFailedConcurrentBuild(t *testing.T) {
	e := newProject(t)
	itest.Edit(t, filepath.Join(e.dir, "metaxy.toml"), func(s string) string {
		return strings.Replace(s, "inject_primary_key = true", "inject_primary_key = false", 1)
	})
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "init").Must(t, 0)
	e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 0)
	db := pg.Open(t, e.db)
	newInserter(t, db, "prod_media__videos").seed(t, 100)
	e.sql(t, `INSERT INTO prod_media__videos SELECT * FROM prod_media__videos LIMIT 1`) // a duplicate row
	itest.Edit(t, filepath.Join(e.dir, "metaxy.toml"), func(s string) string {
		return strings.Replace(s, "inject_primary_key = false", "inject_primary_key = true", 1)
	})
	// version 2 builds the key of prod_media__video_frames, 3 that of prod_media__videos
	// the plan names each statement's file as written (issue 22), not "file 1"
	gen := e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "key").Must(t, 0, "000003_key_primary_key_index.up.sql",
		"\n    000002_key_primary_key_index: builds an index", "\n    000003_key_primary_key_index: builds an index")
	if strings.Contains(gen.Stdout, "    file ") {
		t.Errorf("a plan line names a file by its place:\n%s", gen.Stdout)
	}
	r := e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 3, "applied 000002_key_primary_key_index.up.sql",
		"000003_key_primary_key_index.up.sql failed", "could not create unique index", "INVALID",
		"`DROP INDEX CONCURRENTLY IF EXISTS \"pk_prod_media__videos\";`", "`mxmigrate force -n prod:metaxy_features 2`")
	t.Log(r.Stderr)
	e.mx(t, "check", "-n", "prod:metaxy_features").Must(t, 1, "dirty at version 3", "- drop invalid index pk_prod_media__videos")
	e.sql(t, `DELETE FROM prod_media__videos a USING prod_media__videos b WHERE a.ctid > b.ctid AND a.video_id = b.video_id`,
		`DROP INDEX CONCURRENTLY IF EXISTS "pk_prod_media__videos"`)
	e.mx(t, "force", "-n", "prod:metaxy_features", "2").Must(t, 0)
	e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 0, "applied 000003_key_primary_key_index.up.sql", "_key_set_not_null.up.sql")
	e.mx(t, "check", "-n", "prod:metaxy_features").Must(t, 0, "in sync")
}

// TestInvalidIndexIsRebuilt: an index whose concurrent build was cancelled
// is INVALID; generate sees it (pg_index.indisvalid) and plans to drop and
// rebuild it.
//
// It is long because it is one scenario on a real engine, step after step.
func TestInvalidIndexIsRebuilt(t *testing.T) {
	e, db := migratedWithRows(t, 50000)
	itest.Edit(t, filepath.Join(e.dir, "metaxy.toml"), func(s string) string {
		return strings.Replace(s, "inject_index = false", "inject_index = true", 1)
	})
	plan := e.mx(t, "generate", "-n", "prod:metaxy_features", "--dry-run").Must(t, 0, "CREATE INDEX CONCURRENTLY").Stdout
	create := regexp.MustCompile(`(?m)^CREATE INDEX CONCURRENTLY "([^"]+)" ON "prod_media__videos" .*;$`).FindStringSubmatch(plan)
	if create == nil {
		t.Fatalf("no index build on prod_media__videos in the plan:\n%s", plan)
	}
	// the same build, cancelled part-way: a transaction that may write to
	// the table makes the build wait, after it has committed its INVALID
	// index, until that transaction ends (pg_locks shows it waiting for the
	// transaction's virtualxid); the build is cancelled then
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
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var pid int
	if err := conn.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	built := make(chan error, 1)
	go func() {
		_, err := conn.ExecContext(ctx, create[0])
		built <- err
	}()
	waitForLock(t, db, pid, built)
	if _, err := db.Exec(`SELECT pg_cancel_backend($1)`, pid); err != nil {
		t.Fatal(err)
	}
	if err := <-built; err == nil || !strings.Contains(err.Error(), "canceling statement due to user request") {
		t.Fatalf("the cancelled build: %v", err)
	}
	if _, err := blocker.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	var valid bool
	if err := db.QueryRow(`SELECT indisvalid FROM pg_index WHERE indexrelid = $1::regclass`, `"`+create[1]+`"`).Scan(&valid); err != nil || valid {
		t.Fatalf("want an invalid index %s: valid %v, %v", create[1], valid, err)
	}
	e.mx(t, "check", "-n", "prod:metaxy_features").Must(t, 1, "- drop invalid index "+create[1], "+ create index "+create[1])
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "rebuild").Must(t, 0, "- drop invalid index "+create[1], "_rebuild_drop_index.up.sql")
	e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 0)
	e.mx(t, "check", "-n", "prod:metaxy_features").Must(t, 0, "in sync")
	if err := db.QueryRow(`SELECT indisvalid FROM pg_index WHERE indexrelid = $1::regclass`, `"`+create[1]+`"`).Scan(&valid); err != nil || !valid {
		t.Fatalf("index %s after the rebuild: valid %v, %v", create[1], valid, err)
	}
}

// waitForLock returns once the backend pid waits for a transaction to end
// (a virtualxid lock not granted, as pg_locks shows it); it fails the test
// if done reports first that the statement ended without waiting.
func waitForLock(t *testing.T, db *sql.DB, pid int, done <-chan error) {
	t.Helper()
	for {
		var waiting bool
		if err := db.QueryRow(`SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = $1 AND locktype = 'virtualxid' AND NOT granted)`, pid).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting {
			return
		}
		select {
		case err := <-done:
			t.Fatalf("the statement ended without waiting for the open transaction: %v", err)
		default:
			time.Sleep(10 * time.Millisecond) // polls the state; no order of events depends on it
		}
	}
}

// migratedWithRows is the fixture's features migrated, with n rows in
// prod_media__videos.
func migratedWithRows(t *testing.T, n int) (*env, *sql.DB) {
	t.Helper()
	e := newProject(t)
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "init").Must(t, 0)
	e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 0)
	db := pg.Open(t, e.db)
	newInserter(t, db, "prod_media__videos").seed(t, n)
	return e, db
}

// upFiles lists a directory's up files in version order.
func upFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.up.sql"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(m)
	return m
}

// stockMigrate runs golang-migrate's CLI on the features directory.
func stockMigrate(t *testing.T, e *env, args ...string) string {
	t.Helper()
	cli := migrateCLI(t)
	url := strings.TrimSpace(e.mx(t, "url", "-n", "prod:metaxy_features").Must(t, 0).Stdout)
	cmd := exec.Command(cli, append([]string{"-path", "migrations/features", "-database", url}, args...)...)
	cmd.Dir = e.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("migrate %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// migrateCLI is the stock golang-migrate CLI that `make test` builds.
func migrateCLI(t *testing.T) string {
	t.Helper()
	cli := os.Getenv("MXMIGRATE_MIGRATE_CLI")
	if cli == "" {
		cli, _ = exec.LookPath("migrate")
	}
	if cli == "" {
		t.Fatal("the stock migrate CLI is needed: run `make test` (it builds it), or `go install -tags 'postgres pgx5' github.com/golang-migrate/migrate/v4/cmd/migrate@v4.20.1` and set MXMIGRATE_MIGRATE_CLI")
	}
	return cli
}

// inserter inserts rows into a table, one per transaction, each with
// distinct values, built from the table's columns.
type inserter struct {
	db      *sql.DB
	table   string
	cols    []string
	values  []string // with %d for the row number
	next    atomic.Int64
	done    chan struct{}
	wg      sync.WaitGroup
	mu      sync.Mutex
	n       int
	worst   time.Duration
	errs    []error
	started bool
	// running is closed once the first inserts of start have committed
	// (or one failed)
	running chan struct{}
	once    sync.Once
}

func newInserter(t *testing.T, db *sql.DB, table string) *inserter {
	t.Helper()
	rows, err := db.Query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	ins := &inserter{db: db, table: table, done: make(chan struct{}), running: make(chan struct{})}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			t.Fatal(err)
		}
		v := ""
		switch typ {
		case "text", "character varying":
			v = "'v%[1]d'"
		case "bigint", "integer", "smallint":
			v = "%[1]d"
		case "double precision", "real", "numeric":
			v = "%[1]d.5"
		case "boolean":
			v = "%[1]d < 0"
		case "date":
			v = "DATE '2024-01-01' + (%[1]d %% 1000)"
		case "timestamp with time zone", "timestamp without time zone":
			v = "TIMESTAMP '2024-01-01' + %[1]d * INTERVAL '1 second'"
		case "jsonb", "json":
			v = `'{"n": %[1]d}'`
		case "uuid":
			v = "md5('%[1]d')::uuid"
		default:
			t.Fatalf("%s.%s: no test value for %s", table, name, typ)
		}
		ins.cols = append(ins.cols, `"`+name+`"`)
		ins.values = append(ins.values, v)
	}
	return ins
}

func (ins *inserter) row(n int64) string {
	vals := make([]string, len(ins.values))
	for i, v := range ins.values {
		vals[i] = fmt.Sprintf(v, n)
	}
	return "(" + strings.Join(vals, ", ") + ")"
}

// seed inserts n rows at once.
func (ins *inserter) seed(t *testing.T, n int) {
	t.Helper()
	for done := 0; done < n; {
		batch := min(1000, n-done)
		var rows []string
		for i := 0; i < batch; i++ {
			rows = append(rows, ins.row(ins.next.Add(1)))
		}
		q := "INSERT INTO " + ins.table + " (" + strings.Join(ins.cols, ", ") + ") VALUES " + strings.Join(rows, ", ")
		if _, err := ins.db.Exec(q); err != nil {
			t.Fatalf("%v\n%.600s", err, q)
		}
		done += batch
	}
}

// start inserts rows one by one until stop, timing each.
func (ins *inserter) start() {
	ins.started = true
	ins.wg.Add(1)
	go func() {
		defer ins.wg.Done()
		for {
			select {
			case <-ins.done:
				return
			default:
			}
			q := "INSERT INTO " + ins.table + " (" + strings.Join(ins.cols, ", ") + ") VALUES " + ins.row(ins.next.Add(1))
			t0 := time.Now()
			_, err := ins.db.Exec(q)
			d := time.Since(t0)
			ins.mu.Lock()
			if err != nil {
				ins.errs = append(ins.errs, err)
			} else {
				ins.n++
			}
			if err != nil || ins.n >= 10 {
				ins.once.Do(func() { close(ins.running) })
			}
			ins.worst = max(ins.worst, d)
			ins.mu.Unlock()
			time.Sleep(2 * time.Millisecond)
		}
	}()
}

// stop ends the inserts: how many worked, the slowest, the failures.
func (ins *inserter) stop() (int, time.Duration, []error) {
	close(ins.done)
	ins.wg.Wait()
	return ins.n, ins.worst, ins.errs
}

// TestTypeChangeCost: a change PostgreSQL makes without a rewrite
// (varchar(n) -> varchar) is planned as metadata only and keeps the table's
// file; one that rewrites (integer -> bigint) says so with the row estimate.
func TestTypeChangeCost(t *testing.T) {
	e, db := migratedWithRows(t, 3000)
	e.sql(t, `ALTER TABLE prod_media__videos ALTER COLUMN path TYPE varchar(200)`, "ANALYZE prod_media__videos")
	file := func() (n int64) {
		t.Helper()
		if err := db.QueryRow(`SELECT relfilenode FROM pg_class WHERE relname = 'prod_media__videos'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := file()
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "text").Must(t, 0,
		"~ alter column prod_media__videos.path type character varying(200) -> varchar\n    metadata only, lock ACCESS EXCLUSIVE (blocks reads and writes), ~3,000 rows, ")
	e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 0)
	if file() != before {
		t.Error("varchar(200) -> varchar rewrote the table")
	}
	e.sql(t, `ALTER TABLE prod_media__videos ALTER COLUMN fps TYPE integer`, "ANALYZE prod_media__videos")
	before = file()
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "bigint").Must(t, 0,
		"~ alter column prod_media__videos.fps type integer -> bigint\n    rewrites the table, lock ACCESS EXCLUSIVE (blocks reads and writes), ~3,000 rows, ")
	e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 0)
	if file() == before {
		t.Error("integer -> bigint kept the table's file: it is not a rewrite")
	}
	e.mx(t, "check", "-n", "prod:metaxy_features").Must(t, 0, "in sync")
}
