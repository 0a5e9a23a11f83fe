package duckdb

import (
	"strings"

	"github.com/mxmigrate/mxmigrate/schema"
)

// tableObject is an object read by a catalog query, before it is put on its
// table.
type tableObject struct {
	table string
	obj   *schema.Object
}

// attachObjects puts objects on their tables (those that were read), sorted.
func attachObjects(s *schema.Schema, objs []tableObject) {
	byName := s.Index()
	for _, o := range objs {
		if t := byName[o.table]; t != nil {
			t.Objects = append(t.Objects, o.obj)
		}
	}
	for _, t := range s.Tables {
		t.SortObjects()
	}
}

// keepConstraint is why a DuckDB constraint is never dropped: DuckDB drops
// none in place (ALTER TABLE ... DROP CONSTRAINT is not supported).
const keepConstraint = "DuckDB cannot drop a constraint without rebuilding the table, so mxmigrate keeps it"

// constraintObject is a UNIQUE, CHECK or FOREIGN KEY constraint: listed,
// never dropped.
func constraintObject(table, typ, text, name string, cols []string) tableObject {
	kind := strings.ToLower(typ)
	if name == "" {
		name = table + "_" + strings.Join(cols, "_") + "_" + strings.ReplaceAll(kind, " ", "_")
	}
	return tableObject{table, &schema.Object{Kind: kind, Name: name, Definition: text, Columns: cols, Destructive: true, Keep: keepConstraint}}
}

// columnObjects are a column's default and comment, and the table's comment
// (once per table: seen records it).
func (d Dialect) columnObjects(table, column, def, comment, tableComment string, seen map[string]bool) []tableObject {
	t, c := d.Quote(table), d.Quote(column)
	var out []tableObject
	if def != "" {
		alter := "ALTER TABLE " + t + " ALTER COLUMN " + c
		out = append(out, tableObject{table, &schema.Object{Kind: "default", Name: column, Columns: []string{column},
			Definition: "DEFAULT " + def, Lock: lockDB, Destructive: true,
			DropSQL: alter + " DROP DEFAULT;", CreateSQL: alter + " SET DEFAULT " + def + ";"}})
	}
	if comment != "" {
		out = append(out, tableObject{table, &schema.Object{Kind: "comment", Name: column, Columns: []string{column},
			Definition: sqlLiteral(comment), Lock: lockDB,
			DropSQL:   "COMMENT ON COLUMN " + t + "." + c + " IS NULL;",
			CreateSQL: "COMMENT ON COLUMN " + t + "." + c + " IS " + sqlLiteral(comment) + ";"}})
	}
	if tableComment != "" && !seen[table] {
		seen[table] = true
		out = append(out, tableObject{table, &schema.Object{Kind: "comment", Definition: sqlLiteral(tableComment), Lock: lockDB,
			DropSQL:   "COMMENT ON TABLE " + t + " IS NULL;",
			CreateSQL: "COMMENT ON TABLE " + t + " IS " + sqlLiteral(tableComment) + ";"}})
	}
	return out
}

func sqlLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
