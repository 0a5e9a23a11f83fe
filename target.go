package mxmigrate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/desired"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/features"
	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/schema"
)

// derive is the pipeline's second stage: the environment's target, and the
// check that the directory's manifest claims no table the environment does
// not own.
func (in *inputs) derive(ctx context.Context) error {
	target, empty, err := in.p.target(ctx, in.env, in.o)
	if err == nil {
		in.clock.lap(fmt.Sprintf("derive target (%d tables)", len(target.Tables)))
		err = in.p.checkManaged(in.env, target, in.dir.Managed())
	}
	if err != nil {
		in.opened.discard()
		return err
	}
	in.target, in.empty = target, empty
	return nil
}

// Features merges the feature definitions: lock file, then definition files,
// then (optionally) the store, later sources winning.
func (p *Project) Features(ctx context.Context, env *Env, o TargetOptions) (*features.Set, error) {
	set, _, err := p.features(ctx, env, o)
	return set, err
}

// features is Features, also naming each source with its count of
// definitions (for the message about an empty target).
func (p *Project) features(ctx context.Context, env *Env, o TargetOptions) (*features.Set, []string, error) {
	c := p.Config
	lock, err := features.LoadLockFile(c.LockPath, c.Project)
	if err != nil {
		return nil, nil, err
	}
	sources := []features.Source{{Name: c.LockPath, Features: lock}}
	defs, err := features.LoadDefinitionFiles(c.Mx.Definitions, c.Project)
	if err != nil {
		return nil, nil, err
	}
	sources = append(sources, defs...)
	fromStore := o.fromStore(env)
	if fromStore != "" {
		name := fromStore
		if name == "." {
			name = env.Store.Name
		}
		rows, src, err := p.storeRows(ctx, name)
		if err != nil {
			return nil, nil, err
		}
		fs, err := features.FromStoreRows(src, rows)
		if err != nil {
			return nil, nil, err
		}
		sources = append(sources, features.Source{Name: src, Features: fs})
	}
	set, err := features.Merge(sources...)
	if err != nil {
		return nil, nil, err
	}
	for _, w := range set.Warnings {
		p.warnf("%s", w)
	}
	var looked []string
	for _, src := range sources {
		looked = append(looked, fmt.Sprintf("%s (%d)", p.rel(src.Name), len(src.Features)))
	}
	if _, err := os.Stat(c.LockPath); os.IsNotExist(err) {
		looked[0] = p.rel(c.LockPath) + " (no such file)"
	}
	if fromStore == "" {
		looked = append(looked, "not the store: --definitions-from-store or [ext.mxmigrate] definitions_from_store reads its feature_versions table")
	}
	return set, looked, nil
}

// emptyTarget says where the feature definitions were looked for when none
// is for the selected project(s), and how many other projects have.
func emptyTarget(set *features.Set, looked []string, to desired.Options) string {
	who := fmt.Sprintf("project %q", to.Project)
	if to.AllProjects {
		who = "any project"
	}
	s := fmt.Sprintf("0 feature definitions found for %s (looked in %s)", who, strings.Join(looked, "; "))
	if others := len(set.Features); others > 0 && !to.AllProjects {
		s += fmt.Sprintf("; %d found for other projects (--project P or --all-projects)", others)
	}
	return s
}

// storeRows reads the feature_versions table of a store (--definitions-from-store).
func (p *Project) storeRows(ctx context.Context, storeName string) ([]features.StoreRow, string, error) {
	env, err := p.Environment(storeName + ":" + config.TargetSystem)
	if err != nil {
		return nil, "", fmt.Errorf("--definitions-from-store: %w", err)
	}
	table := desired.SystemTable(env.targetOptions(TargetOptions{}), desired.FeatureVersionsTable)
	src := fmt.Sprintf("store %s (%s)", env.Store.Name, table)
	h, err := env.Conn.Open(ctx, dialect.OpenOptions{ReadOnly: true, ExitSoon: p.ExitSoon})
	if err != nil {
		return nil, "", err
	}
	defer h.Close()
	s, err := env.Dialect.Inspect(ctx, h, []string{table})
	if err != nil {
		return nil, "", err
	}
	if s.Table(table) == nil {
		return nil, "", fmt.Errorf("--definitions-from-store: %s has no table %s (run `mxmigrate up -n %s:%s` and `metaxy push` first)", env.Store.Name, table, env.Store.Name, config.TargetSystem)
	}
	cols := []string{"project", "feature_key", "metaxy_definition_version", "recorded_at", "feature_spec", "feature_schema", "feature_class_path", "deleted_at"}
	rows, err := env.Dialect.ReadText(ctx, h, table, cols)
	if err != nil {
		return nil, "", fmt.Errorf("read %s: %w", src, err)
	}
	out := make([]features.StoreRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, features.StoreRow{Project: deref(r[0]), FeatureKey: deref(r[1]), DefinitionVersion: deref(r[2]),
			RecordedAt: deref(r[3]), FeatureSpec: deref(r[4]), FeatureSchema: deref(r[5]), ClassPath: deref(r[6]), DeletedAt: r[7]})
	}
	return out, src, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Target derives the environment's target schema. Its tables share their
// equal columns (schema.Column): clone a table before changing it.
func (p *Project) Target(ctx context.Context, env *Env, o TargetOptions) (*schema.Schema, error) {
	s, _, err := p.target(ctx, p.complete(env), o)
	return s, err
}

// target is Target, also saying, when the feature target has no table,
// where definitions were looked for ("" otherwise).
func (p *Project) target(ctx context.Context, env *Env, o TargetOptions) (*schema.Schema, string, error) {
	to := env.targetOptions(o)
	empty := ""
	c := p.Config
	var (
		r   *desired.Result
		err error
	)
	if env.Target == config.TargetSystem {
		r, err = desired.System(to)
	} else {
		if !to.AllProjects && to.Project == "" {
			return nil, "", fmt.Errorf("%s: no project: set `project = \"...\"` in metaxy.toml, or pass --project P or --all-projects", c.Path)
		}
		var set *features.Set
		var looked []string
		if set, looked, err = p.features(ctx, env, o); err != nil {
			return nil, "", err
		}
		r, err = desired.Features(set, to)
		if err == nil && len(r.Schema.Tables) == 0 {
			empty = emptyTarget(set, looked, to)
			r.Warnings = append(r.Warnings, empty)
		}
	}
	if err != nil {
		return nil, "", err
	}
	warnings, notes, err := env.Dialect.Shape(r.Schema)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", env.Name, err)
	}
	r.Schema.ShareColumns()
	r.Warnings = append(r.Warnings, warnings...)
	for _, n := range notes {
		if p.Notes != nil {
			fmt.Fprintf(p.Notes, "%s: %s\n", env.Name, n)
		}
	}
	if n := keyNote(to, r.Schema); n != "" && p.Notes != nil && env.Target == config.TargetFeatures {
		fmt.Fprintf(p.Notes, "%s: %s\n", env.Name, n)
	}
	for _, w := range r.Warnings {
		p.warnf("%s", w)
	}
	return r.Schema, empty, nil
}

// keyNote says, for --verbose, which key the injected primary key and index
// of the feature tables have ("" when none was injected).
func keyNote(to desired.Options, s *schema.Schema) string {
	injected := false
	for _, t := range s.Tables {
		injected = injected || t.PrimaryKey != nil || len(t.Indexes) > 0
	}
	if !injected || !(to.InjectPrimaryKey || to.InjectIndex) {
		return ""
	}
	what := "index"
	switch {
	case to.InjectPrimaryKey && to.InjectIndex:
		what = "primary key and index"
	case to.InjectPrimaryKey:
		what = "primary key"
	}
	if to.Key == nil {
		return fmt.Sprintf("injected %s on (%s), the default; Metaxy's SQLModel integration uses (metaxy_feature_version, %s, metaxy_updated_at): set [ext.mxmigrate] key to match the Metaxy version you run",
			what, strings.Join(config.DefaultKey, ", "), config.IDColumns)
	}
	return fmt.Sprintf("injected %s on (%s), from [ext.mxmigrate] key", what, strings.Join(to.Key, ", "))
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
	for _, t := range env.tables {
		reserved[fold(t.Name)] = t.What
	}
	for _, m := range managed {
		if what, ok := reserved[fold(m)]; ok {
			return bad(m, what)
		}
	}
	return nil
}
