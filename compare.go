package mxmigrate

import (
	"context"
	"fmt"

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

// Compare runs the pipeline on env up to the plan, each stage a function of
// the one before (docs/architecture.md): prepare (read the directory, open
// the database meanwhile), derive the target, introspect (the tables in
// scope and the migrations state), then diff and plan both directions.
func (p *Project) Compare(ctx context.Context, env *Env, o TargetOptions) (*Comparison, error) {
	return p.compare(ctx, env, o, false)
}

// compare is Compare; sizeTarget also reads the sizes of every target table
// that exists live (a baseline's plan shows them).
func (p *Project) compare(ctx context.Context, env *Env, o TargetOptions, sizeTarget bool) (*Comparison, error) {
	in, err := p.prepare(ctx, env, o)
	if err != nil {
		return nil, err
	}
	if err := in.derive(ctx); err != nil {
		return nil, err
	}
	live, err := in.introspect(ctx)
	if err != nil {
		return nil, err
	}
	defer live.h.Close()
	return in.plan(ctx, live, sizeTarget)
}

// plan is the pipeline's third stage: the changes from the live tables to
// the target (and what the live tables have that the plan keeps), the
// sizes of the tables they change, the dialect's account on them, planned
// as files in both directions.
func (in *inputs) plan(ctx context.Context, live *live, sizeTarget bool) (*Comparison, error) {
	env := in.env
	cmp := &Comparison{Env: env, Dir: in.dir, Target: in.target, Empty: in.empty,
		Current: live.tables, State: live.state, CatalogQueries: live.queries}
	cmp.Changes, cmp.Unmanaged = diff.Plan(cmp.Current, cmp.Target, env.policy)
	in.clock.lap(fmt.Sprintf("diff (%d changes)", len(cmp.Changes)))
	var sized []string
	if sizeTarget {
		for _, t := range cmp.Target.Tables {
			sized = append(sized, t.Name)
		}
	}
	read, err := complete(ctx, env.Dialect, live.h, cmp.Current, cmp.Changes, cmp.Unmanaged, sized)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", env.Name, err)
	}
	if read {
		in.clock.lap("read what the plan needs of the tables it changes")
	}
	if read && len(cmp.Unmanaged) > 0 {
		// the objects' definitions are read now: list them with those
		cmp.Changes, cmp.Unmanaged = diff.Plan(cmp.Current, cmp.Target, env.policy)
	}
	if err := cmp.render(cmp.Current); err != nil {
		if !cmp.State.Dirty {
			return nil, fmt.Errorf("%s: %w", env.Name, err)
		}
		// a stopped migration may be what keeps the plan from rendering (a
		// rebuild's table left behind): the dirty version is the news
		cmp.Unrendered = err
	}
	in.clock.lap(fmt.Sprintf("render (%d changes)", len(cmp.Changes)))
	cmp.Timings = in.clock.timings
	return cmp, nil
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
	if err := cmp.render(empty); err != nil {
		return err
	}
	// a table the baseline creates may hold rows already: say how many
	idx := cmp.Current.Index()
	for _, st := range cmp.Steps {
		for _, s := range st.Up {
			if c := s.Cost; c != nil && c.Effect == plan.NewTable {
				if t := idx[c.Table]; t != nil {
					c.Stats = t.Stats
				}
			}
		}
	}
	return nil
}
