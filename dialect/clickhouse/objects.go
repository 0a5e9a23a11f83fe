package clickhouse

import (
	"fmt"
	"strings"

	"github.com/mxmigrate/mxmigrate/internal/chdb"
	"github.com/mxmigrate/mxmigrate/plan"
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

// carried is what a rebuild (see rebuild) creates again on the new table of
// what the table has that mxmigrate does not model (decision 42), and what
// it cannot: column DEFAULT, MATERIALIZED and ALIAS expressions, comments
// and codecs on the columns, CHECK constraints and projections as elements,
// the TTL and the table's comment, all in the new CREATE TABLE from the
// catalog's own text; data-skipping indexes and settings are the new
// table's already (its indexes, keepSettings).
type carried struct {
	columns  map[string]string // column -> " DEFAULT 7 COMMENT 'c' CODEC(ZSTD(1))"
	computed map[string]bool   // ALIAS and EPHEMERAL columns: not copied
	stored   bool              // a MATERIALIZED column is copied as it is
	elements []string          // "CONSTRAINT c CHECK ...", "PROJECTION p (...)"
	ttl      string            // "TTL ..." or ""
	comment  string            // the table's comment as a literal, or ""
	noIndex  map[string]bool   // data-skipping indexes on a column that goes
	kept     []string          // what is carried, for the plan's note
	lost     []string          // what is not, and why (plan.Lost)
}

// carry is what a rebuild of from into to carries and loses: what refers
// to a column to does not have is lost.
func (d Dialect) carry(from, to *schema.Table) carried {
	c := carried{columns: map[string]string{}, computed: map[string]bool{}, noIndex: map[string]bool{}}
	var gone []string
	for _, col := range from.Columns {
		if to.Column(col.Name) == nil {
			gone = append(gone, col.Name)
		}
	}
	refersTo := func(cols []string, def string) string {
		for _, col := range cols {
			if to.Column(col) == nil {
				return col
			}
		}
		for _, col := range gone {
			if mentions(def, col) {
				return col
			}
		}
		return ""
	}
	for _, ix := range to.Indexes {
		if col := refersTo(nil, strings.Join(ix.Columns, ", ")); col != "" && ix.Using != "" {
			c.noIndex[ix.Name] = true
			c.lost = append(c.lost, fmt.Sprintf("index %s on %s (%s %s): it refers to column %s, which the new table does not have", ix.Name, to.Name, strings.Join(ix.Columns, ", "), ix.Using, col))
		}
	}
	d.carryObjects(&c, from, to, refersTo)
	c.carryStorage(from, to, refersTo)
	return c
}

// carryObjects puts on c the objects of from that to has (RebuildObjects)
// which the new table's CREATE TABLE can hold: column defaults, comments
// and codecs, CHECK constraints, projections; the rest is lost.
func (d Dialect) carryObjects(c *carried, from, to *schema.Table, refersTo func(cols []string, def string) string) {
	lose := func(o *schema.Object, why string) { c.lost = append(c.lost, plan.Lost(to.Name, o, why)) }
	parts := map[string][3]string{} // column -> default, comment, codec
	for _, o := range plan.RebuildObjects(from, to) {
		if col := refersTo(o.Columns, o.Definition); col != "" {
			lose(o, "it refers to column "+col+", which the new table does not have")
			continue
		}
		name := o.Kind + " " + o.ID()
		p := parts[o.Name]
		switch o.Kind {
		case "default", "materialized", "alias", "ephemeral":
			p[0] = " " + o.Definition
			c.computed[o.Name] = o.Kind == "alias" || o.Kind == "ephemeral"
			c.stored = c.stored || o.Kind == "materialized"
			name = o.Kind + " of " + o.Name
		case "comment":
			if o.Name == "" {
				lose(o, "mxmigrate reads no such comment") // the table's is in Unmodeled
				continue
			}
			p[1] = " COMMENT " + o.Definition
			name = "comment of " + o.Name
		case "codec":
			p[2] = " " + o.Definition
			name = "codec of " + o.Name
		case "check":
			c.elements = append(c.elements, "CONSTRAINT "+d.Quote(o.Name)+" "+o.Definition)
		case "projection":
			c.elements = append(c.elements, "PROJECTION "+d.Quote(o.Name)+" "+o.Definition)
		case "setting":
			// keepSettings
		default:
			lose(o, "a ClickHouse rebuild cannot create it again")
			continue
		}
		parts[o.Name] = p
		c.kept = append(c.kept, name)
	}
	for col, p := range parts {
		if to.Column(col) != nil {
			c.columns[col] = p[0] + p[1] + p[2]
		}
	}
}

// carryStorage puts on c the TTL and the table's comment: as the table has
// them now (from), or had them (to, in a down file, where from is a model
// without them).
func (c *carried) carryStorage(from, to *schema.Table, refersTo func(cols []string, def string) string) {
	seen := map[string]bool{}
	for _, t := range []*schema.Table{from, to} {
		if t.Storage == nil {
			continue
		}
		for _, u := range t.Storage.Unmodeled {
			if seen[u] {
				continue
			}
			seen[u] = true
			switch {
			case strings.HasPrefix(u, "TTL "):
				if col := refersTo(nil, u); col != "" {
					c.lost = append(c.lost, "the table's "+u+" on "+to.Name+": it refers to column "+col+", which the new table does not have")
					continue
				}
				c.ttl = u
				c.kept = append(c.kept, "its TTL")
			case strings.HasPrefix(u, "COMMENT "):
				c.comment = strings.TrimPrefix(u, "COMMENT ")
				c.kept = append(c.kept, "its comment")
			}
		}
	}
}
