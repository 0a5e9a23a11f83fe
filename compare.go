package mxmigrate

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/desired"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/plan"
	"github.com/mxmigrate/mxmigrate/schema"
)

// Comparison is an environment's target compared with its live database:
// what generate writes and check reports.
type Comparison struct {
	Env     *Env
	Dir     *generator.Dir
	Target  *schema.Schema
	Current *schema.Schema
	Changes []diff.Change
	// Steps are the migration files the changes are written as (one, unless
	// the dialect splits a plan: PostgreSQL's online forms), each statement
	// with its cost on the live tables.
	Steps []plan.Step
	// State is the migrations table's state.
	State State
	// CatalogQueries counts the catalog queries introspection ran.
	CatalogQueries int
	// Timings says where the time went, phase by phase (for --verbose).
	Timings []Timing
	// LiveChanges, on a baseline, are the changes the live database would
	// need: none means it already matches the baseline.
	LiveChanges []diff.Change
	// Empty, when the feature target has no table, says where definitions
	// were looked for ("" otherwise).
	Empty string
	// Unrendered, on a dirty database, is why the changes could not be
	// rendered (Steps is then empty); generate refuses the dirty database
	// first, check reports both.
	Unrendered error
	// Unmanaged are what the live tables have that the definitions do not
	// derive and the plan keeps (decision 40), not ignored: listed by check
	// and generate --verbose, never a difference by themselves.
	Unmanaged []diff.Unmanaged
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

// Compare runs the pipeline: read the directory, derive the target, open the
// database (overlapping the derivation), introspect the tables in scope, read
// the migrations state, diff, and render both directions.
func (p *Project) Compare(ctx context.Context, env *Env, o TargetOptions) (*Comparison, error) {
	var timings []Timing
	sw := &stopwatch{last: time.Now(), out: &timings}
	cmp := &Comparison{Env: env}
	defer func() { cmp.Timings = timings }()
	var err error
	if cmp.Dir, err = p.readDir(env); err != nil {
		return nil, err
	}
	sw.lap("read and verify " + p.rel(env.Dir))
	opened := p.openAsync(ctx, env)
	if cmp.Target, cmp.Empty, err = p.target(ctx, env, o); err != nil {
		opened.discard()
		return nil, err
	}
	sw.lap(fmt.Sprintf("derive target (%d tables)", len(cmp.Target.Tables)))
	if err := p.checkManaged(env, cmp.Target, cmp.Dir.Managed()); err != nil {
		opened.discard()
		return nil, err
	}
	h, err := opened.wait()
	if err != nil {
		return nil, err
	}
	sw.lap("open " + env.Dialect.Name() + " database (overlapping the above)")
	live, queries, err := p.introspect(ctx, env, h, desired.Scope(cmp.Target, cmp.Dir.Managed()))
	if err != nil {
		h.Close()
		return nil, err
	}
	cmp.CatalogQueries = queries
	sw.lap(fmt.Sprintf("introspect (%d catalog queries)", queries))
	// The migrations table is read through golang-migrate's driver, which
	// owns h from here on; without the table nothing was ever applied.
	if cmp.State, err = recordedState(env, h, live.Table(env.MigrationsTable) != nil); err != nil {
		return nil, err
	}
	sw.lap("read migrations state")
	cmp.Current = &schema.Schema{}
	for _, t := range live.Tables {
		if t.Name != env.MigrationsTable {
			cmp.Current.Tables = append(cmp.Current.Tables, t)
		}
	}
	cmp.Changes, cmp.Unmanaged = diff.Plan(cmp.Current, cmp.Target, p.policy(env))
	if err := cmp.render(cmp.Current); err != nil {
		if !cmp.State.Dirty {
			return nil, fmt.Errorf("%s: %w", env.Name, err)
		}
		// a stopped migration may be what keeps the plan from rendering (a
		// rebuild's table left behind): the dirty version is the news
		cmp.Unrendered = err
	}
	sw.lap(fmt.Sprintf("diff and render (%d changes)", len(cmp.Changes)))
	return cmp, nil
}

// checkManaged refuses a scope that mxmigrate.sum widened to tables the
// environment does not own (a hand-edited manifest accepted by rehash):
// the features environment never touches the store's system or migrations
// tables, the system environment nothing but its two tables.
func (p *Project) checkManaged(env *Env, tgt *schema.Schema, managed []string) error {
	fold := env.Dialect.Fold
	bad := func(t, what string) error {
		return fmt.Errorf("%s: %s records that its migrations created %s, which is %s; the manifest was edited: remove %q from it (then `mxmigrate rehash -n %s`)",
			env.Name, filepath.Join(p.rel(env.Dir), generator.SumFile), t, what, t, env.Name)
	}
	if env.Target == config.TargetSystem {
		own := map[string]bool{}
		for _, t := range tgt.Tables {
			own[fold(t.Name)] = true
		}
		for _, m := range managed {
			if !own[fold(m)] {
				return bad(m, "not one of Metaxy's system tables")
			}
		}
		return nil
	}
	reserved := map[string]string{}
	for _, t := range p.storeTables(env) {
		reserved[fold(t.Name)] = t.What
	}
	for _, m := range managed {
		if what, ok := reserved[fold(m)]; ok {
			return bad(m, what)
		}
	}
	return nil
}

// render renders cmp.Changes, applied to from, in both directions, after
// the dialect's account is put on them (type names, caveats).
func (cmp *Comparison) render(from *schema.Schema) error {
	d := cmp.Env.Dialect
	dialect.Annotate(d, cmp.Changes, from)
	after := diff.Apply(from, cmp.Changes)
	var err error
	cmp.Steps, err = dialect.PlanFiles(d, cmp.Changes, from, after, from)
	return err
}

// Pending returns the directory's migrations newer than the database's version.
func (cmp *Comparison) Pending() []generator.File { return pending(cmp.Dir, cmp.State.Version) }

func (r *Refusal) Error() string { return r.Msg }

// baseline replaces the comparison with one from an empty database. The live
// changes stay in cmp.LiveChanges so that the caller can say whether the
// database already matches.
func baseline(cmp *Comparison) error {
	if len(cmp.Dir.Files) > 0 {
		return fmt.Errorf("%s: --baseline writes the first migration of an empty directory, and %s has %d", cmp.Env.Name, cmp.Env.Dir, len(cmp.Dir.Files))
	}
	if cmp.State.Version >= 0 {
		return fmt.Errorf("%s: --baseline needs a database without recorded migrations, and this one is at version %d", cmp.Env.Name, cmp.State.Version)
	}
	cmp.LiveChanges = cmp.Changes
	empty := &schema.Schema{}
	cmp.Changes = diff.Compare(empty, cmp.Target)
	return cmp.render(empty)
}
