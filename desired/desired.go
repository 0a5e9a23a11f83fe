package desired

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/features"
	"github.com/mxmigrate/mxmigrate/schema"
)

// Options shape the target schema.
type Options struct {
	TablePrefix string
	Naming      schema.Convention
	// Names is the dialect's namer: every physical name goes through it
	// (nil: no limit).
	Names schema.Namer
	// InjectPrimaryKey and InjectIndex add a composite primary key / index on
	// Key's columns.
	InjectPrimaryKey bool
	InjectIndex      bool
	// Key lists the injected key's columns, "{id_columns}" standing for the
	// feature's id columns; nil: config.DefaultKey (id columns,
	// metaxy_created_at, metaxy_data_version).
	Key []string
	// Project selects the features of one project; AllProjects takes all.
	Project     string
	AllProjects bool
	// ColumnTypes overrides column types per feature key and column.
	ColumnTypes map[string]map[string]schema.Type
	// Reserved are tables feature tables must not be (the store's system
	// and migrations tables), by physical name, saying what each is.
	Reserved map[string]string
}

// Result is a target schema plus the warnings met while deriving it.
type Result struct {
	Schema   *schema.Schema
	Warnings []string
	seen     map[string]string // checkNames' own, cleared per table
	// shared holds one value of each column the feature tables have;
	// scratch is the buffer featureTable builds a table's columns in.
	shared  schema.SharedColumns
	scratch []schema.Column
}

// System tables' base names (before the prefix).
const (
	FeatureVersionsTable = "metaxy_system__feature_versions"
	EventsTable          = "metaxy_system__events"
)

// SystemTable is the physical name of a system table (FeatureVersionsTable,
// EventsTable) in a store: prefix + base, kept the way the database keeps it.
func SystemTable(o Options, base string) string {
	return o.namer().Physical(schema.MetaxyName, o.TablePrefix+base)
}

// System returns Metaxy's two system tables (SPEC section 5.1).
// It is long because it spells out both tables' columns, keys and indexes, as
// Metaxy declares them.
func System(o Options) (*Result, error) {
	r := &Result{Schema: &schema.Schema{}}
	v := func(n string) *schema.Column { return &schema.Column{Name: n, Type: schema.String, Nullable: true} }
	nn := func(c *schema.Column) *schema.Column { c.Nullable = false; return c }
	ts := func(n string) *schema.Column { return &schema.Column{Name: n, Type: schema.Timestamp, Nullable: true} }

	fv := &schema.Table{Name: o.TablePrefix + FeatureVersionsTable,
		Columns: []*schema.Column{
			nn(v("project")), nn(v("feature_key")), nn(v("metaxy_definition_version")),
			v("metaxy_feature_version"), v("metaxy_project_version"), ts("recorded_at"),
			v("feature_spec"), v("feature_schema"), v("feature_class_path"), v("tags"), ts("deleted_at"),
		}}
	ev := &schema.Table{Name: o.TablePrefix + EventsTable,
		Columns: []*schema.Column{
			nn(v("project")), nn(v("execution_id")), nn(ts("timestamp")),
			v("event_type"), v("feature_key"), v("payload"),
		}}
	specs := []struct {
		t      *schema.Table
		pk     []string
		single []string
		lookup []string
	}{
		{fv, []string{"project", "feature_key", "metaxy_definition_version"},
			[]string{"project", "feature_key", "metaxy_feature_version", "metaxy_project_version", "recorded_at"},
			[]string{"project", "feature_key", "metaxy_feature_version"}},
		{ev, []string{"project", "execution_id", "timestamp"},
			[]string{"project", "execution_id", "event_type", "feature_key"},
			[]string{"project", "execution_id", "event_type"}},
	}
	for _, s := range specs {
		if err := r.checkNames(s.t, o.namer(), "system table"); err != nil {
			return nil, err
		}
		pk, err := constraintName(o, o.Naming.PK, s.t.Name, s.pk, "")
		if err != nil {
			return nil, err
		}
		s.t.PrimaryKey = &schema.PrimaryKey{Name: pk, Columns: s.pk}
		for _, c := range s.single {
			name, err := constraintName(o, o.Naming.IX, s.t.Name, []string{c}, "")
			if err != nil {
				return nil, err
			}
			s.t.Indexes = append(s.t.Indexes, &schema.Index{Name: name, Columns: []string{c}})
		}
		lookup := "idx_" + s.t.Name + "_lookup"
		if strings.Contains(o.Naming.IX, "%(constraint_name)s") {
			if lookup, err = constraintName(o, o.Naming.IX, s.t.Name, s.lookup, lookup); err != nil {
				return nil, err
			}
		}
		s.t.Indexes = append(s.t.Indexes, &schema.Index{Name: o.namer().Physical(schema.OwnName, lookup), Columns: s.lookup})
		r.Schema.Tables = append(r.Schema.Tables, s.t)
	}
	if o.namer().Fold(fv.Name) == o.namer().Fold(ev.Name) {
		return nil, fmt.Errorf("table_prefix %q is too long for this database: the system tables %s and %s both become %q (it keeps %d bytes of a name); use a prefix of at most %d bytes",
			o.TablePrefix, FeatureVersionsTable, EventsTable, fv.Name, o.namer().Limit(), o.namer().Limit()-len(FeatureVersionsTable))
	}
	r.Schema.Sort()
	return r, nil
}

func constraintName(o Options, tmpl, table string, cols []string, explicit string) (string, error) {
	n, err := schema.Name(tmpl, table, cols, explicit)
	if err != nil {
		return "", err
	}
	return o.namer().Physical(schema.OwnName, n), nil
}

// uniqueRelations refuses two indexes or keys with one name, or one named
// like a table: index and constraint names are unique per schema (and on
// PostgreSQL share the namespace of tables), so such a plan would only fail
// when applied. A naming convention such as ix = "ix_%(column_0_name)s" does
// that.
func uniqueRelations(s *schema.Schema, names schema.Namer) error {
	owner := map[string]string{}
	for _, t := range s.Tables {
		owner[names.Fold(t.Name)] = "table " + t.Name
	}
	claim := func(name, what string) error {
		k := names.Fold(name)
		if prev, ok := owner[k]; ok {
			return fmt.Errorf("%s and %s have one name, %q, where the database needs distinct ones: change ext.mxmigrate.naming_convention so that it includes %%(table_name)s", prev, what, name)
		}
		owner[k] = what
		return nil
	}
	for _, t := range s.Tables {
		if t.PrimaryKey != nil && t.PrimaryKey.Name != "" {
			if err := claim(t.PrimaryKey.Name, "the primary key of "+t.Name); err != nil {
				return err
			}
		}
		for _, ix := range t.Indexes {
			if err := claim(ix.Name, "index "+ix.Name+" of "+t.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

// TableName is the feature table's name: prefix + key parts joined by "__",
// with "-" replaced by "_".
func TableName(prefix, key string) string {
	return prefix + strings.ReplaceAll(strings.ReplaceAll(key, "/", "__"), "-", "_")
}

// Features returns one table per selected feature (SPEC section 5.2): the
// tables of FeatureTables filtered and constrained by Select.
func Features(set *features.Set, o Options) (*Result, error) {
	r, err := FeatureTables(set, o)
	if err != nil {
		return nil, err
	}
	s, err := selectTables(r.Schema, o, false)
	if err != nil {
		return nil, err
	}
	if err := uniqueRelations(s, o.namer()); err != nil {
		return nil, err
	}
	return &Result{Schema: s, Warnings: r.Warnings}, nil
}

// FeatureTables returns the table of every feature in set, of every project,
// without primary key or index: the "source metadata" that Select filters.
// Equal columns are one value the tables share: clone a table before
// changing it (Select does).
func FeatureTables(set *features.Set, o Options) (*Result, error) {
	r := &Result{Schema: &schema.Schema{}, shared: schema.SharedColumns{}}
	owner := map[string]*features.Feature{}
	reserved := make(map[string]string, len(o.Reserved))
	for name, what := range o.Reserved {
		reserved[o.namer().Fold(name)] = what
	}
	for _, f := range set.Features {
		t, err := r.featureTable(f, o)
		if err != nil {
			return nil, err
		}
		key := o.namer().Fold(t.Name)
		if prev, ok := owner[key]; ok {
			return nil, fmt.Errorf("features %s (%s, project %s) and %s (%s, project %s) map to the same table %q",
				prev.Key, prev.Source, prev.Project, f.Key, f.Source, f.Project, t.Name)
		}
		if what, ok := reserved[key]; ok {
			return nil, fmt.Errorf("feature %s (%s, project %s) maps to table %q, which is %s: mxmigrate will not manage it as a feature table; rename the feature key",
				f.Key, f.Source, f.Project, t.Name, what)
		}
		owner[key] = f
		r.Schema.Tables = append(r.Schema.Tables, t)
	}
	r.Schema.Sort()
	sort.Strings(r.Warnings)
	return r, nil
}

// Select keeps the feature tables of o.Project (all with o.AllProjects) and
// adds the injected primary key and index. source is not modified.
func Select(source *schema.Schema, o Options) (*schema.Schema, error) {
	return selectTables(source, o, true)
}

// selectTables is Select; clone=false reuses source's tables (for callers
// that own them).
func selectTables(source *schema.Schema, o Options, clone bool) (*schema.Schema, error) {
	if !o.AllProjects && o.Project == "" {
		return nil, fmt.Errorf("no project: set `project = \"...\"` in metaxy.toml, or pass --project P or --all-projects")
	}
	out := &schema.Schema{}
	owner := map[string]string{}
	for _, st := range source.Tables {
		if !o.AllProjects && st.Project != o.Project {
			continue
		}
		t := st
		if clone {
			// a source built without this dialect's Namer: make its
			// names physical as FeatureTables would have
			t = st.Clone()
			if err := (&Result{}).checkNames(t, o.namer(), "feature "+t.FeatureKey); err != nil {
				return nil, err
			}
			for i, id := range t.IDColumns {
				t.IDColumns[i] = o.namer().Physical(schema.MetaxyName, id)
			}
		}
		if prev, dup := owner[t.Name]; dup {
			return nil, fmt.Errorf("features %s and %s map to the same table %q", prev, t.FeatureKey, t.Name)
		}
		owner[t.Name] = t.FeatureKey
		t.PrimaryKey, t.Indexes = nil, nil
		if err := inject(t, o); err != nil {
			return nil, err
		}
		out.Tables = append(out.Tables, t)
	}
	out.Sort()
	return out, nil
}

// inject adds the primary key and index SPEC section 5.2 describes.
func inject(t *schema.Table, o Options) error {
	if !o.InjectPrimaryKey && !o.InjectIndex {
		return nil
	}
	keyCols, err := keyColumns(t, o)
	if err != nil {
		return fmt.Errorf("feature %s: %w", t.FeatureKey, err)
	}
	if o.InjectPrimaryKey {
		name, err := constraintName(o, o.Naming.PK, t.Name, keyCols, "")
		if err != nil {
			return fmt.Errorf("feature %s: %w", t.FeatureKey, err)
		}
		t.PrimaryKey = &schema.PrimaryKey{Name: name, Columns: keyCols}
	}
	if o.InjectIndex {
		name, err := constraintName(o, o.Naming.IX, t.Name, keyCols, "")
		if err != nil {
			return fmt.Errorf("feature %s: %w", t.FeatureKey, err)
		}
		t.Indexes = append(t.Indexes, &schema.Index{Name: name, Columns: keyCols})
	}
	return nil
}

// keyColumns resolves o.Key (or the default) for table t: the id columns in
// place of "{id_columns}", each column present and, for a primary key,
// non-null; no JSON column (PostgreSQL's json has no ordering).
func keyColumns(t *schema.Table, o Options) ([]string, error) {
	key := o.Key
	if key == nil {
		key = config.DefaultKey
	}
	var cols []string
	for _, k := range key {
		if k == config.IDColumns {
			cols = append(cols, t.IDColumns...)
			continue
		}
		name := o.namer().Physical(schema.MetaxyName, k)
		c := t.Column(name)
		switch {
		case c == nil:
			return nil, fmt.Errorf("ext.mxmigrate.key names column %q, which table %s does not have", k, t.Name)
		case c.Nullable && o.InjectPrimaryKey:
			return nil, fmt.Errorf("ext.mxmigrate.key names column %q, which is nullable: a primary key column cannot be", k)
		case c.Type == schema.JSON:
			return nil, fmt.Errorf("ext.mxmigrate.key names column %q, of type json: keys and indexes need an orderable type", k)
		}
		cols = append(cols, name)
	}
	seen := map[string]bool{}
	for _, c := range cols {
		if seen[c] {
			return nil, fmt.Errorf("ext.mxmigrate.key holds column %q twice (an id column named again?)", c)
		}
		seen[c] = true
	}
	return cols, nil
}

func (r *Result) featureTable(f *features.Feature, o Options) (*schema.Table, error) {
	user, err := f.UserColumns(o.ColumnTypes[f.Key])
	if err != nil {
		return nil, err
	}
	t := &schema.Table{Name: TableName(o.TablePrefix, f.Key), FeatureKey: f.Key, Project: f.Project}
	// the columns are built in a buffer the tables share, then each is
	// replaced by the one value of its name, type and nullability (Metaxy's
	// system columns are in every table); a table's few id columns are
	// found in its user columns by a scan, not a map per table (10,000
	// tables)
	cols := r.scratch[:0]
	for _, id := range f.IDColumns {
		typ := schema.String
		if i := slices.IndexFunc(user, func(c features.Column) bool { return c.Name == id }); i >= 0 {
			typ = user[i].Type
		} else if ot, ok := o.ColumnTypes[f.Key][id]; ok {
			typ = ot
		}
		cols = append(cols, schema.Column{Name: id, Type: typ, Nullable: false})
	}
	for _, c := range user {
		if !slices.Contains(f.IDColumns, c.Name) {
			cols = append(cols, schema.Column{Name: c.Name, Type: c.Type, Nullable: c.Nullable})
		}
	}
	for _, c := range features.SystemColumns {
		cols = append(cols, schema.Column{Name: c.Name, Type: c.Type, Nullable: c.Nullable})
	}
	r.scratch = cols
	t.Columns = make([]*schema.Column, len(cols))
	for i := range cols {
		t.Columns[i] = &cols[i]
	}
	if err := r.checkNames(t, o.namer(), "feature "+f.Key); err != nil {
		return nil, err
	}
	for i, c := range t.Columns {
		t.Columns[i] = r.shared.Share(*c) // columns are never written in place (schema.Column)
	}
	for _, id := range f.IDColumns {
		t.IDColumns = append(t.IDColumns, o.namer().Physical(schema.MetaxyName, id))
	}
	return t, nil
}

func (o Options) namer() schema.Namer {
	if o.Names == nil {
		return schema.ByteLimit(0)
	}
	return o.Names
}

// MigrationsTable is the physical name of an environment's migrations table:
// the configured name, which must fit the dialect's limit, or by default
// <table_prefix>schema_migrations_<target>, shortened with a hash when it
// does not fit (truncating would give both targets one table).
func MigrationsTable(names schema.Namer, name string, configured bool) (string, error) {
	if names == nil {
		names = schema.ByteLimit(0)
	}
	if configured && names.Limit() > 0 && len(name) > names.Limit() {
		return "", fmt.Errorf("migrations_table %q is %d bytes; the database keeps %d: choose a shorter name", name, len(name), names.Limit())
	}
	return names.Physical(schema.OwnName, name), nil
}

// checkNames applies the dialect's identifier limit to table and column names
// the way the database stores them (truncation, never hashing: Metaxy queries
// these names), warning when it does, and rejects names that collide. It
// renames t's columns in place: they must be t's own, not shared.
func (r *Result) checkNames(t *schema.Table, names schema.Namer, what string) error {
	limit := names.Limit()
	if short := names.Physical(schema.MetaxyName, t.Name); short != t.Name {
		r.Warnings = append(r.Warnings, fmt.Sprintf("%s: table name %q is longer than %d bytes; the database keeps %q", what, t.Name, limit, short))
		t.Name = short
	}
	if r.seen == nil {
		r.seen = map[string]string{}
	}
	seen := r.seen
	clear(seen)
	for _, c := range t.Columns {
		if err := schema.CheckName(c.Name); err != nil {
			return fmt.Errorf("%s: column %w", what, err)
		}
		orig := c.Name
		if short := names.Physical(schema.MetaxyName, c.Name); short != c.Name {
			c.Name = short
			r.Warnings = append(r.Warnings, fmt.Sprintf("%s: column name %q is longer than %d bytes; the database keeps %q", what, orig, limit, c.Name))
		}
		key := names.Fold(c.Name)
		if prev, ok := seen[key]; ok {
			if prev == orig {
				return fmt.Errorf("%s: column %q is defined twice", what, orig)
			}
			if names.Fold(prev) == names.Fold(orig) && prev != orig {
				return fmt.Errorf("%s: columns %q and %q differ only in case, and this database compares names without case", what, prev, orig)
			}
			return fmt.Errorf("%s: columns %q and %q both become %q in the database", what, prev, orig, c.Name)
		}
		seen[key] = orig
	}
	return nil
}

// Scope returns the tables an environment may touch: the target's tables and
// the tables the environment's own migrations created (managed). Nothing else
// is ever in scope.
func Scope(target *schema.Schema, managed []string) []string {
	seen := make(map[string]bool, len(target.Tables)+len(managed))
	var out []string
	for _, t := range target.Tables {
		if !seen[t.Name] {
			seen[t.Name] = true
			out = append(out, t.Name)
		}
	}
	for _, m := range managed {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out
}
