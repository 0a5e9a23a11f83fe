package clickhouse

import (
	"strings"

	"github.com/mxmigrate/mxmigrate/internal/chdb"
	"github.com/mxmigrate/mxmigrate/schema"
)

// tableObjects are the CHECK constraints and projections of a table (from
// its CREATE TABLE query) and its settings, which mxmigrate does not model
// (decision 40); diff leaves out the settings the target sets.
func (d Dialect) tableObjects(table, create string, st *schema.Storage) []*schema.Object {
	alter := "ALTER TABLE " + d.Quote(table) + d.settings().onCluster()
	var out []*schema.Object
	for _, el := range createElements(create) {
		kw, rest, _ := strings.Cut(el, " ")
		name, def, _ := strings.Cut(rest, " ")
		switch kw {
		case "CONSTRAINT":
			if !strings.HasPrefix(def, "CHECK ") {
				continue // ASSUME: a hint to the optimizer, checks nothing
			}
			n := unquoteIdent(name)
			out = append(out, &schema.Object{Kind: "check", Name: n, Definition: def, Lock: lockNone, Destructive: true,
				DropSQL:   alter + " DROP CONSTRAINT IF EXISTS " + d.Quote(n) + ";",
				CreateSQL: alter + " ADD CONSTRAINT IF NOT EXISTS " + d.Quote(n) + " " + def + ";"})
		case "PROJECTION":
			n := unquoteIdent(name)
			out = append(out, &schema.Object{Kind: "projection", Name: n, Definition: def, Lock: lockNone, Destructive: true,
				DropSQL: alter + " DROP PROJECTION IF EXISTS " + d.Quote(n) + ";",
				CreateSQL: alter + " ADD PROJECTION IF NOT EXISTS " + d.Quote(n) + " " + def + ";\n" +
					alter + " MATERIALIZE PROJECTION " + d.Quote(n) + ";"})
		}
	}
	if st != nil {
		for k, v := range st.Settings {
			if k == "index_granularity" {
				continue // fixed when the table is made: it cannot be reset
			}
			out = append(out, &schema.Object{Kind: "setting", Name: k, Definition: k + " = " + v, Lock: lockNone, Destructive: true,
				DropSQL: alter + " RESET SETTING " + k + ";", CreateSQL: alter + " MODIFY SETTING " + k + " = " + v + ";"})
		}
	}
	return out
}

// columnObjects are a column's default (DEFAULT is dropped and set again;
// MATERIALIZED and ALIAS, which define the column, are kept), codec and
// comment (kept: listed only).
func (d Dialect) columnObjects(table, column, kind, expr, codec, comment string) []*schema.Object {
	alter := "ALTER TABLE " + d.Quote(table) + d.settings().onCluster() + " MODIFY COLUMN " + d.Quote(column)
	var out []*schema.Object
	if kind != "" && !(kind == "DEFAULT" && (expr == "NULL" || strings.HasPrefix(expr, "defaultValueOfTypeName("))) {
		o := &schema.Object{Kind: "default", Name: column, Columns: []string{column}, Definition: kind + " " + expr, Lock: lockNone, Destructive: true}
		if kind == "DEFAULT" {
			o.DropSQL, o.CreateSQL = alter+" REMOVE DEFAULT;", alter+" DEFAULT "+expr+";"
		} else {
			o.Kind = strings.ToLower(kind)
			o.Keep = "a " + kind + " expression defines the column's values, so mxmigrate never drops it"
		}
		out = append(out, o)
	}
	if codec != "" {
		out = append(out, &schema.Object{Kind: "codec", Name: column, Columns: []string{column}, Definition: codec,
			Keep: "mxmigrate lists codecs and leaves them as they are"})
	}
	if comment != "" {
		out = append(out, &schema.Object{Kind: "comment", Name: column, Columns: []string{column}, Definition: chdb.QuoteString(comment), Lock: lockNone,
			DropSQL: alter + " COMMENT '';", CreateSQL: alter + " COMMENT " + chdb.QuoteString(comment) + ";"})
	}
	return out
}

// createElements are the top-level elements of a CREATE TABLE query's
// parenthesised list (columns, INDEX, CONSTRAINT, PROJECTION).
func createElements(create string) []string {
	open := -1
	end := -1
	scanTop(create, func(i, depth int) bool {
		switch {
		case create[i] == '(' && depth == 1 && open < 0:
			open = i
		case create[i] == ')' && depth == 0 && open >= 0:
			end = i
			return true
		}
		return false
	})
	if open < 0 || end < 0 {
		return nil
	}
	return splitTop(create[open+1 : end])
}
