package mxmigrate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/golang-migrate/migrate/v4"
	"github.com/golang-migrate/migrate/v4/source/iofs"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/stores"
)

// URL returns the golang-migrate URL of an environment (SPEC section 6).
func (p *Project) URL(env *config.Environment, o stores.URLOptions) (string, error) {
	d, err := stores.Lookup(env.Store)
	if err != nil {
		return "", err
	}
	return d.MigrateURL(env.Store, env.MigrationsTable, o)
}

type migrator struct {
	m   *migrate.Migrate
	dir *generator.Dir
}

func (p *Project) migrator(env *config.Environment) (*migrator, error) {
	d, err := stores.Lookup(env.Store)
	if err != nil {
		return nil, err
	}
	dir, err := p.readDir(env, d)
	if err != nil {
		return nil, err
	}
	u, err := stores.ApplyURL(d, env.Store, env.MigrationsTable)
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
	m, err := migrate.NewWithSourceInstance("iofs", src, u)
	if err != nil {
		return nil, fmt.Errorf("%s: connect: %s", env.Name, stores.MaskPassword(err.Error()))
	}
	return &migrator{m: m, dir: dir}, nil
}

func (mg *migrator) close() {
	mg.m.Close()
}

func (mg *migrator) state() (State, error) {
	v, dirty, err := mg.m.Version()
	if errors.Is(err, migrate.ErrNilVersion) {
		return State{Version: -1}, nil
	}
	if err != nil {
		return State{}, err
	}
	return State{Version: int64(v), Dirty: dirty}, nil
}

// cleanMigrator opens the environment's migrator and refuses a dirty database.
func (p *Project) cleanMigrator(env *config.Environment) (*migrator, State, error) {
	mg, err := p.migrator(env)
	if err != nil {
		return nil, State{}, err
	}
	st, err := mg.state()
	if err == nil {
		err = checkState(env, st, mg.dir, false)
	}
	if err != nil {
		mg.close()
		return nil, State{}, err
	}
	return mg, st, nil
}

// Applied is one migration file that up or down ran.
type Applied struct {
	File     string
	Duration time.Duration
}

// Up applies up to n pending migrations (n <= 0: all), reporting each to out.
func (p *Project) Up(ctx context.Context, env *config.Environment, n int, out io.Writer) ([]Applied, error) {
	mg, st, err := p.cleanMigrator(env)
	if err != nil {
		return nil, err
	}
	defer mg.close()
	var done []Applied
	for _, f := range mg.dir.Files {
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
		if err := mg.m.Migrate(uint(f.Version)); err != nil {
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
func (p *Project) Down(ctx context.Context, env *config.Environment, n int, out io.Writer) ([]Applied, error) {
	mg, st, err := p.cleanMigrator(env)
	if err != nil {
		return nil, err
	}
	defer mg.close()
	var done []Applied
	for n < 0 || len(done) < n {
		if st.Version < 0 {
			break
		}
		if err := ctx.Err(); err != nil {
			return done, err
		}
		f, ok := mg.dir.Find(uint64(st.Version))
		if !ok {
			return done, fmt.Errorf("%s: the database is at version %d, which %s does not have", env.Name, st.Version, env.Dir)
		}
		start := time.Now()
		if err := mg.m.Steps(-1); err != nil {
			return done, fmt.Errorf("%s: %s failed; the database is marked dirty. Fix the cause, then `mxmigrate force -n %s <version>`: %s",
				env.Name, f.Base()+".down.sql", env.Name, stores.MaskPassword(err.Error()))
		}
		a := Applied{File: f.Base() + ".down.sql", Duration: time.Since(start)}
		done = append(done, a)
		if out != nil {
			fmt.Fprintf(out, "%s: reverted %s (%s)\n", env.Name, a.File, a.Duration.Round(time.Microsecond))
		}
		if st, err = mg.state(); err != nil {
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
func (p *Project) Force(ctx context.Context, env *config.Environment, version int) error {
	mg, err := p.migrator(env)
	if err != nil {
		return err
	}
	defer mg.close()
	if version >= 0 {
		if _, ok := mg.dir.Find(uint64(version)); !ok {
			return fmt.Errorf("%s: %s has no migration with version %d", env.Name, env.Dir, version)
		}
	}
	return mg.m.Force(version)
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
func (p *Project) Status(ctx context.Context, env *config.Environment) (*Status, error) {
	mg, err := p.migrator(env)
	if err != nil {
		return nil, err
	}
	defer mg.close()
	st, err := mg.state()
	if err != nil {
		return nil, err
	}
	s := &Status{Env: env.Name, Dir: p.rel(env.Dir), Table: env.MigrationsTable, Version: st.Version, Dirty: st.Dirty, Latest: -1, PendingFiles: []string{}}
	if len(mg.dir.Files) > 0 {
		s.Latest = int64(mg.dir.Latest())
	}
	for _, f := range mg.dir.Files {
		if int64(f.Version) > st.Version {
			s.Pending = append(s.Pending, f)
			s.PendingFiles = append(s.PendingFiles, f.Base()+".up.sql")
		}
	}
	return s, nil
}

// Rehash records the environment's migration files as they are now.
func (p *Project) Rehash(env *config.Environment) error {
	d, err := stores.Lookup(env.Store)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(env.Dir, 0o755); err != nil {
		return err
	}
	_, err = generator.Rehash(env.Dir, generator.Identity{Dialect: d.Name(), TablePrefix: env.Store.TablePrefix})
	return err
}
