package mxmigrate

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/features"
	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/schema"
	"github.com/mxmigrate/mxmigrate/stores"
	"github.com/mxmigrate/mxmigrate/target"
)

// Version is mxmigrate's version, written into every generated file.
const Version = "0.1.0"

// Project is a loaded Metaxy configuration.
type Project struct {
	Config *config.Config
	// Warn receives warnings (stderr by default).
	Warn io.Writer
}

// Load discovers and reads metaxy.toml, printing its warnings to warn.
func Load(opts config.Options, warn io.Writer) (*Project, error) {
	if warn == nil {
		warn = os.Stderr
	}
	c, err := config.Load(opts)
	if err != nil {
		return nil, err
	}
	p := &Project{Config: c, Warn: warn}
	for _, w := range c.Warnings {
		p.warnf("%s", w)
	}
	return p, nil
}

func (p *Project) warnf(format string, args ...any) {
	fmt.Fprintf(p.Warn, "warning: "+format+"\n", args...)
}

// TargetOptions select and shape the target schema.
type TargetOptions struct {
	// Project overrides the configured project; AllProjects takes every project.
	Project     string
	AllProjects bool
	// DefinitionsFromStore reads feature definitions from that store's
	// feature_versions table ("." or the environment's own store name for itself).
	DefinitionsFromStore string
	// InjectPrimaryKey and InjectIndex override [ext.sqlalchemy] when set.
	InjectPrimaryKey *bool
	InjectIndex      *bool
}

// Features merges the feature definitions: lock file, then definition files,
// then (optionally) the store, later sources winning.
func (p *Project) Features(ctx context.Context, env *config.Environment, o TargetOptions) (*features.Set, error) {
	c := p.Config
	lock, err := features.LoadLockFile(c.LockPath, c.Project)
	if err != nil {
		return nil, err
	}
	sources := []features.Source{{Name: c.LockPath, Features: lock}}
	defs, err := features.LoadDefinitionFiles(c.Mx.Definitions, c.Project)
	if err != nil {
		return nil, err
	}
	sources = append(sources, defs...)
	if o.DefinitionsFromStore != "" {
		name := o.DefinitionsFromStore
		if name == "." {
			name = env.Store.Name
		}
		rows, src, err := p.storeRows(ctx, name)
		if err != nil {
			return nil, err
		}
		fs, err := features.FromStoreRows(src, rows)
		if err != nil {
			return nil, err
		}
		sources = append(sources, features.Source{Name: src, Features: fs})
	}
	set, err := features.Merge(sources...)
	if err != nil {
		return nil, err
	}
	for _, w := range set.Warnings {
		p.warnf("%s", w)
	}
	return set, nil
}

func (p *Project) storeRows(ctx context.Context, storeName string) ([]features.StoreRow, string, error) {
	envs, err := p.Config.Environments(storeName + ":" + config.TargetSystem)
	if err != nil {
		return nil, "", fmt.Errorf("--definitions-from-store: %w", err)
	}
	st := envs[0].Store
	d, err := stores.Lookup(st)
	if err != nil {
		return nil, "", err
	}
	h, err := d.Open(ctx, st)
	if err != nil {
		return nil, "", err
	}
	defer h.Close()
	table := st.TablePrefix + target.FeatureVersionsTable
	src := fmt.Sprintf("store %s (%s)", st.Name, table)
	s, err := d.Introspect(ctx, h, []string{table})
	if err != nil {
		return nil, "", err
	}
	if s.Table(table) == nil {
		return nil, "", fmt.Errorf("--definitions-from-store: %s has no table %s (run `mxmigrate up -n %s:%s` and `metaxy push` first)", st.Name, table, st.Name, config.TargetSystem)
	}
	q := "SELECT project, feature_key, metaxy_definition_version, CAST(recorded_at AS VARCHAR), feature_spec, feature_schema, feature_class_path, CAST(deleted_at AS VARCHAR) FROM " + d.Quote(table)
	rows, err := h.QueryContext(ctx, q)
	if err != nil {
		return nil, "", fmt.Errorf("read %s: %w", src, err)
	}
	defer rows.Close()
	var out []features.StoreRow
	for rows.Next() {
		var r features.StoreRow
		var def, rec, spec, sch, cls, del *string
		if err := rows.Scan(&r.Project, &r.FeatureKey, &def, &rec, &spec, &sch, &cls, &del); err != nil {
			return nil, "", fmt.Errorf("read %s: %w", src, err)
		}
		r.DefinitionVersion, r.RecordedAt, r.FeatureSpec, r.FeatureSchema, r.ClassPath = deref(def), deref(rec), deref(spec), deref(sch), deref(cls)
		r.DeletedAt = del
		out = append(out, r)
	}
	return out, src, rows.Err()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// targetOptions resolves target options against the configuration.
func (p *Project) targetOptions(env *config.Environment, d stores.Dialect, o TargetOptions) target.Options {
	c := p.Config
	to := target.Options{
		TablePrefix:      env.Store.TablePrefix,
		Naming:           c.Mx.Naming,
		NameLimit:        d.NameLimit(),
		InjectPrimaryKey: c.SQLAlchemy.InjectPrimaryKey,
		InjectIndex:      c.SQLAlchemy.InjectIndex,
		Project:          c.Project,
		AllProjects:      o.AllProjects,
		ColumnTypes:      c.Mx.ColumnTypes,
	}
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

// Target derives the environment's target schema.
func (p *Project) Target(ctx context.Context, env *config.Environment, o TargetOptions) (*schema.Schema, error) {
	d, err := stores.Lookup(env.Store)
	if err != nil {
		return nil, err
	}
	to := p.targetOptions(env, d, o)
	c := p.Config
	var r *target.Result
	if env.Target == config.TargetSystem {
		r, err = target.System(to)
	} else {
		if !to.AllProjects && to.Project == "" {
			return nil, fmt.Errorf("%s: no project: set `project = \"...\"` in metaxy.toml, or pass --project P or --all-projects", c.Path)
		}
		var set *features.Set
		if set, err = p.Features(ctx, env, o); err != nil {
			return nil, err
		}
		r, err = target.Features(set, to)
	}
	if err != nil {
		return nil, err
	}
	for _, w := range r.Warnings {
		p.warnf("%s", w)
	}
	return r.Schema, nil
}

// rel shows a path relative to the configuration's directory when it is inside it.
func (p *Project) rel(path string) string {
	if r, err := filepath.Rel(p.Config.Dir, path); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return path
}

func (p *Project) readDir(env *config.Environment, d stores.Dialect) (*generator.Dir, error) {
	dir, err := generator.ReadDir(env.Dir)
	if err != nil {
		return nil, err
	}
	suggested := filepath.Join(p.rel(p.Config.Mx.Dir), env.Store.Name, strings.TrimPrefix(env.Target, "metaxy_"))
	if err := dir.Verify(generator.Identity{Dialect: d.Name(), TablePrefix: env.Store.TablePrefix}, env.Name, suggested,
		"mxmigrate rehash -n "+env.Name); err != nil {
		return nil, err
	}
	return dir, nil
}
