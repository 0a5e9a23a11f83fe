package duckdb

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/internal/sqlx"
	"github.com/mxmigrate/mxmigrate/schema"
	"github.com/mxmigrate/mxmigrate/stores"
)

// Render renders changes as DuckDB statements, planning around DuckDB's ALTER
// TABLE limits (SPEC section 6, measured on DuckDB 1.5.6):
//   - a table with a secondary index refuses DROP COLUMN, ALTER COLUMN and
//     RENAME, so such changes drop the table's indexes first and recreate them
//     after, in the same file;
//   - a primary key cannot be dropped, and even after its indexes are dropped
//     in the same transaction a column cannot be retyped when an index covers
//     it, nor dropped when an index covers it or a column after it; so those
//     tables are rebuilt:
//     create the new shape, copy the rows, drop the old table, rename;
//   - DROP NOT NULL on a table with indexes, between dropping and recreating
//     them in one transaction, aborts the process at COMMIT (DuckDB 1.5.6,
//     on a table read back from its file): such tables are rebuilt too;
//   - ADD COLUMN takes no constraint, so a NOT NULL column is added and then
//     set NOT NULL.
func (d Dialect) Render(changes []diff.Change, before, after *schema.Schema) ([]stores.Statement, error) {
	bt, at := before.Index(), after.Index()
	byTable := map[string][]diff.Change{}
	for _, c := range changes {
		byTable[c.Table] = append(byTable[c.Table], c)
	}
	restricted := map[string]bool{} // existing tables whose indexes must go first
	rebuild := map[string]bool{}
	for name, cs := range byTable {
		b, a := bt[name], at[name]
		if b == nil || a == nil {
			continue
		}
		for _, c := range cs {
			switch c.Kind {
			case diff.DropPrimaryKey:
				rebuild[name] = true
			case diff.AlterColumnType:
				if keyed(b, c.Column.Name) {
					rebuild[name] = true
				}
			case diff.DropColumn:
				if keyedFrom(b, c.Column.Name) {
					rebuild[name] = true
				}
			case diff.AlterColumnNull:
				// DROP NOT NULL between DROP INDEX and CREATE INDEX in one
				// transaction aborts the process at COMMIT ("pure virtual
				// method called", DuckDB 1.5.6, once the table was read back
				// from the file): such tables are rebuilt instead.
				if c.Column.Nullable && (len(b.Indexes) > 0 || len(a.Indexes) > 0) {
					rebuild[name] = true
				}
			}
			switch c.Kind {
			case diff.DropColumn, diff.AlterColumnType, diff.AlterColumnNull, diff.DropPrimaryKey, diff.AddPrimaryKey:
				restricted[name] = true
			case diff.AddColumn:
				if !c.Column.Nullable {
					restricted[name] = true
				}
			}
		}
		drops := 0
		for _, c := range cs {
			if c.Kind == diff.DropColumn {
				drops++
			}
		}
		if drops > 0 && drops == len(b.Columns) {
			rebuild[name] = true // DuckDB cannot drop a table's last column
		}
		if rebuild[name] {
			restricted[name] = true
		}
	}
	var names []string
	for n := range restricted {
		if len(bt[n].Indexes) > 0 || len(at[n].Indexes) > 0 || rebuild[n] {
			names = append(names, n)
		} else {
			delete(restricted, n)
		}
	}
	sort.Strings(names)

	// the index changes of restricted tables are carried out by the drops
	// and recreations around them: they carry those changes
	indexChange := map[string][]diff.Change{}
	for _, c := range changes {
		if restricted[c.Table] && (c.Kind == diff.DropIndex || c.Kind == diff.CreateIndex) {
			k := c.Table + "\x00" + c.Index.Name
			indexChange[k] = append(indexChange[k], c)
		}
	}
	carried := func(table, index string, kind diff.Kind) []diff.Change {
		var out []diff.Change
		for _, c := range indexChange[table+"\x00"+index] {
			if c.Kind == kind {
				out = append(out, c)
			}
		}
		return out
	}
	var out []stores.Statement
	for _, n := range names {
		for _, ix := range sortedIndexes(bt[n].Indexes) {
			out = append(out, stores.Statement{SQL: "DROP INDEX " + d.Quote(ix.Name) + ";", Changes: carried(n, ix.Name, diff.DropIndex),
				Note: fmt.Sprintf("DuckDB cannot alter %s while it has indexes: drop %s, recreate it below", n, ix.Name),
				Cost: &stores.Cost{Table: n, Effect: stores.MetadataOnly, Lock: lockDB}})
		}
	}
	rebuilt := map[string]bool{}
	for _, c := range changes {
		if restricted[c.Table] && (c.Kind == diff.DropIndex || c.Kind == diff.CreateIndex) {
			continue // covered by the drops above and the creates below
		}
		if rebuild[c.Table] {
			if rebuilt[c.Table] {
				continue
			}
			rebuilt[c.Table] = true
			var absorbed []diff.Change
			for _, x := range byTable[c.Table] {
				if x.Kind != diff.DropIndex && x.Kind != diff.CreateIndex {
					absorbed = append(absorbed, x)
				}
			}
			out = append(out, d.rebuild(bt[c.Table], at[c.Table], absorbed, before, after)...)
			continue
		}
		out = append(out, d.render(c, bt[c.Table] == nil)...)
	}
	for _, n := range names {
		for _, ix := range sortedIndexes(at[n].Indexes) {
			st := stores.Statement{SQL: d.createIndex(n, ix), Changes: carried(n, ix.Name, diff.CreateIndex),
				Cost: &stores.Cost{Table: n, Effect: stores.BuildsIndex, Lock: lockDB}}
			if len(st.Changes) == 0 {
				st.Note = "recreate index " + ix.Name
			}
			out = append(out, st)
		}
	}
	return out, nil
}

// lockDB is what a DuckDB migration holds: the database file, which no other
// process can open while mxmigrate writes to it.
const lockDB = "the database file (no other process can open it meanwhile)"

// cost is what c costs in place: DuckDB writes a new or retyped column for
// every row, scans for SET NOT NULL, builds indexes (ART) from every row.
func cost(c diff.Change, newTable bool) *stores.Cost {
	e := stores.MetadataOnly
	switch c.Kind {
	case diff.AddColumn, diff.AlterColumnType:
		e = stores.RewritesColumn
	case diff.AlterColumnNull:
		if !c.Column.Nullable {
			e = stores.Scans
		}
	case diff.AddPrimaryKey, diff.CreateIndex:
		e = stores.BuildsIndex
	}
	return stores.ChangeCost(c, newTable, e, lockDB)
}

func sortedIndexes(ixs []*schema.Index) []*schema.Index {
	out := append([]*schema.Index(nil), ixs...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// keyed reports whether column is part of t's primary key or of one of its
// indexes. DuckDB refuses to retype or drop such a column even after the index
// is dropped in the same transaction ("an index depends on it"), so the table
// is rebuilt instead.
func keyed(t *schema.Table, column string) bool {
	if t.PrimaryKey != nil && slices.Contains(t.PrimaryKey.Columns, column) {
		return true
	}
	for _, ix := range t.Indexes {
		if slices.Contains(ix.Columns, column) {
			return true
		}
	}
	return false
}

// keyedFrom reports whether column, or any column after it, is part of t's
// primary key or an index: DuckDB refuses to drop a column when an index
// (even one dropped in the same transaction) depends on a column after it.
func keyedFrom(t *schema.Table, column string) bool {
	seen := false
	for _, c := range t.Columns {
		seen = seen || c.Name == column
		if seen && keyed(t, c.Name) {
			return true
		}
	}
	return false
}

func (d Dialect) render(c diff.Change, newTable bool) []stores.Statement {
	one := func(sql string) []stores.Statement {
		return []stores.Statement{{SQL: sql, Changes: []diff.Change{c}, Cost: cost(c, newTable)}}
	}
	if sql, ok := sqlx.StandardSQL(d, c); ok {
		return one(sql)
	}
	t := d.Quote(c.Table)
	switch c.Kind {
	case diff.CreateTable:
		st := []stores.Statement{{SQL: d.createTable(c.Def, c.Table), Changes: []diff.Change{c}, Cost: cost(c, true)}}
		for _, ix := range sortedIndexes(c.Def.Indexes) {
			st = append(st, stores.Statement{SQL: d.createIndex(c.Table, ix), Cost: cost(c, true)})
		}
		return st
	case diff.AddColumn:
		s := "ALTER TABLE " + t + " ADD COLUMN " + d.Quote(c.Column.Name) + " " + typeName(c.Column.Type) + ";"
		if !c.Column.Nullable {
			s += "\nALTER TABLE " + t + " ALTER COLUMN " + d.Quote(c.Column.Name) + " SET NOT NULL;"
		}
		return one(s)
	case diff.AlterColumnType:
		col := d.Quote(c.Column.Name)
		ty := typeName(c.Column.Type)
		return one("ALTER TABLE " + t + " ALTER COLUMN " + col + " SET DATA TYPE " + ty + " USING CAST(" + col + " AS " + ty + ");")
	case diff.AddPrimaryKey:
		return one("ALTER TABLE " + t + " ADD PRIMARY KEY (" + sqlx.QuoteList(d, c.PrimaryKey.Columns) + ");")
	case diff.DropPrimaryKey:
		// Only reached for tables not planned as rebuilds, which cannot happen:
		// Render rebuilds every table that loses its primary key.
		return one("-- cannot drop primary key of " + c.Table + " in place")
	}
	return nil
}

func (d Dialect) createTable(t *schema.Table, name string) string {
	pk := ""
	if t.PrimaryKey != nil {
		// DuckDB ignores constraint names, so none is written.
		pk = "PRIMARY KEY (" + sqlx.QuoteList(d, t.PrimaryKey.Columns) + ")"
	}
	return sqlx.CreateTableSQL(d, t, name, typeName, pk)
}

func (d Dialect) createIndex(table string, ix *schema.Index) string {
	return sqlx.CreateIndexSQL(d, table, ix)
}

// rebuild recreates table b in shape a, keeping every row: the columns both
// shapes share are copied (cast where the type changed).
func (d Dialect) rebuild(b, a *schema.Table, absorbed []diff.Change, before, after *schema.Schema) []stores.Statement {
	// a name no table of either schema has (a feature could be called x/y/mxmigrate_rebuild)
	tmp := d.Physical(schema.OwnName, a.Name+"__mxmigrate_rebuild")
	taken := func(n string) bool {
		for _, s := range []*schema.Schema{before, after} {
			for _, t := range s.Tables {
				if d.Fold(t.Name) == d.Fold(n) {
					return true
				}
			}
		}
		return false
	}
	for i := 2; taken(tmp); i++ {
		tmp = d.Physical(schema.OwnName, fmt.Sprintf("%s__mxmigrate_rebuild_%d", a.Name, i))
	}
	var cols, sel []string
	for _, c := range a.Columns {
		old := b.Column(c.Name)
		if old == nil {
			continue
		}
		q := d.Quote(c.Name)
		cols = append(cols, q)
		if old.Type != c.Type {
			sel = append(sel, "CAST("+q+" AS "+typeName(c.Type)+")")
		} else {
			sel = append(sel, q)
		}
	}
	if len(cols) == 0 {
		// nothing in common: keep the row count, the new columns start NULL
		cols, sel = []string{d.Quote(a.Columns[0].Name)}, []string{"NULL"}
	}
	shape := a.Clone()
	shape.Indexes = nil
	note := fmt.Sprintf("rebuild %s: DuckDB cannot drop a primary key, retype or drop a key or indexed column, nor drop NOT NULL on an indexed table, in place: the table is recreated and its rows copied", a.Name)
	copying := &stores.Cost{Table: b.Name, Effect: stores.Rewrites, Lock: lockDB}
	meta := &stores.Cost{Table: b.Name, Effect: stores.MetadataOnly, Lock: lockDB}
	return []stores.Statement{
		{SQL: d.createTable(shape, tmp), Changes: absorbed, Note: note, Cost: copying},
		{SQL: "INSERT INTO " + d.Quote(tmp) + " (" + strings.Join(cols, ", ") + ")\nSELECT " + strings.Join(sel, ", ") + " FROM " + d.Quote(b.Name) + ";", Cost: copying},
		{SQL: "DROP TABLE " + d.Quote(b.Name) + ";", Cost: meta},
		{SQL: "ALTER TABLE " + d.Quote(tmp) + " RENAME TO " + d.Quote(a.Name) + ";", Cost: meta},
	}
}
