package mxmigrate

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/mxmigrate/mxmigrate/desired"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/internal/redact"
	"github.com/mxmigrate/mxmigrate/proof"
	"github.com/mxmigrate/mxmigrate/schema"
)

// prove is the pipeline's proof stage (docs/proof.md): the plan's files run
// on a dev database with sample rows before anything is written. A dialect
// without a dev database, or none configured that can be made, skips it and
// the report says why; a plan that fails there is an error (proof.Bug).
func (p *Project) prove(ctx context.Context, res *GenerateResult, o GenerateOptions) error {
	cmp := res.Comparison
	env := cmp.Env
	start := time.Now()
	var made, removed time.Duration
	defer func() {
		cmp.Timings = append(cmp.Timings, Timing{"prove on a dev database", time.Since(start)},
			Timing{"  prove: make the dev database", made})
		if res.Proof != nil {
			for _, ph := range res.Proof.Phases {
				cmp.Timings = append(cmp.Timings, Timing{"  prove: " + ph.Name, ph.Duration})
			}
		}
		cmp.Timings = append(cmp.Timings, Timing{"  prove: remove the dev database", removed})
	}()
	devURL := o.DevURL
	if devURL == "" {
		devURL = env.DevURL
	}
	dev, remove, err := env.Dialect.Dev(ctx, env.Conn, devURL)
	made = time.Since(start)
	if err != nil && ctx.Err() != nil {
		return ctx.Err() // interrupted (Ctrl-C): not a plan to write unproved
	}
	if err != nil && devURL != "" {
		// a dev database the user named: not having it is an error
		return fmt.Errorf("%s: the dev database (dev_url): %s", env.Name, redact.MaskPassword(err.Error()))
	}
	if err != nil {
		res.Proof = &proof.Report{Skipped: "no dev database: " + redact.MaskPassword(err.Error()), Findings: []string{}, Notes: []string{}}
		return nil
	}
	// held open until the dev database is removed: an engine in this
	// process (chDB) is not shut down and started again between the
	// proof's steps, and stays up at the end where the process exits
	pin, pinErr := dev.Open(ctx, dialect.OpenOptions{ExitSoon: p.ExitSoon})
	defer func() {
		t := time.Now()
		remove()
		if pinErr == nil {
			pin.Close()
		}
		removed = time.Since(t)
	}()
	in := proof.Input{Dialect: env.Dialect, Dev: dev, Kind: devKind(dev),
		Scope: desired.Scope(cmp.Target, cmp.Dir.Managed()), Live: cmp.Current, Target: cmp.Target, Policy: env.policy}
	if o.Baseline {
		in.Live = &schema.Schema{} // a baseline starts from an empty database
	}
	if in.Existing, err = dirFiles(cmp.Dir); err != nil {
		return err
	}
	for i, f := range res.Files {
		in.Plan = append(in.Plan, proof.File{Name: res.fileName(i), Up: f.Up, Down: f.Down})
	}
	res.Proof, err = proof.Run(ctx, in)
	return err
}

// devKind names a dev database in reports, its password masked.
func devKind(dev dialect.Store) string {
	if s, ok := dev.(fmt.Stringer); ok {
		return redact.MaskPassword(s.String()) // a description of its own (a container)
	}
	u, err := dev.URL(dialect.URLOptions{})
	if err != nil {
		return "dev database"
	}
	return redact.MaskPassword(u)
}

// fileName names file i of the plan as it would be written ("the new
// file 000006_add_scores.up.sql").
func (res *GenerateResult) fileName(i int) string {
	if i < len(res.Names) {
		return "the new file " + res.Names[i] + ".up.sql"
	}
	if len(res.Files) == 1 {
		return "the new up file"
	}
	return fmt.Sprintf("new file %d of %d of the plan", i+1, len(res.Files))
}

// offline is env with its database replaced by a dev database on which the
// directory's files are replayed up to its head (generate --offline): the
// live database is never opened.
func (p *Project) offline(ctx context.Context, env *Env, devURL string) (*Env, func(), error) {
	env = p.complete(env)
	if devURL == "" {
		devURL = env.DevURL
	}
	dev, remove, err := env.Dialect.Dev(ctx, nil, devURL)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: generate --offline: %s", env.Name, redact.MaskPassword(err.Error()))
	}
	dir, err := p.readDir(env)
	if err != nil {
		remove()
		return nil, nil, err
	}
	files, err := dirFiles(dir)
	if err != nil {
		remove()
		return nil, nil, err
	}
	if err := proof.Replay(ctx, env.Dialect, dev, env.MigrationsTable, files, int(dir.Latest())); err != nil {
		remove()
		return nil, nil, fmt.Errorf("%s: generate --offline: the directory's files do not replay on the dev database: %s", env.Name, redact.MaskPassword(err.Error()))
	}
	e := *env
	e.Conn = dev
	e.DevURL = devURL
	return &e, remove, nil
}

// dirFiles are dir's migrations as the proof takes them, each read and
// checked against mxmigrate.sum; on an error, those before the failing one.
func dirFiles(dir *generator.Dir) ([]proof.File, error) {
	var out []proof.File
	for _, f := range dir.Files {
		up, down, err := dir.ReadVerified(f)
		if err != nil {
			return out, err
		}
		out = append(out, proof.File{Name: filepath.Base(f.Up), Up: up, Down: down})
	}
	return out, nil
}
