package stores

import (
	"strings"

	"github.com/mxmigrate/mxmigrate/schema"
)

// CreateTableSQL renders CREATE TABLE name (...) with t's columns, types from
// typeSQL, and pkClause (e.g. `PRIMARY KEY ("a")`) when t has a primary key.
func CreateTableSQL(d Dialect, t *schema.Table, name string, typeSQL func(schema.Type) string, pkClause string) string {
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

// CreateIndexSQL renders CREATE [UNIQUE] INDEX.
func CreateIndexSQL(d Dialect, table string, ix *schema.Index) string {
	u := ""
	if ix.Unique {
		u = "UNIQUE "
	}
	return "CREATE " + u + "INDEX " + d.Quote(ix.Name) + " ON " + d.Quote(table) + " (" + QuoteList(d, ix.Columns) + ");"
}
