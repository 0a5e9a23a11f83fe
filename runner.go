package mxmigrate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/golang-migrate/migrate/v4/database"

	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/internal/redact"
	"github.com/mxmigrate/mxmigrate/internal/sqltext"
	"github.com/mxmigrate/mxmigrate/internal/testhook"
	"github.com/mxmigrate/mxmigrate/plan"
)

// URL returns the golang-migrate URL of an environment (SPEC section 6).
func (p *Project) URL(env *Env, o dialect.URLOptions) (string, error) {
	return env.Conn.MigrateURL(env.MigrationsTable, o)
}

// runner applies an environment's directory through the dialect's
// golang-migrate driver, on the dialect's connection: up, down, force and
// status all go through it. It decides what to run while it holds the
// driver's lock, reading the version under that lock, so that two runs at
// once never undo each other's work (golang-migrate's Migrate(v) would go
// down to reach v if another run went past it meanwhile).
type runner struct {
	env *Env
	dir *generator.Dir
	drv database.Driver
	// out receives what the run has to say while it waits for the lock;
	// wait is how long it waits (DefaultLockWait when 0).
	out  io.Writer
	wait time.Duration
}

func (p *Project) runner(ctx context.Context, env *Env, out io.Writer) (*runner, error) {
	dir, err := p.readDir(env)
	if err != nil {
		return nil, err
	}
	h, err := p.openWaiting(ctx, env, out)
	if err != nil {
		return nil, fmt.Errorf("%s: connect: %s", env.Name, redact.MaskPassword(err.Error()))
	}
	drv, err := env.Dialect.MigrateDriver(h, env.MigrationsTable)
	if err != nil {
		return nil, fmt.Errorf("%s: connect: %s", env.Name, redact.MaskPassword(err.Error()))
	}
	return &runner{env: env, dir: dir, drv: drv, out: out, wait: p.LockWait}, nil
}

// openWaiting opens the database for writing. A database another process
// holds (DuckDB allows one writing process per file: another mxmigrate up,
// a notebook) is the lock of that dialect: it is polled, like the
// migrations lock, for up to the lock wait, saying so once.
func (p *Project) openWaiting(ctx context.Context, env *Env, out io.Writer) (*dialect.Handle, error) {
	pt := newPatience(p.LockWait, out)
	for {
		h, err := env.Conn.Open(ctx, dialect.OpenOptions{})
		var busy *dialect.InUseError
		if err == nil || !errors.As(err, &busy) {
			return h, err
		}
		if pt.over() {
			return nil, fmt.Errorf("%w; gave up %s (wait longer with --lock-wait)", err, pt.gaveUp())
		}
		if pt.first() {
			pt.say("%s: waiting up to %s for the database: %s\n", env.Name, pt.wait, err)
		}
		if err := pt.pause(ctx, 200*time.Millisecond); err != nil {
			return nil, err
		}
	}
}

// patience is a bounded wait for what another run holds (the migrations
// lock, a database file): up to wait, polling, saying once that it waits.
type patience struct {
	wait     time.Duration
	deadline time.Time
	out      io.Writer
	waited   bool
}

// newPatience starts a wait of wait (DefaultLockWait when 0); out, when
// set, is told that it waits.
func newPatience(wait time.Duration, out io.Writer) *patience {
	if wait <= 0 {
		wait = DefaultLockWait
	}
	return &patience{wait: wait, deadline: time.Now().Add(wait), out: out}
}

// over reports whether the wait is over.
func (pt *patience) over() bool { return time.Now().After(pt.deadline) }

// first reports whether this is the first time it waits: the time to say so.
func (pt *patience) first() bool {
	f := !pt.waited
	pt.waited = true
	return f
}

// say tells out (if any) what it waits for.
func (pt *patience) say(format string, args ...any) {
	if pt.out != nil {
		fmt.Fprintf(pt.out, format, args...)
	}
}

// pause waits for one poll, or returns ctx's error.
func (pt *patience) pause(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// gaveUp says when the wait gave up.
func (pt *patience) gaveUp() string {
	if pt.wait < time.Millisecond {
		return "at once (--lock-wait 0)"
	}
	return "after " + pt.wait.String()
}

func (r *runner) close() { r.drv.Close() }

func (r *runner) state() (State, error) { return versionOf(r.env, r.drv) }

// DefaultLockWait is how long up, down and force wait for another run's
// migrations lock (Project.LockWait, --lock-wait). Drivers answer
// database.ErrLocked at once (none waits inside the database: a waiting
// PostgreSQL session would hold a snapshot that a running CREATE INDEX
// CONCURRENTLY waits for), and the runner polls.
const DefaultLockWait = 30 * time.Second

// holder is " (held by <session>)" when the driver can tell, else "".
func (r *runner) holder() string {
	if lh, ok := r.drv.(lockHolder); ok {
		if h := lh.LockHolder(); h != "" {
			return " (held by " + redact.MaskPassword(h) + ")"
		}
	}
	return ""
}

// locked runs fn holding the driver's lock, with the version read under it.
func (r *runner) locked(ctx context.Context, fn func(State) error) error {
	if testhook.BeforeLock != nil {
		testhook.BeforeLock()
	}
	pt := newPatience(r.wait, r.out)
	for {
		err := r.drv.Lock()
		if err == nil {
			break
		}
		if !errors.Is(err, database.ErrLocked) {
			return fmt.Errorf("%s: take the migrations lock: %s", r.env.Name, redact.MaskPassword(err.Error()))
		}
		if last := pt.over(); last || pt.first() {
			holder := r.holder()
			if last {
				return fmt.Errorf("%s: another run holds the migrations lock of %s%s; gave up %s: try again when it has finished (or wait longer with --lock-wait)",
					r.env.Name, r.env.MigrationsTable, holder, pt.gaveUp())
			}
			pt.say("%s: waiting up to %s for the migrations lock%s\n", r.env.Name, pt.wait, holder)
		}
		if err := pt.pause(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
	defer r.drv.Unlock()
	st, err := r.state()
	if err != nil {
		return err
	}
	return fn(st)
}

// run applies a migration file's body as golang-migrate does: the target
// version is recorded dirty, the body runs, the version is recorded clean. A
// failure leaves the version dirty.
func (r *runner) run(body []byte, target int) error {
	if err := r.drv.SetVersion(target, true); err != nil {
		return err
	}
	if err := r.drv.Run(bytes.NewReader(body)); err != nil {
		return err
	}
	return r.drv.SetVersion(target, false)
}

// openRunner opens the environment's runner and reads the version. A dirty
// version is not refused here: another run may be applying that file and
// hold the lock; each step refuses it under the lock, once that run is done.
func (p *Project) openRunner(ctx context.Context, env *Env, out io.Writer) (*runner, State, error) {
	r, err := p.runner(ctx, env, out)
	if err != nil {
		return nil, State{}, err
	}
	st, err := r.state()
	if err != nil {
		r.close()
		return nil, State{}, err
	}
	return r, st, nil
}

// Applied is one migration file that up or down ran.
type Applied struct {
	File     string
	Duration time.Duration
}

// errStop ends a loop of locked steps without an error.
var errStop = errors.New("stop")

// Up applies up to n pending migrations (n <= 0: all), reporting each to out.
// Each step decides under the lock: it applies the first file newer than the
// version read there, so it only ever goes up; when another run applied the
// files meanwhile, it says so.
func (p *Project) Up(ctx context.Context, env *Env, n int, out io.Writer) ([]Applied, error) {
	if n <= 0 {
		n = -1
	}
	return p.apply(ctx, env, n, out, upward)
}

// direction is what Up and Down do at each turn of the loop they share (apply).
type direction struct {
	down bool
	// moved says what to do when another run moved the database from the
	// version this run last saw or left: Up goes on from there (and says
	// so), Down stops.
	moved func(env *Env, expect, got int64) error
	// next is the file to run from st, and the version it leaves (errStop
	// when there is none).
	next func(env *Env, dir *generator.Dir, st State) (generator.File, int, error)
	// idle is what is said when nothing ran.
	idle func(version int64) string
}

var upward = direction{
	moved: func(env *Env, expect, got int64) error { return nil },
	next: func(env *Env, dir *generator.Dir, st State) (generator.File, int, error) {
		if st.Version >= 0 {
			if _, ok := dir.Find(uint64(st.Version)); !ok {
				return generator.File{}, 0, fmt.Errorf("%s: the database is at version %d, which %s does not have (wrong directory, or files missing)", env.Name, st.Version, env.Dir)
			}
		}
		f, ok := dir.Next(st.Version)
		if !ok {
			return generator.File{}, 0, errStop
		}
		return f, int(f.Version), nil
	},
	idle: func(v int64) string { return "no pending migrations (at version " + versionText(v) + ")" },
}

var downward = direction{
	down: true,
	moved: func(env *Env, expect, got int64) error {
		return fmt.Errorf("%s: another run moved the database from version %s to %s meanwhile; stopped without reverting anything more (run `mxmigrate status -n %s`)",
			env.Name, versionText(expect), versionText(got), env.Name)
	},
	next: func(env *Env, dir *generator.Dir, st State) (generator.File, int, error) {
		if st.Version < 0 {
			return generator.File{}, 0, errStop
		}
		f, ok := dir.Find(uint64(st.Version))
		if !ok {
			return generator.File{}, 0, fmt.Errorf("%s: the database is at version %d, which %s does not have", env.Name, st.Version, env.Dir)
		}
		prev := database.NilVersion
		if pf, ok := dir.Prev(f.Version); ok {
			prev = int(pf.Version)
		}
		return f, prev, nil
	},
	idle: func(int64) string { return "nothing to revert" },
}

// apply runs up to n files (all with n < 0) as w says, each under the
// migrations lock from the version read there, reporting each to out.
func (p *Project) apply(ctx context.Context, env *Env, n int, out io.Writer, w direction) ([]Applied, error) {
	r, first, err := p.openRunner(ctx, env, out)
	if err != nil {
		return nil, err
	}
	defer r.close()
	var done []Applied
	expect := first.Version // the version this run last saw or left
	for n < 0 || len(done) < n {
		if err := ctx.Err(); err != nil {
			return done, err
		}
		err := r.locked(ctx, func(st State) error {
			if st.Version != expect {
				if err := w.moved(env, expect, st.Version); err != nil {
					return err
				}
				if out != nil {
					fmt.Fprintf(out, "%s: another run moved the database from version %s to %s meanwhile\n", env.Name, versionText(expect), versionText(st.Version))
				}
			}
			expect = st.Version
			if err := p.stateError(ctx, env, st, r.dir, false); err != nil {
				return err
			}
			f, target, err := w.next(env, r.dir, st)
			if err != nil {
				return err
			}
			if !w.down {
				if err := p.createsExisting(ctx, env, r.dir, f); err != nil {
					return err
				}
			}
			a, err := p.step(ctx, r, f, w.down, target, out)
			if err != nil {
				return err
			}
			expect = int64(target)
			done = append(done, a)
			return nil
		})
		if err == errStop {
			break
		}
		if err != nil {
			return done, err
		}
	}
	if len(done) == 0 && out != nil {
		fmt.Fprintf(out, "%s: %s\n", env.Name, w.idle(expect))
	}
	return done, nil
}

// step runs one file of migration f (its down file when down is set),
// taking the database to version target, and reports it to out. The bytes
// that run are the ones checked against mxmigrate.sum, read once.
func (p *Project) step(ctx context.Context, r *runner, f generator.File, down bool, target int, out io.Writer) (Applied, error) {
	env := r.env
	up, dn, err := r.dir.ReadVerified(f)
	if err != nil {
		return Applied{}, fmt.Errorf("%s: %w", env.Name, err)
	}
	body, path, verb := up, p.rel(f.Up), "applied"
	if down {
		body, path, verb = dn, p.rel(f.Down), "reverted"
	}
	start := time.Now()
	if err := r.run(body, target); err != nil {
		why := redact.MaskPassword(p.describe(ctx, env, err, path, body))
		if err := originalError(err); env.Dialect.Explains(err) {
			if more := env.Dialect.Explain(ctx, env.Conn, err); more != "" {
				why += "\n" + more
			}
		}
		return Applied{}, fmt.Errorf("%s: %s failed; %s: %s", env.Name, path, r.recovery(f, down, body), why)
	}
	a := Applied{File: filepath.Base(path), Duration: time.Since(start)}
	if out != nil {
		fmt.Fprintf(out, "%s: %s %s (%s)\n", env.Name, verb, a.File, a.Duration.Round(time.Microsecond))
		if down && bytes.Contains(body, []byte(generator.DataNotRestoredMarker)) {
			fmt.Fprintf(out, "%s: note: %s undid a destructive migration: the schema is back, the data it dropped is NOT restored\n", env.Name, a.File)
		}
	}
	return a, nil
}

// recovery says what state a failed file left and how to go on.
func (r *runner) recovery(f generator.File, down bool, body []byte) string {
	env := r.env
	if down {
		return fmt.Sprintf("the database is marked dirty. Fix the cause, then `mxmigrate force -n %s <version>`", env.Name)
	}
	prev := int64(-1)
	if pf, ok := r.dir.Prev(f.Version); ok {
		prev = int64(pf.Version)
	}
	switch {
	case bytes.Contains(body, []byte(generator.NoTxMarker)):
		m := concurrentIndexOn.FindSubmatch(body)
		if m == nil {
			// a concurrent drop: running it again finishes it
			return fmt.Sprintf("the database is marked dirty at version %d. The file runs outside a transaction; a failed DROP INDEX CONCURRENTLY can be run again. Fix the cause, then `mxmigrate force -n %s %d` (the version before it) and `mxmigrate up -n %s` again",
				f.Version, env.Name, prev, env.Name)
		}
		return fmt.Sprintf("the database is marked dirty at version %d. The file runs outside a transaction, so what it did stays: a failed CREATE INDEX CONCURRENTLY leaves the index INVALID (`mxmigrate check -n %s` lists it). Fix the cause, drop it with `DROP INDEX CONCURRENTLY IF EXISTS %s;`, then `mxmigrate force -n %s %d` (the version before it) and `mxmigrate up -n %s` again",
			f.Version, env.Name, string(m[1]), env.Name, prev, env.Name)
	case env.Dialect.Transactional():
		return fmt.Sprintf("nothing of it was applied (the file runs in one transaction), and the database is marked dirty at version %d. Fix the cause, then `mxmigrate force -n %s %d` (the version before it) and `mxmigrate up -n %s` again",
			f.Version, env.Name, prev, env.Name)
	}
	return fmt.Sprintf("the database is marked dirty at version %d. The file runs statement by statement without a transaction: what ran stays, and its statements are written to run again. Fix the cause, then `mxmigrate force -n %s %d` (the version before it) and `mxmigrate up -n %s` (`mxmigrate status -n %s` says what it left)",
		f.Version, env.Name, prev, env.Name, env.Name)
}

// Down reverts n migrations (all with n < 0), reporting each to out. Each
// step reverts the version read under the lock; when another run moved the
// version meanwhile, Down stops and says so rather than revert what it did
// not mean to.
func (p *Project) Down(ctx context.Context, env *Env, n int, out io.Writer) ([]Applied, error) {
	return p.apply(ctx, env, n, out, downward)
}

// Force records version as applied and clean without running anything
// (-1 records that nothing is applied).
func (p *Project) Force(ctx context.Context, env *Env, version int) error {
	r, err := p.runner(ctx, env, p.Warn)
	if err != nil {
		return err
	}
	defer r.close()
	if version >= 0 {
		if _, ok := r.dir.Find(uint64(version)); !ok {
			return fmt.Errorf("%s: %s has no migration with version %d", env.Name, env.Dir, version)
		}
	}
	return r.locked(ctx, func(State) error { return r.drv.SetVersion(version, false) })
}

// Status is an environment's migration state.
type Status struct {
	Env     string           `json:"environment"`
	Dir     string           `json:"dir"`
	Table   string           `json:"migrations_table"`
	Version int64            `json:"version"`
	Dirty   bool             `json:"dirty"`
	Latest  int64            `json:"latest"`
	Pending []generator.File `json:"-"`
	// PendingFiles names the pending up files.
	PendingFiles []string `json:"pending"`
	// Applied counts the directory's migrations at or below Version.
	Applied int `json:"-"`
	// Advice, on a dirty database, says which file stopped part-way, what
	// it left and how to go on.
	Advice string `json:"advice"`
}

// Status reads the environment's version and pending files: whether the
// migrations table exists (the catalog), then its state with one query
// (VersionQuery). It only reads: without a migrations table nothing was
// applied, and none is created.
func (p *Project) Status(ctx context.Context, env *Env) (*Status, error) {
	dir, err := p.readDir(env)
	if err != nil {
		return nil, err
	}
	h, err := env.Conn.Open(ctx, dialect.OpenOptions{ReadOnly: true, ExitSoon: p.ExitSoon})
	if err != nil {
		return nil, fmt.Errorf("%s: connect: %s", env.Name, redact.MaskPassword(err.Error()))
	}
	// the catalog says whether the table is there, in the current schema
	// (an unqualified name could find another schema's on the search_path)
	live, err := env.Dialect.Inspect(ctx, h, []string{env.MigrationsTable})
	st := State{Version: -1}
	if err == nil && live.Table(env.MigrationsTable) != nil {
		st, err = p.queryState(ctx, env, h)
	}
	h.Close()
	if err != nil {
		return nil, fmt.Errorf("%s: %s", env.Name, redact.MaskPassword(err.Error()))
	}
	s := &Status{Env: env.Name, Dir: p.rel(env.Dir), Table: env.MigrationsTable, Version: st.Version, Dirty: st.Dirty, Latest: -1, PendingFiles: []string{}}
	if len(dir.Files) > 0 {
		s.Latest = int64(dir.Latest())
	}
	s.Pending = pending(dir, st.Version)
	s.Applied = len(dir.Files) - len(s.Pending)
	if st.Dirty {
		s.Advice = p.dirtyAdvice(ctx, env, st, dir)
	}
	for _, f := range s.Pending {
		s.PendingFiles = append(s.PendingFiles, f.Base()+".up.sql")
	}
	return s, nil
}

// Rehash records the environment's migration files as they are now.
func (p *Project) Rehash(env *Env) error {
	if err := os.MkdirAll(env.Dir, 0o755); err != nil {
		return err
	}
	_, err := generator.Rehash(env.Dir, env.Identity())
	return err
}

// describe says why a migration file failed: the database's message and
// the failing statement with its line, not the whole file. When the error
// carries no line (DuckDB never does; PostgreSQL not for constraint
// violations), locate finds the statement.
func (p *Project) describe(ctx context.Context, env *Env, err error, path string, body []byte) string {
	msg := err.Error()
	var line uint
	de := migrateError(err)
	if de.OrigErr != nil {
		msg = de.OrigErr.Error()
		if de.Err != "" {
			msg = de.Err + ": " + msg
		}
		line = de.Line
	}
	var st sqltext.Stmt
	ok := false
	if line > 1 {
		st, ok = sqltext.At(string(body), int(line))
	}
	if !ok && len(de.Query) > 0 {
		// the statement the driver ran (ClickHouse's runs a file statement
		// by statement): find it in the file, when it is one of them (a
		// driver that runs the whole file at once reports the whole file)
		var found []sqltext.Stmt
		for _, cand := range sqltext.Split(string(body)) {
			if t := strings.TrimSpace(strings.TrimSuffix(cand.Text, ";")); t != "" && strings.Contains(string(de.Query), t) {
				found = append(found, cand)
			}
		}
		if len(found) == 1 {
			st, ok = found[0], true
		}
	}
	if !ok && replaySafe(env, err, body) {
		st, ok = p.locate(ctx, env, body)
	}
	msg = capText(msg, 12, 500)
	if !ok {
		return fmt.Sprintf("%s\n  in %s", msg, path)
	}
	text := capText(st.Text, 8, 200)
	return fmt.Sprintf("%s\n  at %s:%d:\n  %s", msg, path, st.Line, strings.ReplaceAll(text, "\n", "\n  "))
}

// replaySafe reports whether locate may run a failed file again to find its
// failing statement: not when it failed waiting for a lock (the replay would
// wait, and block others, as long again), nor when a statement costs more
// than a catalog change (a rewrite, scan or index build of a big table would
// be done twice, holding its lock, only to name a line).
func replaySafe(env *Env, err error, body []byte) bool {
	if env.Dialect.Explains(originalError(err)) {
		return false
	}
	for _, e := range []plan.Effect{plan.Scans, plan.BuildsIndex, plan.RewritesColumn, plan.Rewrites} {
		if bytes.Contains(body, []byte("-- cost: "+string(e))) {
			return false
		}
	}
	return true
}

// migrateError is the golang-migrate error in err (zero when there is
// none): drivers return it by value (pgx) or by pointer (ours).
func migrateError(err error) database.Error {
	var de database.Error
	if dep := (*database.Error)(nil); errors.As(err, &dep) {
		return *dep
	}
	errors.As(err, &de)
	return de
}

// originalError is the database's error inside golang-migrate's.
func originalError(err error) error {
	if de := migrateError(err); de.OrigErr != nil {
		return de.OrigErr
	}
	return err
}

// replayable are the statements locate may run again inside a transaction
// it rolls back: transactional DDL and DML, and SET LOCAL (PostgreSQL's
// lock_timeout, which ends with the transaction); nothing that writes files,
// loads extensions or changes a session's settings.
var replayable = regexp.MustCompile(`(?i)^(CREATE|ALTER|DROP|INSERT|UPDATE|DELETE|SELECT|WITH|COMMENT|SET\s+LOCAL)\b`)

// locate finds which statement of a failed file fails, by running the
// statements one by one in a transaction that is always rolled back, on a
// connection of its own. It does so only on transactional dialects and when
// every statement is plain DDL or DML.
func (p *Project) locate(ctx context.Context, env *Env, body []byte) (sqltext.Stmt, bool) {
	stmts := sqltext.Split(string(body))
	if !env.Dialect.Transactional() || len(stmts) == 0 {
		return sqltext.Stmt{}, false
	}
	for _, st := range stmts {
		if !replayable.MatchString(st.Text) {
			return sqltext.Stmt{}, false
		}
	}
	h, err := env.Conn.Open(ctx, dialect.OpenOptions{})
	if err != nil {
		return sqltext.Stmt{}, false
	}
	defer h.Close()
	tx, err := h.BeginTx(ctx, nil)
	if err != nil {
		return sqltext.Stmt{}, false
	}
	defer tx.Rollback()
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.Text); err != nil {
			return st, true
		}
	}
	return sqltext.Stmt{}, false
}

// createsExisting refuses to apply f when tables it creates (mxmigrate.sum)
// exist already, on a dialect whose failed file leaves nothing behind (so
// they predate it: a baseline of tables Metaxy made): up would stop at its
// CREATE TABLE and leave the version dirty. ClickHouse's files are
// idempotent and run again after a failure part-way: not checked there.
func (p *Project) createsExisting(ctx context.Context, env *Env, dir *generator.Dir, f generator.File) error {
	if !env.Dialect.Transactional() {
		return nil
	}
	creates := dir.Creates(f.Version)
	if len(creates) == 0 {
		return nil
	}
	live := p.liveNow(ctx, env, creates)
	if live == nil || len(live.Tables) == 0 {
		return nil
	}
	var names []string
	for _, t := range live.Tables {
		names = append(names, t.Name)
	}
	return fmt.Errorf("%s: %s creates %s, which exist(s) already: up would stop at its CREATE TABLE and leave the version dirty. If the tables are as the file makes them (`mxmigrate check -n %s` lists any difference), record it as applied with `mxmigrate force -n %s %d`, then run up again",
		env.Name, f.Base()+".up.sql", strings.Join(names, ", "), env.Name, env.Name, f.Version)
}
