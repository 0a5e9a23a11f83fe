package duckdb

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/internal/sqltext"
	"github.com/mxmigrate/mxmigrate/plan"
	"github.com/mxmigrate/mxmigrate/schema"
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
func (d Dialect) Render(changes []diff.Change, before, after *schema.Schema) ([]plan.Statement, error) {
	var renames, others []diff.Change
	for _, c := range changes {
		if c.Kind == diff.RenameTable || c.Kind == diff.RenameColumn {
			renames = append(renames, c)
		} else {
			others = append(others, c)
		}
	}
	if len(renames) > 0 {
		out, err := d.renames(renames, before)
		if err != nil {
			return nil, err
		}
		more, err := d.Render(others, diff.Apply(before, renames), after)
		return append(out, more...), err
	}
	bt, at := before.Index(), after.Index()
	rebuild := rebuilds(changes, before, after)
	names := restrictedTables(changes, bt, at, rebuild)
	restricted := map[string]bool{}
	for _, n := range names {
		restricted[n] = true
	}
	// the index changes of restricted tables are carried out by the drops
	// and recreations around the other changes: they carry those changes
	indexChange := map[string][]diff.Change{}
	var rest []diff.Change
	for _, c := range changes {
		if restricted[c.Table] && (c.Kind == diff.DropIndex || c.Kind == diff.CreateIndex) {
			k := c.Table + "\x00" + c.Index.Name
			indexChange[k] = append(indexChange[k], c)
		} else {
			rest = append(rest, c)
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
	var out []plan.Statement
	for _, n := range names {
		for _, ix := range sortedIndexes(bt[n].Indexes) {
			out = append(out, plan.Statement{SQL: "DROP INDEX IF EXISTS " + d.Quote(ix.Name) + ";", Changes: carried(n, ix.Name, diff.DropIndex),
				Note: fmt.Sprintf("DuckDB cannot alter %s while it has indexes: drop %s, recreate it below", n, ix.Name),
				Cost: &plan.Cost{Table: n, Effect: plan.MetadataOnly, Lock: lockDB}})
		}
	}
	out = append(out, plan.Rebuilt(planner{d, before, after, bt, rebuild}, rest, before, after)...)
	for _, n := range names {
		for _, ix := range sortedIndexes(at[n].Indexes) {
			st := plan.Statement{SQL: d.createIndex(n, ix), Changes: carried(n, ix.Name, diff.CreateIndex),
				Cost: &plan.Cost{Table: n, Effect: plan.BuildsIndex, Lock: lockDB}}
			if len(st.Changes) == 0 {
				st.Note = "recreate index " + ix.Name
			}
			out = append(out, st)
		}
	}
	return out, nil
}

// renames renders renames (table renames first), table by table. DuckDB
// refuses RENAME on a table with secondary indexes, and dropping them,
// renaming and creating them again in one transaction aborts the process
// at COMMIT on a table read back from its file (DuckDB 1.5.6, as DROP NOT
// NULL does): a rename in such a table is refused, saying how to go on.
func (d Dialect) renames(cs []diff.Change, before *schema.Schema) ([]plan.Statement, error) {
	bt := before.Index()
	var out []plan.Statement
	for _, c := range cs {
		old := c.Table
		if c.Kind == diff.RenameTable {
			old = c.OldTable
		} else {
			for _, x := range cs {
				if x.Kind == diff.RenameTable && x.Table == c.Table {
					old = x.OldTable
				}
			}
		}
		if t := bt[old]; t != nil && len(t.Indexes) > 0 {
			return nil, fmt.Errorf("%s: DuckDB cannot rename in table %s while it has indexes (%s), and dropping them around the rename aborts DuckDB when it commits: drop the indexes in a migration of their own first (inject_index = false, or a hand-written DROP INDEX), rename, then create them again", c.Summary(), old, indexNames(t))
		}
		sql, _ := sqltext.StandardSQL(d, c)
		out = append(out, plan.Statement{SQL: sql, Changes: []diff.Change{c}, Cost: plan.RenameCost(c, lockDB)})
	}
	return out, nil
}

func indexNames(t *schema.Table) string {
	var names []string
	for _, ix := range sortedIndexes(t.Indexes) {
		names = append(names, ix.Name)
	}
	return strings.Join(names, ", ")
}

// restrictedTables are the existing tables (sorted) whose indexes Render
// drops before their changes and creates again after: those with indexes
// that a change DuckDB refuses on an indexed table touches, and those it
// rebuilds.
func restrictedTables(changes []diff.Change, bt, at map[string]*schema.Table, rebuild map[string]bool) []string {
	restricted := map[string]bool{}
	for _, c := range changes {
		if bt[c.Table] == nil || at[c.Table] == nil {
			continue
		}
		switch c.Kind {
		case diff.DropColumn, diff.AlterColumnType, diff.AlterColumnNull, diff.DropPrimaryKey, diff.AddPrimaryKey:
			restricted[c.Table] = true
		case diff.AddColumn:
			restricted[c.Table] = restricted[c.Table] || !c.Column.Nullable
		}
		restricted[c.Table] = restricted[c.Table] || rebuild[c.Table]
	}
	var names []string
	for n, r := range restricted {
		if r && (len(bt[n].Indexes) > 0 || len(at[n].Indexes) > 0 || rebuild[n]) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// planner is Render's plan.Rebuilder: what DuckDB rebuilds, and how.
type planner struct {
	d             Dialect
	before, after *schema.Schema
	bt            map[string]*schema.Table // before, by name
	rebuild       map[string]bool          // rebuilds of Render's changes
}

// Rebuilds: see rebuilds (Render's changes without the index changes it
// carries around them rebuild the same tables).
func (p planner) Rebuilds([]diff.Change, *schema.Schema, *schema.Schema) map[string]string {
	out := map[string]string{}
	for t := range p.rebuild {
		out[t] = "DuckDB cannot drop a primary key, retype or drop a key or indexed column, nor drop NOT NULL on an indexed table, in place"
	}
	return out
}

// Rebuild: its guards stay with it (a DuckDB file rolls back as a whole).
func (p planner) Rebuild(r plan.Rebuild) (guards, statements []plan.Statement) {
	return nil, p.d.rebuild(r, p.before, p.after)
}

// InPlace: see render.
func (p planner) InPlace(c diff.Change) (guards, statements []plan.Statement) {
	return nil, p.d.render(c, p.bt[c.Table] == nil)
}

// rebuilds returns the existing tables that changes (from before to after)
// rebuild rather than alter in place (see Render).
func rebuilds(changes []diff.Change, before, after *schema.Schema) map[string]bool {
	bt, at := before.Index(), after.Index()
	byTable := map[string][]diff.Change{}
	for _, c := range changes {
		byTable[c.Table] = append(byTable[c.Table], c)
	}
	rebuild := map[string]bool{}
	for name, cs := range byTable {
		b, a := bt[name], at[name]
		if b == nil || a == nil {
			continue
		}
		drops := 0
		for _, c := range cs {
			switch c.Kind {
			case diff.DropPrimaryKey:
				rebuild[name] = true
			case diff.AlterColumnType:
				if keyed(b, c.Column.Name) {
					rebuild[name] = true
				}
			case diff.DropColumn:
				drops++
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
		}
		if drops > 0 && drops == len(b.Columns) {
			rebuild[name] = true // DuckDB cannot drop a table's last column
		}
	}
	return rebuild
}

// lockDB is what a DuckDB migration holds: the database file, which no other
// process can open while mxmigrate writes to it.
const lockDB = "the database file (no other process can open it meanwhile)"

// cost is what c costs in place: DuckDB writes a new or retyped column for
// every row, scans for SET NOT NULL, builds indexes (ART) from every row.
func cost(c diff.Change, newTable bool) *plan.Cost {
	e := plan.MetadataOnly
	switch c.Kind {
	case diff.AddColumn, diff.AlterColumnType:
		e = plan.RewritesColumn
	case diff.AlterColumnNull:
		if !c.Column.Nullable {
			e = plan.Scans
		}
	case diff.AddPrimaryKey, diff.CreateIndex:
		e = plan.BuildsIndex
	}
	return plan.ChangeCost(c, newTable, e, lockDB)
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

func (d Dialect) render(c diff.Change, newTable bool) []plan.Statement {
	one := func(sql string) []plan.Statement {
		return []plan.Statement{{SQL: sql, Changes: []diff.Change{c}, Cost: cost(c, newTable)}}
	}
	if sql, ok := sqltext.StandardSQL(d, c); ok {
		return one(sql)
	}
	t := d.Quote(c.Table)
	switch c.Kind {
	case diff.CreateTable:
		st := []plan.Statement{{SQL: d.createTable(c.Def, c.Table), Changes: []diff.Change{c}, Cost: cost(c, true)}}
		for _, ix := range sortedIndexes(c.Def.Indexes) {
			st = append(st, plan.Statement{SQL: d.createIndex(c.Table, ix), Cost: cost(c, true)})
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
		st := one("ALTER TABLE " + t + " ALTER COLUMN " + col + " SET DATA TYPE " + ty + " USING CAST(" + col + " AS " + ty + ");")
		if g, ok := d.guard(c.Table, c.From, c.Column); ok {
			st = append([]plan.Statement{g}, st...)
		}
		return st
	case diff.AddPrimaryKey:
		return one("ALTER TABLE " + t + " ADD PRIMARY KEY (" + sqltext.QuoteList(d, c.PrimaryKey.Columns) + ");")
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
		pk = "PRIMARY KEY (" + sqltext.QuoteList(d, t.PrimaryKey.Columns) + ")"
	}
	return sqltext.CreateTableSQL(d, t, name, typeName, pk)
}

func (d Dialect) createIndex(table string, ix *schema.Index) string {
	return sqltext.CreateIndexSQL(d, table, ix)
}

// rebuild recreates table b in shape a, keeping every row: the columns both
// shapes share are copied (cast where the type changed).
func (d Dialect) rebuild(r plan.Rebuild, before, after *schema.Schema) []plan.Statement {
	b, a := r.From, r.To
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
	var guards []plan.Statement
	for _, c := range r.Columns() {
		q := d.Quote(c.To.Name)
		cols = append(cols, q)
		if g, ok := d.guard(b.Name, c.From, c.To); ok {
			guards = append(guards, g)
		}
		if c.From.Type != c.To.Type {
			sel = append(sel, "CAST("+q+" AS "+typeName(c.To.Type)+")")
		} else {
			sel = append(sel, q)
		}
	}
	if len(cols) == 0 {
		// nothing in common: keep the row count, the new columns start NULL
		cols, sel = []string{d.Quote(a.Columns[0].Name)}, []string{"NULL"}
	}
	kept := carry(b, a)
	note := r.Note(fmt.Sprintf("rebuild %s: %s: the table is recreated and its rows copied", a.Name, r.Why), kept.kept, kept.lost)
	copying := &plan.Cost{Table: b.Name, Effect: plan.Rewrites, Lock: lockDB}
	meta := func() *plan.Cost { return &plan.Cost{Table: b.Name, Effect: plan.MetadataOnly, Lock: lockDB} }
	// CREATE TABLE, not IF NOT EXISTS: a table of that name that neither
	// schema knows (out of scope) makes the file fail and roll back; it is
	// never dropped or written to. The rename's target is the table this
	// file has just dropped.
	out := append(guards, []plan.Statement{
		{SQL: d.rebuildTable(a, tmp, kept), Changes: r.Changes, Note: note, Cost: copying},
		{SQL: "INSERT INTO " + d.Quote(tmp) + " (" + strings.Join(cols, ", ") + ")\nSELECT " + strings.Join(sel, ", ") + " FROM " + d.Quote(b.Name) + ";", Cost: copying},
		{SQL: "DROP TABLE " + d.Quote(b.Name) + ";", Cost: meta()},
		{SQL: "ALTER TABLE " + d.Quote(tmp) + " RENAME TO " + d.Quote(a.Name) + ";", Cost: meta()},
	}...)
	for _, sql := range kept.after {
		out = append(out, plan.Statement{SQL: sql, Note: "keep what the table had", Cost: meta()})
	}
	return out
}

// rebuildTable is the CREATE TABLE of a rebuild: t's columns and primary
// key (not its indexes, which Render recreates after), with the column
// DEFAULTs and table constraints the old table had (carry).
func (d Dialect) rebuildTable(t *schema.Table, name string, c carried) string {
	var lines []string
	for _, col := range t.Columns {
		l := "    " + d.Quote(col.Name) + " " + typeName(col.Type)
		if def := c.defaults[col.Name]; def != "" {
			l += " " + def
		}
		if !col.Nullable {
			l += " NOT NULL"
		}
		lines = append(lines, l)
	}
	if t.PrimaryKey != nil {
		// DuckDB ignores constraint names, so none is written.
		lines = append(lines, "    PRIMARY KEY ("+sqltext.QuoteList(d, t.PrimaryKey.Columns)+")")
	}
	for _, k := range c.constraints {
		lines = append(lines, "    "+k)
	}
	return "CREATE TABLE " + d.Quote(name) + " (\n" + strings.Join(lines, ",\n") + "\n);"
}

// guard is the statement that stops a file (which then rolls back) before
// column from of table becomes column to, if one of its values would not
// survive the conversion: CAST(CAST(v AS new) AS old) must give v back
// (TRY_CAST: a value that does not convert fails too). DuckDB's CAST rounds
// (29.97 to 30), reads '007' as 7, moves a TIMESTAMPTZ to the session's time
// zone: without the guard such values would change silently. None for
// widenings (diff: every value has an equal one) and nullability changes.
func (d Dialect) guard(table string, from, to *schema.Column) (plan.Statement, bool) {
	if from == nil || to == nil || from.Type == to.Type || widens(from, to) {
		return plan.Statement{}, false
	}
	ft, tt := typeName(from.Type), typeName(to.Type)
	c := d.Quote(from.Name)
	msg := fmt.Sprintf("mxmigrate: a value of %s.%s does not convert from %s to %s and back unchanged, so the migration is rolled back: ", table, from.Name, ft, tt)
	return plan.Statement{
		SQL: fmt.Sprintf("SELECT error(%s || CAST(%s AS VARCHAR))\nFROM %s\nWHERE %s IS NOT NULL AND TRY_CAST(TRY_CAST(%s AS %s) AS %s) IS DISTINCT FROM %s\nLIMIT 1;",
			quoteString(msg), c, d.Quote(table), c, c, tt, ft, c),
		Note: fmt.Sprintf("stops here (the file rolls back) if a value of %s.%s does not convert to %s and back unchanged", table, from.Name, tt),
		Cost: &plan.Cost{Table: table, Effect: plan.Scans, Lock: lockDB}}, true
}

// quoteString is a SQL string literal (DuckDB's are standard: only ' is
// special).
func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// widens reports whether every value of from's type has an equal value of
// to's, as diff decides (a change it does not call destructive).
func widens(from, to *schema.Column) bool {
	c := diff.Change{Kind: diff.AlterColumnType, From: from, Column: to}
	return c.Destructive() == ""
}

// Caveats: a type change says what the file checks before it (guard), and
// what DuckDB does to values that pass: a TIMESTAMPTZ becomes the wall-clock
// time of the session's time zone and loses its zone; a TIMESTAMP is read
// as a wall-clock time there.
//
// A rebuild that cannot create again on the new table an object mxmigrate
// does not model (carry: it refers to a column the new table does not have)
// says so on the first change of its table, which is then destructive.
func (d Dialect) Caveats(cs []diff.Change, before *schema.Schema) []string {
	out := make([]string, len(cs))
	losses := rebuildLosses(cs, before)
	for i, c := range cs {
		lost := losses[i]
		if c.Kind != diff.AlterColumnType || widens(c.From, c.Column) {
			if lost != "" {
				plain := c
				plain.Caveat = ""
				out[i] = lost
				if why := plain.Destructive(); why != "" {
					out[i] = why + "; " + lost
				}
			}
			continue
		}
		ft, tt := typeName(c.From.Type), typeName(c.Column.Type)
		s := fmt.Sprintf("changes the type of %s.%s from %s to %s: the migration stops and rolls back if a value does not convert and back unchanged", c.Table, c.Column.Name, ft, tt)
		switch {
		case c.From.Type == schema.Float64 || c.From.Type == schema.Float32:
			if c.Column.Type == schema.Int64 || c.Column.Type == schema.Int32 {
				s += " (CAST rounds: 29.97 would become 30)"
			}
		case c.From.Type == schema.String:
			switch c.Column.Type {
			case schema.Int64, schema.Int32, schema.Float64, schema.Float32:
				s += " ('007' would read back as 7)"
			}
		}
		switch {
		case c.From.Type == schema.TimestampTZ && c.Column.Type == schema.Timestamp:
			s += "; each instant becomes the wall-clock time of the TimeZone setting of the session that runs the file, and the time zone is dropped"
		case c.From.Type == schema.Timestamp && c.Column.Type == schema.TimestampTZ:
			s += "; each value is read as a wall-clock time in the TimeZone setting of the session that runs the file"
		}
		if lost != "" {
			s += "; " + lost
		}
		out[i] = s
	}
	return out
}

// rebuildLosses says, by the index in cs of the first change of each table
// that cs rebuild, what the rebuild loses (carry), if anything.
func rebuildLosses(cs []diff.Change, before *schema.Schema) map[int]string {
	out := map[int]string{}
	if before == nil {
		return out
	}
	after := diff.Apply(before, cs)
	rebuild := rebuilds(cs, before, after)
	for i, c := range cs {
		if !rebuild[c.Table] || plan.IsObject(c) || c.Kind == diff.DropIndex || c.Kind == diff.CreateIndex {
			continue
		}
		rebuild[c.Table] = false // the first change only
		if lost := carry(before.Table(c.Table), after.Table(c.Table)).lost; len(lost) > 0 {
			out[i] = fmt.Sprintf("rebuilds table %s, and the new table cannot have what the old one has: %s", c.Table, strings.Join(lost, "; "))
		}
	}
	return out
}
