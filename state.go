package mxmigrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/golang-migrate/migrate/v4/database"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/internal/redact"
)

// State is what golang-migrate's migrations table records.
type State struct {
	// Version is the applied version; -1 when none is.
	Version int64
	Dirty   bool
	// Holder, on a dirty version read by a command that does not lock,
	// names the session that holds the migrations lock ("" when none does
	// or the dialect cannot tell): the version is being applied.
	Holder string
}

// versionOf reads the state through golang-migrate's driver: the one way
// mxmigrate reads it, so that status, check, generate and up agree (and a
// driver that keeps one row per change, as ClickHouse's does, is read as
// golang-migrate itself reads it).
func versionOf(env *Env, drv database.Driver) (State, error) {
	v, dirty, err := drv.Version()
	if err != nil {
		return State{}, fmt.Errorf("%s: read migrations table %s: %s", env.Name, env.MigrationsTable, redact.MaskPassword(err.Error()))
	}
	if v == database.NilVersion {
		return State{Version: -1, Dirty: dirty}, nil
	}
	return State{Version: int64(v), Dirty: dirty}, nil
}

// queryState reads the state with the dialect's VersionQuery on h, which
// stays open: one query, no lock, nothing created (read-only commands; the
// migrations table exists). A dirty version is read again through the
// driver, on a connection of its own, which can say who holds the
// migrations lock.
func (p *Project) queryState(ctx context.Context, env *Env, h *dialect.Handle) (State, error) {
	var v int64
	var dirty bool
	err := h.QueryRowContext(ctx, env.Dialect.VersionQuery(env.MigrationsTable)).Scan(&v, &dirty)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return State{Version: -1}, nil
	case err != nil:
		return State{}, fmt.Errorf("%s: read migrations table %s: %s", env.Name, env.MigrationsTable, redact.MaskPassword(err.Error()))
	case v < 0:
		v = -1 // golang-migrate's NilVersion, recorded dirty
	}
	if !dirty {
		return State{Version: v}, nil
	}
	h2, err := env.Conn.Open(ctx, dialect.OpenOptions{ReadOnly: true, ExitSoon: p.ExitSoon})
	if err != nil {
		return State{Version: v, Dirty: true}, nil
	}
	return readState(env, h2)
}

// pending lists the directory's migrations newer than version.
func pending(dir *generator.Dir, version int64) []generator.File {
	var out []generator.File
	for _, f := range dir.Files {
		if int64(f.Version) > version {
			out = append(out, f)
		}
	}
	return out
}

// readState reads the state of an open database through the dialect's
// golang-migrate driver, which takes h over and closes it.
func readState(env *Env, h *dialect.Handle) (State, error) {
	drv, err := env.Dialect.MigrateDriver(h, env.MigrationsTable)
	if err != nil {
		return State{}, fmt.Errorf("%s: %s", env.Name, redact.MaskPassword(err.Error()))
	}
	defer drv.Close()
	st, err := versionOf(env, drv)
	if err == nil && st.Dirty {
		// dirty while another run holds the lock: that run is applying the
		// file now (or its session still is, after its client was killed)
		if lh, ok := drv.(lockHolder); ok {
			st.Holder = redact.MaskPassword(lh.LockHolder())
		}
	}
	return st, err
}

// Refusal explains why an environment's database may not be migrated or
// generated against, and which command fixes it.
type Refusal struct{ Msg string }

// checkState refuses a dirty database, and for generate one that is not at
// the directory's latest version.
func checkState(env *Env, st State, dir *generator.Dir, requireLatest bool) error {
	if st.Dirty {
		return &Refusal{fmt.Sprintf("%s: the database is dirty at version %d: a migration failed part-way. Inspect and repair the database, then mark the version it is really at with `mxmigrate force -n %s <version>`",
			env.Name, st.Version, env.Name)}
	}
	if !requireLatest {
		return nil
	}
	latest := int64(dir.Latest())
	if len(dir.Files) == 0 {
		latest = -1
	}
	switch {
	case st.Version < latest:
		return &Refusal{fmt.Sprintf("%s: the database is at version %s but %s has migrations up to %d: apply them first with `mxmigrate up -n %s`",
			env.Name, versionText(st.Version), env.Dir, latest, env.Name)}
	case st.Version > latest:
		if _, ok := dir.Find(uint64(st.Version)); !ok {
			return &Refusal{fmt.Sprintf("%s: the database is at version %d, which %s does not have (wrong directory, or files missing): check out the matching migrations, or mark the version with `mxmigrate force -n %s <version>`",
				env.Name, st.Version, env.Dir, env.Name)}
		}
	}
	return nil
}

func versionText(v int64) string {
	if v < 0 {
		return "none (nothing applied)"
	}
	return fmt.Sprint(v)
}

// IsRefusal reports whether err is a refusal (dirty or out-of-date database).
func IsRefusal(err error) bool {
	var r *Refusal
	return errors.As(err, &r)
}

// lockHolder is a driver that can say who holds the lock it waits for.
type lockHolder interface{ LockHolder() string }

func (r *Refusal) Error() string { return r.Msg }
