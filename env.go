package mxmigrate

import (
	"fmt"
	"path/filepath"
	"sort"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/stores"
	"github.com/mxmigrate/mxmigrate/target"
)

// Env is one environment ("<store>:<target>") resolved once per command:
// everything later steps need, so that none of them looks anything up again.
type Env struct {
	// Name is "<store>:<target>".
	Name string
	// Target is config.TargetSystem or config.TargetFeatures.
	Target string
	// Store is the store's configuration; Conn is it parsed by its dialect.
	Store   *config.Store
	Dialect stores.Dialect
	Conn    stores.Store
	// Dir is the migrations directory, absolute.
	Dir string
	// MigrationsTable is golang-migrate's table for this environment, as the
	// database keeps it (through the dialect's Namer).
	MigrationsTable string
}

// Identity is what the environment's directory records about whom its DDL is for.
func (e *Env) Identity() generator.Identity {
	return generator.Identity{Dialect: e.Dialect.Name(), TablePrefix: e.Store.TablePrefix}
}

// Environments resolves -n NAME: "<store>:<target>", "<store>" (both targets,
// system first), "<target>" or "" (the default store). A name that denotes no
// store or target is an error wrapping config.ErrUnknownEnvironment.
func (p *Project) Environments(name string) ([]*Env, error) {
	envs, err := p.Config.Environments(name)
	if err != nil {
		return nil, err
	}
	out := make([]*Env, 0, len(envs))
	for _, e := range envs {
		if err := p.checkOwnDir(e); err != nil {
			return nil, err
		}
		r, err := resolve(e)
		if err != nil {
			return nil, err
		}
		if err := p.checkOwnTable(r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Environment resolves a name that must denote exactly one environment.
func (p *Project) Environment(name string) (*Env, error) {
	e, err := p.Config.Environment(name)
	if err != nil {
		return nil, err
	}
	if err := p.checkOwnDir(e); err != nil {
		return nil, err
	}
	r, err := resolve(e)
	if err != nil {
		return nil, err
	}
	return r, p.checkOwnTable(r)
}

// checkOwnTable refuses a migrations table that is the other target's
// migrations table or a system table of the same store (as the database
// compares names): two environments recording versions in one table skip
// each other's migrations.
func (p *Project) checkOwnTable(env *Env) error {
	other := config.TargetSystem
	if env.Target == config.TargetSystem {
		other = config.TargetFeatures
	}
	fold := env.Dialect.Fold
	clash := map[string]string{}
	if o, err := p.Config.Environment(env.Store.Name + ":" + other); err == nil {
		if t, err := target.MigrationsTable(env.Dialect, o.MigrationsTable, o.MigrationsTableSet); err == nil {
			clash[fold(t)] = "the migrations table of " + o.Name
		}
	}
	to := target.Options{TablePrefix: env.Store.TablePrefix, Names: env.Dialect}
	for _, base := range []string{target.FeatureVersionsTable, target.EventsTable} {
		clash[fold(target.SystemTable(to, base))] = "Metaxy's system table " + base
	}
	if what, ok := clash[fold(env.MigrationsTable)]; ok {
		return fmt.Errorf("%s: its migrations table %q is also %s; give each environment its own ([ext.mxmigrate.environments.%q] migrations_table = \"...\")",
			env.Name, env.MigrationsTable, what, env.Name)
	}
	return nil
}

// checkOwnDir refuses a directory that an environment of the other target
// uses too (configured so, or through a symbolic link): system and feature
// migrations are numbered and tracked apart, and one directory cannot hold
// both. Stores of one target may share a directory (the same DDL for dev
// and prod); mxmigrate.sum refuses it for a store of another dialect or prefix.
func (p *Project) checkOwnDir(e *config.Environment) error {
	mine := realPath(e.Dir)
	names := make([]string, 0, len(p.Config.Stores))
	for n := range p.Config.Stores {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		others, err := p.Config.Environments(n)
		if err != nil {
			continue
		}
		for _, o := range others {
			if o.Target != e.Target && realPath(o.Dir) == mine {
				return fmt.Errorf("%s and %s both use the migrations directory %s; each target needs its own: set [ext.mxmigrate.environments.%q] dir = \"...\"",
					e.Name, o.Name, e.Dir, e.Name)
			}
		}
	}
	return nil
}

// realPath resolves symbolic links in p, as far as the path exists.
func realPath(p string) string {
	p = filepath.Clean(p)
	rest := ""
	for {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(r, rest)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return filepath.Join(p, rest)
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
}

func resolve(e *config.Environment) (*Env, error) {
	d, err := stores.ForStore(e.Store)
	if err != nil {
		return nil, err
	}
	conn, err := d.Configure(e.Store)
	if err != nil {
		return nil, err
	}
	table, err := target.MigrationsTable(d, e.MigrationsTable, e.MigrationsTableSet)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.Name, err)
	}
	return &Env{Name: e.Name, Target: e.Target, Store: e.Store, Dialect: d, Conn: conn, Dir: e.Dir, MigrationsTable: table}, nil
}
