package mxmigrate

import (
	"fmt"

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
		r, err := resolve(e)
		if err != nil {
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
	return resolve(e)
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
