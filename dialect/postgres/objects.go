package postgres

import (
	"strings"

	"github.com/mxmigrate/mxmigrate/schema"
)

// tableObject is an object read by a catalog query, before it is put on its
// table.
type tableObject = schema.TableObject

// attachObjects puts objects on their tables (those that were read), sorted.
func attachObjects(s *schema.Schema, objs []tableObject) { s.Attach(objs) }

// constraintKinds names pg_constraint.contype, and T a trigger.
var constraintKinds = map[string]string{"u": "unique", "c": "check", "f": "foreign key", "x": "exclusion", "T": "trigger"}

// constraintObject is a constraint (or trigger) mxmigrate does not model,
// with the statements that drop it and add it again as it is.
func (d Dialect) constraintObject(table, name, contype, def string, cols []string) tableObject {
	t := d.Quote(table)
	o := &schema.Object{Kind: constraintKinds[contype], Name: name, Definition: def, Columns: cols, Lock: lockAccessExclusive, Destructive: true}
	if contype == "T" {
		o.DropSQL = "DROP TRIGGER " + d.Quote(name) + " ON " + t + ";"
		o.CreateSQL = strings.TrimSuffix(def, ";") + ";"
		o.Lock = "SHARE ROW EXCLUSIVE (blocks writes, not reads)"
	} else {
		o.DropSQL = "ALTER TABLE " + t + " DROP CONSTRAINT " + d.Quote(name) + ";"
		o.CreateSQL = "ALTER TABLE " + t + " ADD CONSTRAINT " + d.Quote(name) + " " + def + ";"
	}
	if o.Kind == "" {
		o.Kind = "constraint " + contype
	}
	return tableObject{Table: table, Obj: o}
}

// columnObjects are a column's default (or identity, or generation
// expression) and comment, and on the table's first column the table's
// comment.
func (d Dialect) columnObjects(table, column, def, identity, generated, comment, tableComment string) []tableObject {
	if def == "" && identity == "" && generated == "" && comment == "" && tableComment == "" {
		return nil // most columns: nothing to build
	}
	t, c := d.Quote(table), d.Quote(column)
	alter := "ALTER TABLE " + t + " ALTER COLUMN " + c
	var out []tableObject
	switch {
	case generated != "":
		out = append(out, tableObject{Table: table, Obj: &schema.Object{Kind: "generated", Name: column, Columns: []string{column},
			Definition: "GENERATED ALWAYS AS (" + def + ") STORED", Destructive: true,
			Keep: "PostgreSQL cannot give an existing column a generation expression back, so mxmigrate never drops one"}})
	case identity != "":
		how := "ALWAYS"
		if identity == "d" {
			how = "BY DEFAULT"
		}
		out = append(out, tableObject{Table: table, Obj: &schema.Object{Kind: "identity", Name: column, Columns: []string{column},
			Definition: "GENERATED " + how + " AS IDENTITY", Destructive: true,
			Keep: "dropping an identity drops its sequence and where it stands, so mxmigrate never drops one"}})
	case def != "":
		out = append(out, tableObject{Table: table, Obj: &schema.Object{Kind: "default", Name: column, Columns: []string{column},
			Definition: "DEFAULT " + def, Lock: lockAccessExclusive, Destructive: true,
			DropSQL: alter + " DROP DEFAULT;", CreateSQL: alter + " SET DEFAULT " + def + ";"}})
	}
	if comment != "" {
		out = append(out, tableObject{Table: table, Obj: &schema.Object{Kind: "comment", Name: column, Columns: []string{column},
			Definition: quoteLiteral(comment), Lock: lockAccessExclusive,
			DropSQL:   "COMMENT ON COLUMN " + t + "." + c + " IS NULL;",
			CreateSQL: "COMMENT ON COLUMN " + t + "." + c + " IS " + quoteLiteral(comment) + ";"}})
	}
	if tableComment != "" {
		out = append(out, tableObject{Table: table, Obj: &schema.Object{Kind: "comment", Definition: quoteLiteral(tableComment), Lock: lockAccessExclusive,
			DropSQL:   "COMMENT ON TABLE " + t + " IS NULL;",
			CreateSQL: "COMMENT ON TABLE " + t + " IS " + quoteLiteral(tableComment) + ";"}})
	}
	return out
}
