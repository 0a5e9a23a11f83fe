package mxmigrate

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/desired"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/schema"
)

// Env is one environment ("<store>:<target>") resolved once per command:
// everything later steps need, so that none of them looks anything up again.
// Environment and Environments make them; an Env built by hand from its
// exported fields gets the rest derived from the configuration on first use.
type Env struct {
	// Name is "<store>:<target>".
	Name string
	// Target is config.TargetSystem or config.TargetFeatures.
	Target string
	// Store is the store's configuration; Conn is it parsed by its dialect.
	Store   *config.Store
	Dialect dialect.Dialect
	Conn    dialect.Store
	// Dir is the migrations directory, absolute.
	Dir string
	// MigrationsTable is golang-migrate's table for this environment, as the
	// database keeps it (through the dialect's Namer).
	MigrationsTable string
	// DevURL is the dev database generate proves plans on ("": the
	// dialect's default; docs/proof.md).
	DevURL string
	// DefinitionsFromStore is [ext.mxmigrate] definitions_from_store for
	// this environment ("": none; ".": its own store), which the flags of
	// TargetOptions override.
	DefinitionsFromStore string

	// tables are the store's tables mxmigrate manages apart from feature
	// tables (storeTables); names are the target's options from the
	// configuration (prefix, naming, injected key, project), which a
	// command's TargetOptions override; policy is what to do with objects
	// mxmigrate did not create.
	tables   []managedTable
	names    desired.Options
	policy   diff.Policy
	resolved bool
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
		r, err := p.resolve(e)
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
	return p.resolve(e)
}

// resolve makes an Env of a configured environment: its dialect, the store
// parsed by it, the physical migrations table, and the checks that its
// directory and its migrations table are its own.
func (p *Project) resolve(e *config.Environment) (*Env, error) {
	if err := p.checkOwnDir(e); err != nil {
		return nil, err
	}
	d, err := dialect.ForStore(e.Store)
	if err != nil {
		return nil, err
	}
	settings, where, err := p.Config.Ext(d.Name())
	if err != nil {
		return nil, err
	}
	if d, err = d.Tune(settings, p.Config.Path+": "+where); err != nil {
		return nil, err
	}
	conn, err := d.Configure(e.Store)
	if err != nil {
		return nil, err
	}
	table, err := desired.MigrationsTable(d, e.MigrationsTable, e.MigrationsTableSet)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.Name, err)
	}
	env := &Env{Name: e.Name, Target: e.Target, Store: e.Store, Dialect: d, Conn: conn, Dir: e.Dir, MigrationsTable: table, DevURL: e.DevURL, DefinitionsFromStore: e.DefinitionsFromStore}
	env = p.complete(env)
	return env, checkOwnTable(env)
}

// complete is env with what the stages read derived from its store and the
// configuration: resolve does it once; an Env a library caller built by
// hand gets it on first use (a copy: env is not changed). Changing a
// resolved Env's fields does not derive it again.
func (p *Project) complete(env *Env) *Env {
	if env.resolved {
		return env
	}
	e := *env
	e.policy = p.policy(&e)
	e.names = p.targetNames(&e)
	e.tables = p.storeTables(&e)
	for _, t := range e.tables {
		e.names.Reserved[t.Name] = t.What
	}
	e.resolved = true
	return &e
}

// managedTable is a table of a store that mxmigrate manages apart from
// feature tables.
type managedTable struct {
	Name string // physical
	What string // "Metaxy's system table ...", "the migrations table of ..."
	Own  bool   // the environment's own migrations table
}

// storeTables lists the tables of env's store that mxmigrate manages apart
// from feature tables: Metaxy's two system tables and the migrations tables
// of both targets.
func (p *Project) storeTables(env *Env) []managedTable {
	var migrations []managedTable
	for _, t := range []string{config.TargetSystem, config.TargetFeatures} {
		if t == env.Target {
			migrations = append(migrations, managedTable{Name: env.MigrationsTable, What: "the migrations table of " + env.Name, Own: true})
		} else if o, err := p.Config.Environment(env.Store.Name + ":" + t); err == nil {
			if name, err := desired.MigrationsTable(env.Dialect, o.MigrationsTable, o.MigrationsTableSet); err == nil {
				migrations = append(migrations, managedTable{Name: name, What: "the migrations table of " + o.Name})
			}
		}
	}
	to := desired.Options{TablePrefix: env.Store.TablePrefix, Names: env.Dialect}
	return append([]managedTable{
		{Name: desired.SystemTable(to, desired.FeatureVersionsTable), What: "Metaxy's system table " + desired.FeatureVersionsTable},
		{Name: desired.SystemTable(to, desired.EventsTable), What: "Metaxy's system table " + desired.EventsTable},
	}, migrations...)
}

// checkOwnTable refuses a migrations table that is the other target's
// migrations table or a system table of the same store (as the database
// compares names): two environments recording versions in one table skip
// each other's migrations.
func checkOwnTable(env *Env) error {
	fold := env.Dialect.Fold
	for _, t := range env.tables {
		if !t.Own && fold(t.Name) == fold(env.MigrationsTable) {
			return fmt.Errorf("%s: its migrations table %q is also %s; give each environment its own ([ext.mxmigrate.environments.%q] migrations_table = \"...\")",
				env.Name, env.MigrationsTable, t.What, env.Name)
		}
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

// TargetOptions select and shape the target schema.
type TargetOptions struct {
	// Project overrides the configured project; AllProjects takes every project.
	Project     string
	AllProjects bool
	// DefinitionsFromStore reads feature definitions from that store's
	// feature_versions table ("." or the environment's own store name for
	// itself); "" leaves it to the configuration (Env.DefinitionsFromStore),
	// which NoDefinitionsFromStore turns off.
	DefinitionsFromStore   string
	NoDefinitionsFromStore bool
	// Renames are --rename's, physical: "TABLE.OLD=NEW" (a column),
	// "OLD=NEW" (a table); [ext.mxmigrate] renames come first.
	Renames []string
	// InjectPrimaryKey and InjectIndex override [ext.sqlalchemy] when set.
	InjectPrimaryKey *bool
	InjectIndex      *bool
}

// targetNames are the target's options as the configuration sets them, for
// env (resolve).
func (p *Project) targetNames(env *Env) desired.Options {
	c := p.Config
	to := desired.Options{
		TablePrefix:      env.Store.TablePrefix,
		Naming:           c.Mx.Naming,
		Names:            env.Dialect,
		InjectPrimaryKey: c.SQLAlchemy.InjectPrimaryKey,
		InjectIndex:      c.SQLAlchemy.InjectIndex,
		Project:          c.Project,
		ColumnTypes:      c.Mx.ColumnTypes,
		Key:              c.Mx.Key,
		Reserved:         map[string]string{}, // the store's own tables (complete)
	}
	return to
}

// targetOptions are env's target options with a command's overrides.
func (env *Env) targetOptions(o TargetOptions) desired.Options {
	to := env.names
	to.AllProjects = o.AllProjects
	if o.Project != "" {
		to.Project = o.Project
	}
	if o.InjectPrimaryKey != nil {
		to.InjectPrimaryKey = *o.InjectPrimaryKey
	}
	if o.InjectIndex != nil {
		to.InjectIndex = *o.InjectIndex
	}
	return to
}

// policy is the environment's policy for what mxmigrate did not create
// (decision 40): [ext.mxmigrate] manage_unknown and ignore, and which live
// indexes are mxmigrate's own (named by the naming convention for their
// columns, so that an index the target stops asking for is still dropped).
func (p *Project) policy(env *Env) diff.Policy {
	mx := &p.Config.Mx
	conv := mx.Naming
	names := env.Dialect
	return diff.Policy{
		Drop:   mx.ManageUnknown == config.ManageDrop,
		Ignore: mx.Ignored,
		Owned: func(table string, ix *schema.Index) bool {
			if ix.Unique || ix.Using != "" || len(ix.Columns) == 0 || slices.Contains(ix.Columns, "") {
				return false
			}
			n, err := schema.Name(conv.IX, table, ix.Columns, "")
			return err == nil && names.Fold(names.Physical(schema.OwnName, n)) == names.Fold(ix.Name)
		},
	}
}

// fromStore is the store whose feature_versions rows env's definitions are
// read from too ("": none; "." its own): the option's, else the
// configuration's unless NoDefinitionsFromStore.
func (o TargetOptions) fromStore(env *Env) string {
	switch {
	case o.DefinitionsFromStore != "":
		return o.DefinitionsFromStore
	case o.NoDefinitionsFromStore:
		return ""
	}
	return env.DefinitionsFromStore
}
