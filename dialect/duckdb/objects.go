package duckdb

import (
	"strings"

	"github.com/mxmigrate/mxmigrate/plan"
	"github.com/mxmigrate/mxmigrate/schema"
)

// tableObject is an object read by a catalog query, before it is put on its
// table.
type tableObject = schema.TableObject

// attachObjects puts objects on their tables (those that were read), sorted.
func attachObjects(s *schema.Schema, objs []tableObject) { s.Attach(objs) }

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
	return tableObject{Table: table, Obj: &schema.Object{Kind: kind, Name: name, Definition: text, Columns: cols, Destructive: true, Keep: keepConstraint}}
}

// columnObjects are a column's default and comment, and the table's comment
// (once per table: seen records it).
func (d Dialect) columnObjects(table, column, def, comment, tableComment string, seen map[string]bool) []tableObject {
	t, c := d.Quote(table), d.Quote(column)
	var out []tableObject
	if def != "" {
		alter := "ALTER TABLE " + t + " ALTER COLUMN " + c
		out = append(out, tableObject{Table: table, Obj: &schema.Object{Kind: "default", Name: column, Columns: []string{column},
			Definition: "DEFAULT " + def, Lock: lockDB, Destructive: true,
			DropSQL: alter + " DROP DEFAULT;", CreateSQL: alter + " SET DEFAULT " + def + ";"}})
	}
	if comment != "" {
		out = append(out, tableObject{Table: table, Obj: &schema.Object{Kind: "comment", Name: column, Columns: []string{column},
			Definition: sqlLiteral(comment), Lock: lockDB,
			DropSQL:   "COMMENT ON COLUMN " + t + "." + c + " IS NULL;",
			CreateSQL: "COMMENT ON COLUMN " + t + "." + c + " IS " + sqlLiteral(comment) + ";"}})
	}
	if tableComment != "" && !seen[table] {
		seen[table] = true
		out = append(out, tableObject{Table: table, Obj: &schema.Object{Kind: "comment", Definition: sqlLiteral(tableComment), Lock: lockDB,
			DropSQL:   "COMMENT ON TABLE " + t + " IS NULL;",
			CreateSQL: "COMMENT ON TABLE " + t + " IS " + sqlLiteral(tableComment) + ";"}})
	}
	return out
}

func sqlLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// carried is what a rebuild (Render) creates again, on the new table, of the
// objects mxmigrate does not model that the table has (decision 42), and
// what it cannot: column DEFAULTs and CHECK, UNIQUE and FOREIGN KEY
// constraints go in the new CREATE TABLE (from the catalog's own text),
// comments are set again after the rename; indexes are recreated by Render
// as every index of a rebuilt table is.
type carried struct {
	defaults    map[string]string // column -> "DEFAULT expr"
	constraints []string          // "CHECK((n >= 0))", in CREATE TABLE
	after       []string          // statements once the table has its name
	kept        []string          // what is carried, for the plan's note
	lost        []string          // what is not, and why (plan.Lost)
}

// carry is what a rebuild of b into a carries and loses.
func carry(b, a *schema.Table) carried {
	c := carried{defaults: map[string]string{}}
	for _, o := range plan.RebuildObjects(b, a) {
		if col := missingColumn(o.Columns, a); col != "" {
			c.lost = append(c.lost, plan.Lost(a.Name, o, "it refers to column "+col+", which the new table does not have"))
			continue
		}
		switch o.Kind {
		case "default":
			c.defaults[o.Name] = o.Definition
		case "check", "unique", "foreign key":
			c.constraints = append(c.constraints, o.Definition)
		case "comment":
			c.after = append(c.after, o.CreateSQL)
		default:
			c.lost = append(c.lost, plan.Lost(a.Name, o, "a DuckDB rebuild cannot create it again"))
			continue
		}
		name := o.Kind + " " + o.ID()
		switch {
		case o.Kind == "default" || o.Kind == "comment" && o.Name != "":
			name = o.Kind + " of " + o.Name
		case o.Name == "":
			name = "the table's " + o.Kind
		}
		c.kept = append(c.kept, name)
	}
	return c
}

// missingColumn is the first of cols that t does not have ("" if none).
func missingColumn(cols []string, t *schema.Table) string {
	for _, c := range cols {
		if t.Column(c) == nil {
			return c
		}
	}
	return ""
}
