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
	Env *Env
	Dir *generator.Dir
	// Target and Current share their equal columns between tables
	// (schema.Column): clone a table before changing it.
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
	renames, err := in.renames(cmp.Current, cmp.Target)
	if err != nil {
		return nil, err
	}
	cmp.Changes, cmp.Unmanaged = planned(cmp.Current, cmp.Target, renames, env.policy)
	in.clock.lap(fmt.Sprintf("diff (%d changes)", len(cmp.Changes)))
	var sized []string
	if sizeTarget {
		for _, t := range cmp.Target.Tables {
			sized = append(sized, t.Name)
		}
	}
	for _, c := range renames {
		if c.Kind == diff.RenameTable {
			sized = append(sized, c.OldTable) // its changes name it by its new name
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
		cmp.Changes, cmp.Unmanaged = planned(cmp.Current, cmp.Target, renames, env.policy)
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

// planned is the changes from current to target: renames first (they
// are the live tables under their target names), then the diff of the
// renamed tables with the target, and the unmanaged objects it keeps.
func planned(current, target *schema.Schema, renames []diff.Change, p diff.Policy) ([]diff.Change, []diff.Unmanaged) {
	if len(renames) == 0 {
		return diff.Plan(current, target, p)
	}
	cs, un := diff.Plan(diff.Apply(current, renames), target, p)
	return append(append([]diff.Change(nil), renames...), cs...), un
}

// render renders cmp.Changes, applied to from, in both directions, after
// the dialect's account is put on them (type names, caveats). Renames
// (first in the changes) are planned on their own, the other changes on
// the renamed tables, and go first in the first file (or a file of their
// own before one that runs outside a transaction).
func (cmp *Comparison) render(from *schema.Schema) error {
	d := cmp.Env.Dialect
	n := 0
	for n < len(cmp.Changes) && (cmp.Changes[n].Kind == diff.RenameTable || cmp.Changes[n].Kind == diff.RenameColumn) {
		n++
	}
	var steps []plan.Step
	mid := from
	if n > 0 {
		mid = diff.Apply(from, cmp.Changes[:n])
		dialect.Annotate(d, cmp.Changes[:n], from)
		var err error
		if steps, err = dialect.PlanFiles(d, cmp.Changes[:n], from, mid, from); err != nil {
			return err
		}
	}
	rest := cmp.Changes[n:]
	if n == 0 || len(rest) > 0 {
		dialect.Annotate(d, rest, mid)
		after := diff.Apply(mid, rest)
		more, err := dialect.PlanFiles(d, rest, mid, after, mid)
		if err != nil {
			return err
		}
		steps = mergeSteps(steps, more)
	}
	cmp.Steps = steps
	return nil
}

// mergeSteps puts a plan's renames (one step, or none) before steps: in
// their first file, undone last by its down file, unless that file runs
// outside a transaction.
func mergeSteps(renames, steps []plan.Step) []plan.Step {
	if len(renames) == 0 {
		return steps
	}
	if len(steps) == 0 {
		return renames
	}
	if steps[0].NoTx {
		r := renames[0]
		r.Label = "rename"
		return append([]plan.Step{r}, steps...)
	}
	first := steps[0]
	first.Up = append(append([]plan.Statement(nil), renames[0].Up...), first.Up...)
	first.Down = append(append([]plan.Statement(nil), first.Down...), renames[0].Down...)
	return append([]plan.Step{first}, steps[1:]...)
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
