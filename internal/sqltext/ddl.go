package sqltext

import (
	"strings"

	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/schema"
)

// StandardSQL renders the changes whose SQL is the same in every dialect
// mxmigrate supports: DROP TABLE, DROP COLUMN, SET/DROP NOT NULL, CREATE and
// DROP INDEX, RENAME (ClickHouse renames a table with RENAME TABLE). ok is false for the other kinds, which each dialect renders.
func StandardSQL(d Quoter, c diff.Change) (sql string, ok bool) {
	t := d.Quote(c.Table)
	switch c.Kind {
	case diff.DropTable:
		return "DROP TABLE " + t + ";", true
	case diff.DropColumn:
		return "ALTER TABLE " + t + " DROP COLUMN " + d.Quote(c.Column.Name) + ";", true
	case diff.AlterColumnNull:
		op := "SET NOT NULL"
		if c.Column.Nullable {
			op = "DROP NOT NULL"
		}
		return "ALTER TABLE " + t + " ALTER COLUMN " + d.Quote(c.Column.Name) + " " + op + ";", true
	case diff.CreateIndex:
		return CreateIndexSQL(d, c.Table, c.Index), true
	case diff.DropIndex:
		return "DROP INDEX IF EXISTS " + d.Quote(c.Index.Name) + ";", true
	case diff.RenameTable:
		return "ALTER TABLE " + d.Quote(c.OldTable) + " RENAME TO " + t + ";", true
	case diff.RenameColumn:
		return "ALTER TABLE " + t + " RENAME COLUMN " + d.Quote(c.From.Name) + " TO " + d.Quote(c.Column.Name) + ";", true
	}
	return "", false
}

// CreateTableSQL renders CREATE TABLE name (...) with t's columns, types from
// typeSQL, and pkClause (e.g. `PRIMARY KEY ("a")`) when t has a primary key.
func CreateTableSQL(d Quoter, t *schema.Table, name string, typeSQL func(schema.Type) string, pkClause string) string {
	var b strings.Builder
	b.WriteString("CREATE TABLE " + d.Quote(name) + " (\n")
	for i, c := range t.Columns {
		b.WriteString("    " + d.Quote(c.Name) + " " + typeSQL(c.Type))
		if !c.Nullable {
			b.WriteString(" NOT NULL")
		}
		if i < len(t.Columns)-1 || t.PrimaryKey != nil {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	if t.PrimaryKey != nil {
		b.WriteString("    " + pkClause + "\n")
	}
	b.WriteString(");")
	return b.String()
}

// CreateIndexSQL renders CREATE [UNIQUE] INDEX, or the index's own
// definition when introspection read one (an index mxmigrate did not make,
// created again exactly by a down file).
func CreateIndexSQL(d Quoter, table string, ix *schema.Index) string {
	if ix.Def != "" {
		return strings.TrimSuffix(strings.TrimSpace(ix.Def), ";") + ";"
	}
	u := ""
	if ix.Unique {
		u = "UNIQUE "
	}
	return "CREATE " + u + "INDEX " + d.Quote(ix.Name) + " ON " + d.Quote(table) + " (" + QuoteList(d, ix.Columns) + ");"
}

// Quoter quotes identifiers (every dialect has Quote).
type Quoter interface{ Quote(ident string) string }

// QuoteDouble quotes an identifier with double quotes (SQL standard).
func QuoteDouble(ident string) string {
	return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"`
}

// QuoteList quotes and joins identifiers.
func QuoteList(d Quoter, idents []string) string {
	q := make([]string, len(idents))
	for i, s := range idents {
		q[i] = d.Quote(s)
	}
	return strings.Join(q, ", ")
}
