package mxmigrate

import (
	"fmt"
	"strings"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/desired"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/schema"
)

// renames are the renames the live tables need to be the target's under
// their new names: [ext.mxmigrate] renames (feature tables only; feature
// keys made physical), then --rename's (physical names).
func (in *inputs) renames(current, target *schema.Schema) ([]diff.Change, error) {
	env := in.env
	spec := diff.RenameSpec{Tables: map[string]string{}, Columns: map[string]map[string]string{}}
	if env.Target == config.TargetFeatures {
		byKey := map[string]string{}
		for _, t := range target.Tables {
			if t.FeatureKey != "" {
				byKey[t.FeatureKey] = t.Name
			}
		}
		rn := in.p.Config.Mx.Renames
		where := in.p.Config.Path + ": ext.mxmigrate.renames"
		for old, to := range rn.Features {
			t, ok := byKey[to]
			if !ok {
				in.p.warnf("%s.%q = %q: the definitions of %s have no feature %s: not renamed", where, old, to, env.Name, to)
				continue
			}
			spec.Tables[env.Dialect.Physical(schema.MetaxyName, desired.TableName(env.Store.TablePrefix, old))] = t
		}
		for key, cols := range rn.Columns {
			t, ok := byKey[key]
			if !ok {
				in.p.warnf("%s.%q: the definitions of %s have no feature %s: its columns are not renamed", where, key, env.Name, key)
				continue
			}
			spec.Columns[t] = map[string]string{}
			for old, to := range cols {
				if target.Table(t).Column(to) == nil {
					return nil, fmt.Errorf("%s.%q: feature %s has no column %s (a column is renamed to one its definition has)", where, key, key, to)
				}
				spec.Columns[t][old] = to
			}
		}
	}
	for _, r := range in.o.Renames {
		table, col, to, err := ParseRename(r)
		if err != nil {
			return nil, err
		}
		if col == "" {
			spec.Tables[table] = to
			continue
		}
		if spec.Columns[table] == nil {
			spec.Columns[table] = map[string]string{}
		}
		spec.Columns[table][col] = to
	}
	cs, warnings, err := diff.Renames(current, target, spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", env.Name, err)
	}
	for _, w := range warnings {
		in.p.warnf("%s: %s", env.Name, w)
	}
	return cs, nil
}

// ParseRename reads a --rename: "TABLE.OLD=NEW" renames column OLD of TABLE
// to NEW, "OLD=NEW" table OLD to NEW (column is then "").
func ParseRename(r string) (table, column, to string, err error) {
	from, to, ok := strings.Cut(r, "=")
	table, column, _ = strings.Cut(from, ".")
	if !ok || table == "" || to == "" || strings.HasSuffix(from, ".") || strings.Contains(to, ".") {
		return "", "", "", fmt.Errorf("--rename %q: write TABLE.OLD=NEW to rename a column, OLD=NEW to rename a table", r)
	}
	return table, column, to, nil
}
