package mxmigrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/introspect"
	"github.com/mxmigrate/mxmigrate/schema"
	"github.com/mxmigrate/mxmigrate/stores"
)

// Plan is an environment's target compared with its live database.
type Plan struct {
	Env     *config.Environment
	Dialect stores.Dialect
	Dir     *generator.Dir
	Target  *schema.Schema
	Current *schema.Schema
	Changes []diff.Change
	Up      []stores.Statement
	Down    []stores.Statement
	// State is the migrations table's state.
	State State
	// CatalogQueries counts the catalog queries introspection ran.
	CatalogQueries int
	// Timings says where the time went, phase by phase (for --verbose).
	Timings []Timing
	// LiveChanges, on a baseline, are the changes the live database would
	// need: none means it already matches the baseline.
	LiveChanges []diff.Change
}

// Timing is the duration of one phase of a plan.
type Timing struct {
	Phase    string
	Duration time.Duration
}

type stopwatch struct {
	last time.Time
	out  *[]Timing
}

func (s *stopwatch) lap(phase string) {
	now := time.Now()
	*s.out = append(*s.out, Timing{phase, now.Sub(s.last)})
	s.last = now
}

// State is what golang-migrate's migrations table records.
type State struct {
	// Version is the applied version; -1 when none is.
	Version int64
	Dirty   bool
}

// Plan computes the changes between the environment's target and its database.
func (p *Project) Plan(ctx context.Context, env *config.Environment, o TargetOptions) (*Plan, error) {
	var timings []Timing
	sw := &stopwatch{last: time.Now(), out: &timings}
	d, err := stores.Lookup(env.Store)
	if err != nil {
		return nil, err
	}
	dir, err := p.readDir(env, d)
	if err != nil {
		return nil, err
	}
	sw.lap("read and verify " + p.rel(env.Dir))
	// Connecting (DuckDB loads its whole catalog) overlaps deriving the target.
	type opened struct {
		h   *stores.Handle
		err error
	}
	conn := make(chan opened, 1)
	go func() {
		h, err := d.Open(ctx, env.Store)
		conn <- opened{h, err}
	}()
	tgt, err := p.Target(ctx, env, o)
	if err != nil {
		go func() {
			if c := <-conn; c.err == nil {
				c.h.Close()
			}
		}()
		return nil, err
	}
	sw.lap(fmt.Sprintf("derive target (%d tables)", len(tgt.Tables)))
	c := <-conn
	if c.err != nil {
		return nil, c.err
	}
	h := c.h
	defer h.Close()
	sw.lap("open " + d.Name() + " database (overlapping the above)")
	counter := &introspect.Counter{Q: h}
	scope := introspect.Scope(tgt, dir.Managed())
	live, err := introspect.Current(ctx, d, counter, append(scope, env.MigrationsTable))
	if err != nil {
		return nil, err
	}
	sw.lap(fmt.Sprintf("introspect (%d catalog queries)", counter.Count()))
	pl := &Plan{Env: env, Dialect: d, Dir: dir, Target: tgt, CatalogQueries: counter.Count()}
	defer func() { pl.Timings = timings }() // includes the laps below
	pl.State, err = readState(ctx, h, d, live.Table(env.MigrationsTable) != nil, env.MigrationsTable)
	if err != nil {
		return nil, err
	}
	pl.Current = &schema.Schema{}
	for _, t := range live.Tables {
		if t.Name != env.MigrationsTable {
			pl.Current.Tables = append(pl.Current.Tables, t)
		}
	}
	pl.Changes = diff.Compare(pl.Current, tgt)
	after := diff.Apply(pl.Current, pl.Changes)
	if pl.Up, err = d.Plan(pl.Changes, pl.Current, after); err != nil {
		return nil, err
	}
	if pl.Down, err = d.Plan(diff.Inverse(pl.Changes), after, pl.Current); err != nil {
		return nil, err
	}
	sw.lap(fmt.Sprintf("diff and plan (%d changes)", len(pl.Changes)))
	return pl, nil
}

func readState(ctx context.Context, q stores.Queryer, d stores.Dialect, exists bool, table string) (State, error) {
	st := State{Version: -1}
	if !exists {
		return st, nil
	}
	rows, err := q.QueryContext(ctx, "SELECT version, dirty FROM "+d.Quote(table)+" LIMIT 1")
	if err != nil {
		return st, fmt.Errorf("read migrations table %s: %w", table, err)
	}
	defer rows.Close()
	if rows.Next() {
		var v sql.NullInt64
		if err := rows.Scan(&v, &st.Dirty); err != nil {
			return st, fmt.Errorf("read migrations table %s: %w", table, err)
		}
		if v.Valid {
			st.Version = v.Int64
		}
	}
	return st, rows.Err()
}

// Pending returns the directory's migrations newer than the database's version.
func (pl *Plan) Pending() []generator.File {
	var out []generator.File
	for _, f := range pl.Dir.Files {
		if int64(f.Version) > pl.State.Version {
			out = append(out, f)
		}
	}
	return out
}

// Refusal explains why an environment's database may not be migrated or
// generated against, and which command fixes it.
type Refusal struct{ Msg string }

func (r *Refusal) Error() string { return r.Msg }

// checkState refuses a dirty database, and for generate one that is not at
// the directory's latest version.
func checkState(env *config.Environment, st State, dir *generator.Dir, requireLatest bool) error {
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

// GenerateOptions are generate's options.
type GenerateOptions struct {
	TargetOptions
	Message          string
	AllowDestructive bool
	DryRun           bool
	// Format is the version style: "" (follow the directory, else seq), "seq" or "unix".
	Format string
	// Baseline writes the first migration of an empty directory against an
	// empty database, whatever the live database holds: for adopting a store
	// whose tables exist already (record it with Force once they match).
	Baseline bool
}

// GenerateResult says what generate did.
type GenerateResult struct {
	Plan *Plan
	// NoChanges is true when the database already matches the target.
	NoChanges bool
	// File is the written migration (zero on dry runs and no changes).
	File generator.File
	// Up and Down are the rendered files (also on dry runs).
	Up, Down []byte
}

// DestructiveError lists the changes that need --allow-destructive.
type DestructiveError struct {
	Env     string
	Changes []diff.Change
}

func (e *DestructiveError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: the plan has %d destructive change(s); nothing was written:\n", e.Env, len(e.Changes))
	for _, c := range e.Changes {
		fmt.Fprintf(&b, "  %s\n    (%s)\n", c.Summary(), c.Destructive())
	}
	b.WriteString("Review them, then run generate again with --allow-destructive to write them (marked -- DESTRUCTIVE).")
	return b.String()
}

// Generate plans the environment and writes the next migration.
func (p *Project) Generate(ctx context.Context, env *config.Environment, o GenerateOptions) (*GenerateResult, error) {
	pl, err := p.Plan(ctx, env, o.TargetOptions)
	if err != nil {
		return nil, err
	}
	if o.Baseline {
		if err := baseline(pl); err != nil {
			return nil, err
		}
	} else if err := checkState(env, pl.State, pl.Dir, true); err != nil {
		return nil, err
	}
	res := &GenerateResult{Plan: pl}
	if len(pl.Changes) == 0 {
		res.NoChanges = true
		return res, nil
	}
	destructive := diff.Destructive(pl.Changes)
	if len(destructive) > 0 && !o.AllowDestructive {
		return res, &DestructiveError{Env: env.Name, Changes: destructive}
	}
	h := generator.Header{Tool: "mxmigrate " + Version, Environment: env.Name, Dialect: pl.Dialect.Name(),
		Message: o.Message, Transactional: pl.Dialect.Transactional()}
	if h.Message == "" {
		h.Message = "(none)"
	}
	up := h
	up.Direction = "up"
	down := h
	down.Direction = "down"
	down.DataNotRestored = len(destructive) > 0
	res.Up = generator.Render(up, pl.Up)
	res.Down = generator.Render(down, pl.Down)
	if o.DryRun {
		return res, nil
	}
	var creates, drops []string
	for _, c := range pl.Changes {
		switch c.Kind {
		case diff.CreateTable:
			creates = append(creates, c.Table)
		case diff.DropTable:
			drops = append(drops, c.Table)
		}
	}
	f, err := generator.Write(env.Dir, generator.Migration{
		Name: generator.Slug(o.Message), Format: o.Format, Up: res.Up, Down: res.Down,
		Creates: creates, Drops: drops,
		Identity: generator.Identity{Dialect: pl.Dialect.Name(), TablePrefix: env.Store.TablePrefix},
		BasedOn:  pl.Dir.Latest(),
	})
	if err != nil {
		return res, err
	}
	res.File = f
	return res, nil
}

// baseline replaces pl's plan with one from an empty database. The live
// changes stay in pl.LiveChanges so that the caller can say whether the
// database already matches.
func baseline(pl *Plan) error {
	if len(pl.Dir.Files) > 0 {
		return fmt.Errorf("%s: --baseline writes the first migration of an empty directory, and %s has %d", pl.Env.Name, pl.Env.Dir, len(pl.Dir.Files))
	}
	if pl.State.Version >= 0 {
		return fmt.Errorf("%s: --baseline needs a database without recorded migrations, and this one is at version %d", pl.Env.Name, pl.State.Version)
	}
	pl.LiveChanges = pl.Changes
	empty := &schema.Schema{}
	pl.Changes = diff.Compare(empty, pl.Target)
	var err error
	if pl.Up, err = pl.Dialect.Plan(pl.Changes, empty, pl.Target); err != nil {
		return err
	}
	pl.Down, err = pl.Dialect.Plan(diff.Inverse(pl.Changes), pl.Target, empty)
	return err
}

// CheckResult says whether the live database matches the target.
type CheckResult struct {
	Plan    *Plan
	Pending []generator.File
	// InSync is true when there are no changes, no pending migrations and the
	// database is clean.
	InSync bool
}

// Check compares the live database with the target (for CI).
func (p *Project) Check(ctx context.Context, env *config.Environment, o TargetOptions) (*CheckResult, error) {
	pl, err := p.Plan(ctx, env, o)
	if err != nil {
		return nil, err
	}
	r := &CheckResult{Plan: pl, Pending: pl.Pending()}
	r.InSync = len(pl.Changes) == 0 && len(r.Pending) == 0 && !pl.State.Dirty
	return r, nil
}

// IsRefusal reports whether err is a refusal (dirty or out-of-date database).
func IsRefusal(err error) bool {
	var r *Refusal
	return errors.As(err, &r)
}
