package mxmigrate

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/internal/redact"
	"github.com/mxmigrate/mxmigrate/proof"
)

// LintResult is what lint found in an environment's committed directory.
type LintResult struct {
	Environment string `json:"environment"`
	Dev         string `json:"dev_database"`
	// Manifest, when set, says how the directory disagrees with
	// mxmigrate.sum (a hand edit, a file from another branch).
	Manifest string `json:"manifest"`
	// History: with --base, how the directory's versions disagree with the
	// base branch's (a version not after the base's last, a version
	// shared, a base file lost).
	History []string   `json:"history"`
	Files   []LintFile `json:"files"`
	// Clean: no finding in any file, and the manifest agrees.
	Clean bool `json:"clean"`
}

// LintFile is one file's proof: up after the files before it, with sample
// rows, down, up again.
type LintFile struct {
	File       string        `json:"file"`
	SampleRows int           `json:"sample_rows"`
	Checks     []proof.Check `json:"checks"`
	Findings   []string      `json:"findings"`
	// Notes: what the file does on rows like the samples without changing
	// data (it stops there); not findings.
	Notes []string `json:"notes"`
}

// LintOptions are lint's options.
type LintOptions struct {
	// DevURL is the dev database (else the environment's, else the
	// dialect's default).
	DevURL string
	// Base is a git ref (the base branch) to check the directory's
	// versions against; "" for none.
	Base string
}

// Lint replays env's committed directory on a dev database, proving each
// file after the ones before it: sample rows in every table, up, down, up
// again. What a file does to values, a down that does not restore, a file
// that fails, a statement that drops or retypes data without saying so, a
// manifest that disagrees and, with Base, versions out of order with the
// base branch are findings (docs/proof.md).
func (p *Project) Lint(ctx context.Context, env *Env, o LintOptions) (*LintResult, error) {
	env = p.complete(env)
	res := &LintResult{Environment: env.Name, Files: []LintFile{}, History: []string{}}
	dir, err := generator.ReadDir(env.Dir)
	if err != nil {
		return nil, err
	}
	if err := p.verify(dir, env); err != nil {
		res.Manifest = err.Error()
	}
	if o.Base != "" {
		if res.History, err = history(ctx, dir, o.Base); err != nil {
			return nil, err
		}
	}
	devURL := o.DevURL
	if devURL == "" {
		devURL = env.DevURL
	}
	dev, remove, err := env.Dialect.Dev(ctx, env.Conn, devURL)
	if err != nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, errors.New(env.Name + ": lint needs a dev database: " + redact.MaskPassword(err.Error()))
	}
	defer remove()
	res.Dev = devKind(dev)
	files, err := dirFiles(dir)
	if err != nil {
		res.Manifest = err.Error() + fmt.Sprintf(" (the files from %s on are not proved)", filepath.Base(dir.Files[len(files)].Up))
	}
	var bug *proof.Bug
	for i, f := range files {
		lf := LintFile{File: f.Name, Findings: []string{}}
		r, err := proof.Run(ctx, proof.Input{Lint: true, Dialect: env.Dialect, Dev: dev, Kind: res.Dev,
			Existing: files[:i], Plan: files[i : i+1], Policy: env.policy})
		switch {
		case errors.As(err, &bug):
			lf.Findings = append(lf.Findings, redact.MaskPassword(bug.Check+" ("+bug.File+"): "+bug.Err.Error()))
		case err != nil:
			return nil, err
		case r.Skipped != "":
			lf.Findings = append(lf.Findings, r.Skipped)
		}
		if r != nil {
			lf.SampleRows, lf.Checks, lf.Notes = r.SampleRows, r.Checks, r.Notes
			lf.Findings = append(lf.Findings, r.Findings...)
		}
		res.Files = append(res.Files, lf)
	}
	res.Clean = res.Manifest == "" && len(res.History) == 0
	for _, f := range res.Files {
		res.Clean = res.Clean && len(f.Findings) == 0
	}
	return res, nil
}
