package mxmigrate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/desired"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/internal/catalog"
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

// opening is a database being opened in the background.
type opening chan opened

type opened struct {
	h   *dialect.Handle
	err error
}

// openAsync opens the environment's database for reading while the caller
// goes on (DuckDB loads its whole catalog when it opens a file).
func (p *Project) openAsync(ctx context.Context, env *Env) opening {
	ch := make(opening, 1)
	go func() {
		h, err := env.Conn.Open(ctx, dialect.OpenOptions{ReadOnly: true, ExitSoon: p.ExitSoon})
		ch <- opened{h, err}
	}()
	return ch
}

func (o opening) wait() (*dialect.Handle, error) {
	r := <-o
	return r.h, r.err
}

// discard closes the database once it is open.
func (o opening) discard() {
	go func() {
		if r := <-o; r.err == nil {
			r.h.Close()
		}
	}()
}

// introspect reads the tables in scope and the migrations table, counting
// the catalog queries.
func (p *Project) introspect(ctx context.Context, env *Env, h *dialect.Handle, scope []string) (*schema.Schema, int, error) {
	counter := &catalog.Counter{Q: h}
	live, err := inspectScope(ctx, env.Dialect, counter, append(scope, env.MigrationsTable))
	return live, counter.Count(), err
}

// inspectScope reads the live schema of the tables in scope that exist.
func inspectScope(ctx context.Context, d dialect.Dialect, q dialect.Queryer, scope []string) (*schema.Schema, error) {
	s, err := d.Inspect(ctx, q, scope)
	if err != nil {
		return nil, fmt.Errorf("introspect %s database: %w", d.Name(), err)
	}
	in := make(map[string]bool, len(scope))
	for _, n := range scope {
		in[n] = true
	}
	out := &schema.Schema{}
	for _, t := range s.Tables {
		if in[t.Name] {
			out.Tables = append(out.Tables, t)
		}
	}
	out.Sort()
	return out, nil
}

// Pending returns the directory's migrations newer than the database's version.
func (cmp *Comparison) Pending() []generator.File { return pending(cmp.Dir, cmp.State.Version) }

// Refusal explains why an environment's database may not be migrated or
// generated against, and which command fixes it.
type Refusal struct{ Msg string }

func (r *Refusal) Error() string { return r.Msg }

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
	// AllowEmpty lets a plan drop feature tables when no feature definition
	// was found at all (retiring every feature); without it such a plan is
	// refused, as a forgotten --definitions-from-store or a wrong project
	// looks the same.
	AllowEmpty bool
}

// GenerateResult says what generate did.
type GenerateResult struct {
	Comparison *Comparison
	// NoChanges is true when the database already matches the target.
	NoChanges bool
	// File is the first written migration (zero on dry runs and no
	// changes); Written are all of them (a plan may take several files).
	File    generator.File
	Written []generator.File
	// Files are the rendered files, in the order they apply (also on dry
	// runs); Up and Down are all of them together (down in the order they
	// revert).
	Files    []generator.Pair
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
func (p *Project) Generate(ctx context.Context, env *Env, o GenerateOptions) (*GenerateResult, error) {
	// An existing directory is read, compared and written under its lock,
	// so that a concurrent generate's half-written migration is never read.
	// A missing one is not created before there is something to write
	// (Write then takes the lock and refuses if another run wrote first).
	locked := false
	if _, err := os.Stat(env.Dir); err == nil && !o.DryRun {
		unlock, err := generator.Lock(env.Dir)
		if err != nil {
			return nil, err
		}
		defer unlock()
		locked = true
	}
	cmp, err := p.Compare(ctx, env, o.TargetOptions)
	if err != nil {
		return nil, err
	}
	if o.Baseline {
		if err := baseline(cmp); err != nil {
			return nil, err
		}
	} else if err := p.stateError(ctx, env, cmp.State, cmp.Dir, true); err != nil {
		return nil, err
	}
	res := &GenerateResult{Comparison: cmp}
	if len(cmp.Changes) == 0 {
		res.NoChanges = true
		return res, nil
	}
	if cmp.Empty != "" && !o.AllowEmpty {
		drops := 0
		for _, c := range cmp.Changes {
			if c.Kind == diff.DropTable {
				drops++
			}
		}
		if drops > 0 {
			return res, fmt.Errorf("%s: %s. Refusing to plan dropping %d feature table(s) from an empty definition set: point mxmigrate at the definitions (metaxy.lock, [ext.mxmigrate] definitions, --definitions-from-store, --project), or pass --allow-empty if every feature was really retired",
				env.Name, cmp.Empty, drops)
		}
	}
	destructive := diff.Destructive(cmp.Changes)
	if len(destructive) > 0 && !o.AllowDestructive {
		return res, &DestructiveError{Env: env.Name, Changes: destructive}
	}
	h := generator.Header{Tool: "mxmigrate " + Version, Environment: env.Name, Dialect: env.Dialect.Name(),
		Message: o.Message, Transactional: env.Dialect.Transactional()}
	if h.Message == "" {
		h.Message = "(none)"
	}
	slug := generator.Slug(o.Message)
	var ms []generator.Migration
	res.Files = generator.RenderSteps(h, cmp.Steps)
	res.Up, res.Down = generator.Join(res.Files)
	for _, f := range res.Files {
		var creates, drops []string
		for _, c := range f.Changes {
			switch c.Kind {
			case diff.CreateTable:
				creates = append(creates, c.Table)
			case diff.DropTable:
				drops = append(drops, c.Table)
			}
		}
		name := slug
		if f.Label != "" && len(cmp.Steps) > 1 {
			name = slug + "_" + f.Label
		}
		ms = append(ms, generator.Migration{Name: name, Format: o.Format, Up: f.Up, Down: f.Down,
			Creates: creates, Drops: drops, Identity: env.Identity(), BasedOn: cmp.Dir.Latest()})
	}
	if o.DryRun {
		return res, nil
	}
	if !locked {
		unlock, err := generator.Lock(env.Dir)
		if err != nil {
			return res, err
		}
		defer unlock()
	}
	files, err := generator.WriteAllLocked(env.Dir, ms)
	if err != nil {
		return res, err
	}
	res.File = files[0]
	res.Written = files
	return res, nil
}

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

// CheckResult says whether the live database matches the target.
type CheckResult struct {
	Comparison *Comparison
	Pending    []generator.File
	// InSync is true when there are no changes, no pending migrations and the
	// database is clean.
	InSync bool
	// DirtyAdvice, on a dirty database, says which file stopped part-way,
	// what it left and how to go on.
	DirtyAdvice string
}

// Check compares the live database with the target (for CI).
func (p *Project) Check(ctx context.Context, env *Env, o TargetOptions) (*CheckResult, error) {
	cmp, err := p.Compare(ctx, env, o)
	if err != nil {
		return nil, err
	}
	r := &CheckResult{Comparison: cmp, Pending: cmp.Pending()}
	if cmp.State.Dirty {
		r.DirtyAdvice = p.dirtyAdvice(ctx, env, cmp.State, cmp.Dir)
	}
	r.InSync = len(cmp.Changes) == 0 && len(r.Pending) == 0 && !cmp.State.Dirty
	return r, nil
}

// IsRefusal reports whether err is a refusal (dirty or out-of-date database).
func IsRefusal(err error) bool {
	var r *Refusal
	return errors.As(err, &r)
}
