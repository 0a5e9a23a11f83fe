package mxmigrate

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/golang-migrate/migrate/v4"
	"github.com/golang-migrate/migrate/v4/database"
	"github.com/golang-migrate/migrate/v4/source/iofs"

	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/stores"
)

// URL returns the golang-migrate URL of an environment (SPEC section 6).
func (p *Project) URL(env *Env, o stores.URLOptions) (string, error) {
	return env.Conn.MigrateURL(env.MigrationsTable, o)
}

// State is what golang-migrate's migrations table records.
type State struct {
	// Version is the applied version; -1 when none is.
	Version int64
	Dirty   bool
}

// versionOf reads the state through golang-migrate's driver: the one way
// mxmigrate reads it, so that status, check, generate and up agree (and a
// driver that keeps one row per change, as ClickHouse's does, is read as
// golang-migrate itself reads it).
func versionOf(env *Env, drv database.Driver) (State, error) {
	v, dirty, err := drv.Version()
	if err != nil {
		return State{}, fmt.Errorf("%s: read migrations table %s: %s", env.Name, env.MigrationsTable, stores.MaskPassword(err.Error()))
	}
	if v == database.NilVersion {
		return State{Version: -1, Dirty: dirty}, nil
	}
	return State{Version: int64(v), Dirty: dirty}, nil
}

// readState reads the state of an open database through the dialect's
// golang-migrate driver, which takes h over and closes it.
func readState(env *Env, h *stores.Handle) (State, error) {
	drv, err := env.Dialect.MigrateDriver(h, env.MigrationsTable)
	if err != nil {
		return State{}, fmt.Errorf("%s: %s", env.Name, stores.MaskPassword(err.Error()))
	}
	defer drv.Close()
	return versionOf(env, drv)
}

// runner applies an environment's directory with golang-migrate, through the
// dialect's driver on the dialect's connection: up, down, force and status
// all go through it.
type runner struct {
	env *Env
	dir *generator.Dir
	drv database.Driver
	m   *migrate.Migrate
}

func (p *Project) runner(ctx context.Context, env *Env) (*runner, error) {
	dir, err := p.readDir(env)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(env.Dir, 0o755); err != nil {
		return nil, err
	}
	src, err := iofs.New(os.DirFS(env.Dir), ".")
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", env.Dir, err)
	}
	h, err := env.Conn.Open(ctx, stores.OpenOptions{})
	if err != nil {
		src.Close()
		return nil, fmt.Errorf("%s: connect: %s", env.Name, stores.MaskPassword(err.Error()))
	}
	drv, err := env.Dialect.MigrateDriver(h, env.MigrationsTable)
	if err != nil {
		src.Close()
		return nil, fmt.Errorf("%s: connect: %s", env.Name, stores.MaskPassword(err.Error()))
	}
	m, err := migrate.NewWithInstance("iofs", src, env.Dialect.Name(), drv)
	if err != nil {
		src.Close()
		drv.Close()
		return nil, fmt.Errorf("%s: %s", env.Name, stores.MaskPassword(err.Error()))
	}
	return &runner{env: env, dir: dir, drv: drv, m: m}, nil
}

func (r *runner) close() { r.m.Close() }

func (r *runner) state() (State, error) { return versionOf(r.env, r.drv) }

// cleanRunner opens the environment's runner and refuses a dirty database.
func (p *Project) cleanRunner(ctx context.Context, env *Env) (*runner, State, error) {
	r, err := p.runner(ctx, env)
	if err != nil {
		return nil, State{}, err
	}
	st, err := r.state()
	if err == nil {
		err = checkState(env, st, r.dir, false)
	}
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

// Up applies up to n pending migrations (n <= 0: all), reporting each to out.
func (p *Project) Up(ctx context.Context, env *Env, n int, out io.Writer) ([]Applied, error) {
	r, st, err := p.cleanRunner(ctx, env)
	if err != nil {
		return nil, err
	}
	defer r.close()
	var done []Applied
	for _, f := range r.dir.Files {
		if int64(f.Version) <= st.Version {
			continue
		}
		if n > 0 && len(done) >= n {
			break
		}
		if err := ctx.Err(); err != nil {
			return done, err
		}
		start := time.Now()
		if err := r.m.Migrate(uint(f.Version)); err != nil {
			return done, fmt.Errorf("%s: %s failed; the database is marked dirty at version %d. Fix the cause, repair the database if needed, then `mxmigrate force -n %s <version>`: %s",
				env.Name, f.Base()+".up.sql", f.Version, env.Name, stores.MaskPassword(err.Error()))
		}
		a := Applied{File: f.Base() + ".up.sql", Duration: time.Since(start)}
		done = append(done, a)
		if out != nil {
			fmt.Fprintf(out, "%s: applied %s (%s)\n", env.Name, a.File, a.Duration.Round(time.Microsecond))
		}
	}
	if len(done) == 0 && out != nil {
		fmt.Fprintf(out, "%s: no pending migrations (at version %s)\n", env.Name, versionText(st.Version))
	}
	return done, nil
}

// Down reverts n migrations (all with n < 0), reporting each to out.
func (p *Project) Down(ctx context.Context, env *Env, n int, out io.Writer) ([]Applied, error) {
	r, st, err := p.cleanRunner(ctx, env)
	if err != nil {
		return nil, err
	}
	defer r.close()
	var done []Applied
	for n < 0 || len(done) < n {
		if st.Version < 0 {
			break
		}
		if err := ctx.Err(); err != nil {
			return done, err
		}
		f, ok := r.dir.Find(uint64(st.Version))
		if !ok {
			return done, fmt.Errorf("%s: the database is at version %d, which %s does not have", env.Name, st.Version, env.Dir)
		}
		start := time.Now()
		if err := r.m.Steps(-1); err != nil {
			return done, fmt.Errorf("%s: %s failed; the database is marked dirty. Fix the cause, then `mxmigrate force -n %s <version>`: %s",
				env.Name, f.Base()+".down.sql", env.Name, stores.MaskPassword(err.Error()))
		}
		a := Applied{File: f.Base() + ".down.sql", Duration: time.Since(start)}
		done = append(done, a)
		if out != nil {
			fmt.Fprintf(out, "%s: reverted %s (%s)\n", env.Name, a.File, a.Duration.Round(time.Microsecond))
		}
		if st, err = r.state(); err != nil {
			return done, err
		}
	}
	if len(done) == 0 && out != nil {
		fmt.Fprintf(out, "%s: nothing to revert\n", env.Name)
	}
	return done, nil
}

// Force records version as applied and clean without running anything
// (-1 records that nothing is applied).
func (p *Project) Force(ctx context.Context, env *Env, version int) error {
	r, err := p.runner(ctx, env)
	if err != nil {
		return err
	}
	defer r.close()
	if version >= 0 {
		if _, ok := r.dir.Find(uint64(version)); !ok {
			return fmt.Errorf("%s: %s has no migration with version %d", env.Name, env.Dir, version)
		}
	}
	return r.m.Force(version)
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
}

// Status reads the environment's version and pending files.
func (p *Project) Status(ctx context.Context, env *Env) (*Status, error) {
	r, err := p.runner(ctx, env)
	if err != nil {
		return nil, err
	}
	defer r.close()
	st, err := r.state()
	if err != nil {
		return nil, err
	}
	s := &Status{Env: env.Name, Dir: p.rel(env.Dir), Table: env.MigrationsTable, Version: st.Version, Dirty: st.Dirty, Latest: -1, PendingFiles: []string{}}
	if len(r.dir.Files) > 0 {
		s.Latest = int64(r.dir.Latest())
	}
	for _, f := range r.dir.Files {
		if int64(f.Version) > st.Version {
			s.Pending = append(s.Pending, f)
			s.PendingFiles = append(s.PendingFiles, f.Base()+".up.sql")
		}
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
