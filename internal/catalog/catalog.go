package catalog

import "github.com/mxmigrate/mxmigrate/schema"

// ColumnRow is one column as a catalog query returns it.
type ColumnRow struct {
	Table, Name, Type string
	Nullable          bool
	// Stats are the table's (see schema.Stats), on each of its rows.
	Stats schema.Stats
}

// KeyRow is one primary key or index as a catalog query returns it.
type KeyRow struct {
	Table, Name string
	Unique      bool
	Columns     []string
	// Invalid: an index the database does not use (schema.Index.Invalid).
	Invalid bool
}

// Assemble builds a schema from catalog rows: columns in row order, then
// primary keys and indexes of the tables that have columns. normalize maps a
// catalog type name to a logical type.
func Assemble(cols []ColumnRow, pks, ixs []KeyRow, normalize func(string) schema.Type) *schema.Schema {
	byName := map[string]*schema.Table{}
	out := &schema.Schema{}
	for _, c := range cols {
		t := byName[c.Table]
		if t == nil {
			st := c.Stats
			t = &schema.Table{Name: c.Table, Stats: &st}
			byName[c.Table] = t
			out.Tables = append(out.Tables, t)
		}
		t.Columns = append(t.Columns, &schema.Column{Name: c.Name, Type: normalize(c.Type), Nullable: c.Nullable})
	}
	for _, k := range pks {
		if t := byName[k.Table]; t != nil {
			t.PrimaryKey = &schema.PrimaryKey{Name: k.Name, Columns: k.Columns}
		}
	}
	for _, k := range ixs {
		if t := byName[k.Table]; t != nil {
			t.Indexes = append(t.Indexes, &schema.Index{Name: k.Name, Columns: k.Columns, Unique: k.Unique, Invalid: k.Invalid})
		}
	}
	out.Sort()
	return out
}
