package catalog

import (
	"sort"

	"github.com/mxmigrate/mxmigrate/schema"
)

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

// Builder assembles a schema from column rows as a query returns them, so
// that no list of rows is kept beside the schema: at 10,000 tables that
// list, grown by doubling, was the largest allocation of a PostgreSQL
// inspection. Each table's name is kept once and column names are shared
// between tables (Metaxy's system columns are in every table), so a row's
// own strings are garbage as soon as it is read. A Builder is used by one
// goroutine.
type Builder struct {
	normalize func(string) schema.Type
	tables    map[string]*building
	names     map[string]string
	types     map[string]schema.Type
	cols      schema.SharedColumns
}

// building is a table being assembled: the position of each column, and
// whether the rows came in that order.
type building struct {
	t        *schema.Table
	pos      []int32
	shuffled bool
}

// NewBuilder returns a Builder; normalize maps a catalog type name to a
// logical type.
func NewBuilder(normalize func(string) schema.Type) *Builder {
	return &Builder{normalize: normalize, tables: map[string]*building{},
		names: map[string]string{}, types: map[string]schema.Type{}, cols: schema.SharedColumns{}}
}

// Column adds a column row. pos is the column's position in its table
// (any increasing numbering): rows of a table may come in any order, and
// its columns are put in pos order. The first row of a table gives its
// Stats.
func (b *Builder) Column(c ColumnRow, pos int) {
	bt := b.tables[c.Table]
	if bt == nil {
		st := c.Stats
		bt = &building{t: &schema.Table{Name: c.Table, Stats: &st}}
		b.tables[c.Table] = bt
	}
	if n := len(bt.pos); n > 0 && int32(pos) < bt.pos[n-1] {
		bt.shuffled = true
	}
	bt.pos = append(bt.pos, int32(pos))
	col := schema.Column{Name: b.intern(c.Name), Type: b.typeOf(c.Type), Nullable: c.Nullable}
	bt.t.Columns = append(bt.t.Columns, b.cols.Share(col))
}

func (b *Builder) intern(s string) string {
	if v, ok := b.names[s]; ok {
		return v
	}
	b.names[s] = s
	return s
}

func (b *Builder) typeOf(s string) schema.Type {
	if t, ok := b.types[s]; ok {
		return t
	}
	t := b.normalize(s)
	b.types[s] = t
	return t
}

// Schema returns the tables with their columns in position order, the
// primary keys and indexes of the tables that have columns, tables sorted
// by name.
func (b *Builder) Schema(pks, ixs []KeyRow) *schema.Schema {
	out := &schema.Schema{Tables: make([]*schema.Table, 0, len(b.tables))}
	for _, bt := range b.tables {
		if bt.shuffled {
			sort.Stable(byPos{bt})
		}
		out.Tables = append(out.Tables, bt.t)
	}
	for _, k := range pks {
		if bt := b.tables[k.Table]; bt != nil {
			bt.t.PrimaryKey = &schema.PrimaryKey{Name: k.Name, Columns: k.Columns}
		}
	}
	for _, k := range ixs {
		if bt := b.tables[k.Table]; bt != nil {
			bt.t.Indexes = append(bt.t.Indexes, &schema.Index{Name: k.Name, Columns: k.Columns, Unique: k.Unique, Invalid: k.Invalid})
		}
	}
	out.Sort()
	return out
}

// Columns returns the columns of table, in position order, for a dialect
// that reads its tables another way (nil: no row named it).
func (b *Builder) Columns(table string) []*schema.Column {
	bt := b.tables[table]
	if bt == nil {
		return nil
	}
	if bt.shuffled {
		sort.Stable(byPos{bt})
		bt.shuffled = false
	}
	return bt.t.Columns
}

// byPos sorts a table's columns by their positions.
type byPos struct{ *building }

func (s byPos) Len() int           { return len(s.pos) }
func (s byPos) Less(i, j int) bool { return s.pos[i] < s.pos[j] }
func (s byPos) Swap(i, j int) {
	s.pos[i], s.pos[j] = s.pos[j], s.pos[i]
	s.t.Columns[i], s.t.Columns[j] = s.t.Columns[j], s.t.Columns[i]
}
