package clickhouse

import (
	"fmt"
	"strings"

	"github.com/mxmigrate/mxmigrate/schema"
)

// byFieldColumns are Metaxy's per-field maps: Map(String, String) on ClickHouse.
var byFieldColumns = map[string]bool{"metaxy_provenance_by_field": true, "metaxy_data_version_by_field": true}

// defaultOrderBy is Metaxy's recommendation for feature tables.
var defaultOrderBy = []string{"metaxy_feature_version", "{id_columns}", "metaxy_updated_at"}

// Shape makes a target ClickHouse's: each type as ClickHouse reads it back
// (json as String unless json_type = "JSON", bytes as String, Metaxy's
// *_by_field as Map(String, String)), non-null where ClickHouse cannot wrap
// the type in Nullable, and every table a MergeTree-family table: feature
// tables with the configured engine, ORDER BY, PARTITION BY and SETTINGS,
// other tables (Metaxy's system tables) with MergeTree ordered by their key.
// Primary keys and indexes are dropped: the ORDER BY is the key.
func (d Dialect) Shape(s *schema.Schema) (warnings, notes []string, err error) {
	cfg := d.settings()
	injected := false
	used := map[string]bool{}
	for _, t := range s.Tables {
		what := "table " + t.Name
		if t.FeatureKey != "" {
			what = "feature " + t.FeatureKey
		}
		warnings = append(warnings, d.shapeColumns(t, what)...)
		var ts tableSettings
		var order []string
		if t.FeatureKey != "" {
			used[t.FeatureKey] = true
			ts = cfg.forFeature(t.FeatureKey)
			injected = injected || t.PrimaryKey != nil || len(t.Indexes) > 0
			spec := ts.orderBy
			if spec == nil {
				spec = defaultOrderBy
			}
			for _, e := range spec {
				if e == "{id_columns}" {
					order = append(order, t.IDColumns...)
				} else {
					order = append(order, e)
				}
			}
		} else if t.PrimaryKey != nil {
			order = append(order, t.PrimaryKey.Columns...)
		}
		if err := checkTableName(t, what, cfg, order); err != nil {
			return nil, nil, err
		}
		engine := ts.engine
		if engine == "" {
			engine = "MergeTree"
		}
		if cfg.cluster != "" {
			engine = replicated(engine)
		}
		t.Storage = &schema.Storage{Engine: engine, OrderBy: order, PartitionBy: ts.partitionBy, Settings: ts.settings}
		t.PrimaryKey, t.Indexes = nil, nil
	}
	if injected {
		notes = append(notes, "inject_primary_key and inject_index do not apply on ClickHouse: a MergeTree table's ORDER BY is its key (set it with ext.mxmigrate.clickhouse.order_by)")
	}
	if len(used) > 0 {
		// a feature environment: a section for no feature is a typo
		for _, k := range cfg.unusedFeatures(used) {
			warnings = append(warnings, fmt.Sprintf("%s.features.%q names no feature of this project: its settings apply to nothing", cfg.where, k))
		}
	}
	return warnings, notes, nil
}

// shapeColumns gives t's columns their types as ClickHouse reads them
// back, non-null where it cannot wrap the type in Nullable (a warning each).
// The tables share their columns (schema.Schema.ShareColumns): a column
// shaped is a new one.
func (d Dialect) shapeColumns(t *schema.Table, what string) (warnings []string) {
	cfg := d.settings()
	for i, col := range t.Columns {
		c := *col
		typ := c.Type
		if typ == schema.JSON && cfg.jsonType != "JSON" {
			typ = schema.String
		}
		if t.FeatureKey != "" && byFieldColumns[c.Name] {
			typ = schema.RawExact("Map(String, String)")
		}
		c.Type = d.NormalizeType(d.TypeSQL(typ))
		if sql := d.TypeSQL(c.Type); c.Nullable && !wrappable(sql) {
			c.Nullable = false
			warnings = append(warnings, fmt.Sprintf("%s: column %s is %s, which ClickHouse cannot make Nullable: it is created non-null (a missing value reads back empty)", what, c.Name, sql))
		}
		if c != *col {
			v := new(schema.Column) // not &c: c would be on the heap for every column
			*v = c
			t.Columns[i] = v
		}
	}
	return warnings
}

// checkTableName refuses a table name ClickHouse or a rebuild cannot have,
// and a sorting key the table cannot take (checkOrder).
func checkTableName(t *schema.Table, what string, cfg *settings, order []string) error {
	if n := fileNameLen(t.Name); n > maxTableFileName {
		return fmt.Errorf("%s: table name %s takes %d bytes as a ClickHouse file name (characters other than letters, digits and _ take 3), over the %d mxmigrate allows (ClickHouse refuses names past 209 bytes, file systems past 255, and a rebuild adds %d): use a shorter feature key or table_prefix",
			what, t.Name, n, maxTableFileName, len(rebuildSuffix))
	}
	if strings.HasSuffix(t.Name, rebuildSuffix) {
		return fmt.Errorf("%s: table %s ends with %s, which mxmigrate's table rebuilds use for their new table: rename the feature", what, t.Name, rebuildSuffix)
	}
	where := cfg.where + ".order_by"
	if t.FeatureKey != "" && cfg.features[t.FeatureKey].orderBy != nil {
		where = fmt.Sprintf("%s.features.%q.order_by", cfg.where, t.FeatureKey)
	}
	if err := checkOrder(t, order, what, where); err != nil {
		return err
	}
	return nil
}

// checkOrder refuses a sorting key naming a column the table lacks or a
// Nullable one (ClickHouse refuses nullable sorting keys by default).
func checkOrder(t *schema.Table, order []string, what, where string) error {
	seen := map[string]bool{}
	for _, name := range order {
		if seen[name] {
			return fmt.Errorf("%s: ORDER BY lists column %s twice (%s)", what, name, where)
		}
		seen[name] = true
		c := t.Column(name)
		if c == nil {
			var names []string
			for _, c := range t.Columns {
				names = append(names, c.Name)
			}
			return fmt.Errorf("%s: ORDER BY column %q is not a column of table %s (%s; columns: %s)", what, name, t.Name, where, strings.Join(names, ", "))
		}
		if c.Nullable {
			return fmt.Errorf("%s: ORDER BY column %s is nullable, which ClickHouse refuses in a sorting key: make it required in the feature's schema, or leave it out of %s", what, name, where)
		}
	}
	return nil
}

// maxTableFileName bounds a table name's length as ClickHouse writes it into
// file names, leaving room for a rebuild's suffix.
const maxTableFileName = 180

// fileNameLen is the length of name escaped as ClickHouse escapes file names
// (escapeForFileName: bytes other than ASCII letters, digits and _ as %XX).
func fileNameLen(name string) int {
	n := 0
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			n++
		} else {
			n += 3
		}
	}
	return n
}
