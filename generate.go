package mxmigrate

import (
	"context"
	"fmt"
	"os"

	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/proof"
	"github.com/mxmigrate/mxmigrate/schema"
)

// Generate plans the environment and writes the next migration: the
// pipeline of Compare, then admit (the refusals), files (rendered), and
// write (numbered, recorded in mxmigrate.sum).
func (p *Project) Generate(ctx context.Context, env *Env, o GenerateOptions) (*GenerateResult, error) {
	// An existing directory is read, compared and written under its lock,
	// so that a concurrent generate's half-written migration is never read.
	// A missing one is not created before there is something to write
	// (write then takes the lock and refuses if another run wrote first).
	locked := false
	if _, err := os.Stat(env.Dir); err == nil && !o.DryRun {
		unlock, err := generator.Lock(env.Dir)
		if err != nil {
			return nil, err
		}
		defer unlock()
		locked = true
	}
	if o.Offline {
		if s := o.fromStore(env); s == "." || s == env.Store.Name {
			how := "--definitions-from-store"
			if o.DefinitionsFromStore == "" {
				how = "[ext.mxmigrate] definitions_from_store (--no-definitions-from-store turns it off)"
			}
			return nil, fmt.Errorf("%s: generate --offline opens no live database, and %s would read this store's: record the definitions in files (metaxy.lock, definition files), or read another store's", env.Name, how)
		}
		off, remove, err := p.offline(ctx, env, o.DevURL)
		if err != nil {
			return nil, err
		}
		defer remove()
		env = off
	}
	cmp, err := p.compare(ctx, env, o.TargetOptions, o.Baseline)
	if err != nil {
		return nil, err
	}
	res, err := p.admit(ctx, cmp, o)
	if err != nil || res.NoChanges {
		return res, err
	}
	var ms []generator.Migration
	if o.NoProof {
		ms = res.files(o, "written with --no-proof: nothing ran it on a dev database")
		res.Proof = &proof.Report{Skipped: "--no-proof; the files say so", Findings: []string{}, Notes: []string{}}
	} else {
		ms = res.files(o, "")
		if err := p.prove(ctx, res, o); err != nil {
			return res, err
		}
		if why := res.Proof.Skipped; why != "" {
			ms = res.files(o, "not run: "+why) // the files say so
		}
	}
	if err := res.destructive(o); err != nil {
		return res, err
	}
	if o.DryRun {
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return res, err // interrupted: nothing is written
	}
	return res, res.write(ms, locked)
}

// destructive refuses, without AllowDestructive, a plan with destructive
// changes or values its proof saw change.
func (res *GenerateResult) destructive(o GenerateOptions) error {
	cs := diff.Destructive(res.Comparison.Changes)
	var findings []string
	if res.Proof != nil {
		findings = res.Proof.Findings
	}
	if (len(cs) > 0 || len(findings) > 0) && !o.AllowDestructive {
		return &DestructiveError{Env: res.Comparison.Env.Name, Changes: cs, Findings: findings}
	}
	return nil
}

// admit is the stage that refuses what must not be planned: a baseline of a
// directory or database that is not empty, a dirty or out-of-date database,
// dropping every feature table of an empty definition set (without
// AllowEmpty). Destructive plans are refused after the proof (destructive),
// so that what it found is shown with them.
func (p *Project) admit(ctx context.Context, cmp *Comparison, o GenerateOptions) (*GenerateResult, error) {
	env := cmp.Env
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
	return res, nil
}

// files renders the plan's steps as files (res.Files, res.Up, res.Down),
// names them as they would be written now (res.Names), and returns them as
// the migrations write numbers.
func (res *GenerateResult) files(o GenerateOptions, unproved string) []generator.Migration {
	cmp := res.Comparison
	env := cmp.Env
	h := generator.Header{Tool: "mxmigrate " + Version, Environment: env.Name, Dialect: env.Dialect.Name(),
		Message: o.Message, Transactional: env.Dialect.Transactional(), Unproved: unproved}
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
	res.Names = nil
	if fs, err := cmp.Dir.Numbered(ms); err == nil { // else write says why
		for _, f := range fs {
			res.Names = append(res.Names, f.Base())
		}
	}
	return ms
}

// write writes ms as the directory's next migrations, under its lock (taken
// here unless Generate holds it already).
func (res *GenerateResult) write(ms []generator.Migration, locked bool) error {
	dir := res.Comparison.Env.Dir
	if !locked {
		unlock, err := generator.Lock(dir)
		if err != nil {
			return err
		}
		defer unlock()
	}
	files, err := generator.WriteAllLocked(dir, ms)
	if err != nil {
		return err
	}
	res.File = files[0]
	res.Written = files
	return nil
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
	// Existing are, for each pending file (by version), the tables it
	// creates (mxmigrate.sum) that exist already: `up` would stop at them
	// (a baseline whose tables exist is recorded with force).
	Existing map[uint64][]string
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
	var idx map[string]*schema.Table
	if len(r.Pending) > 0 {
		idx = cmp.Current.Index()
	}
	for _, f := range r.Pending {
		for _, t := range cmp.Dir.Creates(f.Version) {
			if idx[t] != nil {
				if r.Existing == nil {
					r.Existing = map[uint64][]string{}
				}
				r.Existing[f.Version] = append(r.Existing[f.Version], t)
			}
		}
	}
	return r, nil
}
