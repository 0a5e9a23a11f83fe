package mxmigrate

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/schema"
)

// inputs is an environment resolved for a plan, the pipeline's first stage
// (prepare): its verified migrations directory and the database being
// opened meanwhile; derive adds the target. The later stages are functions
// of it and of each other's results.
type inputs struct {
	p   *Project
	env *Env
	o   TargetOptions
	dir *generator.Dir
	// target is the environment's target, shaped by the dialect; empty,
	// when the feature target has no table, says where definitions were
	// looked for.
	target *schema.Schema
	empty  string
	opened opening
	clock  *stopwatch
}

// prepare reads and verifies env's migrations directory, then starts
// opening its database in the background (DuckDB loads its whole catalog
// when it opens a file) while the target is derived.
func (p *Project) prepare(ctx context.Context, env *Env, o TargetOptions) (*inputs, error) {
	clock := newStopwatch()
	dir, err := p.readDir(env)
	if err != nil {
		return nil, err
	}
	clock.lap("read and verify " + p.rel(env.Dir))
	env = p.complete(env)
	// the tables the directory manages, and the migrations table, are read
	// while the target is derived (introspect reads what the target adds)
	early := append(dir.Managed(), env.MigrationsTable)
	return &inputs{p: p, env: env, o: o, dir: dir, opened: openAsync(ctx, env.Conn, p.ExitSoon, env.Dialect, early), clock: clock}, nil
}

// readDir reads and verifies the environment's migrations directory.
func (p *Project) readDir(env *Env) (*generator.Dir, error) {
	dir, err := generator.ReadDir(env.Dir)
	if err != nil {
		return nil, err
	}
	return dir, p.verify(dir, env)
}

// verify checks dir against its mxmigrate.sum and env's identity.
func (p *Project) verify(dir *generator.Dir, env *Env) error {
	suggested := filepath.Join(p.rel(p.Config.Mx.Dir), env.Store.Name, strings.TrimPrefix(env.Target, "metaxy_"))
	return dir.Verify(env.Identity(), env.Name, suggested, "mxmigrate rehash -n "+env.Name)
}
