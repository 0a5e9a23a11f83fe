package clickhouse

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/internal/chdb"
	"github.com/mxmigrate/mxmigrate/plan"
	"github.com/mxmigrate/mxmigrate/schema"
)

// Render renders changes as idempotent statements (IF [NOT] EXISTS, MODIFY
// COLUMN), so that a file re-run after a failure part-way converges. What
// ClickHouse cannot alter in place (engine, ORDER BY, PARTITION BY, SETTINGS,
// and dropping or retyping a column of the sorting or partition key)
// rebuilds the table: a new table of the final shape, INSERT ... SELECT,
// EXCHANGE TABLES, drop the old one. With a cluster every statement carries
// ON CLUSTER, and rebuilds are refused (an INSERT ... SELECT copies only the
// shard it runs on).
func (d Dialect) Render(changes []diff.Change, before, after *schema.Schema) ([]plan.Statement, error) {
	if err := d.plannable(changes, before, after); err != nil {
		return nil, err
	}
	out := plan.Rebuilt(&planner{d: d, changes: changes, before: before, done: map[string]bool{}}, changes, before, after)
	for _, s := range out {
		if strings.Count(s.SQL, ";") > 1 {
			return nil, fmt.Errorf("statement %q holds a \";\": golang-migrate's ClickHouse driver splits files at every \";\", so no name, expression or setting may contain one", s.SQL)
		}
	}
	return out, nil
}

// plannable refuses what ClickHouse has not (primary key constraints,
// secondary indexes), a rebuild through a table mxmigrate did not make, and
// any rebuild on a cluster.
func (d Dialect) plannable(changes []diff.Change, before, after *schema.Schema) error {
	cfg := d.settings()
	oldName := map[string]string{}
	for _, c := range changes {
		if c.Kind == diff.RenameTable {
			oldName[c.Table] = c.OldTable
		}
	}
	for _, c := range changes {
		switch c.Kind {
		case diff.RenameColumn:
			name := c.Table
			if o, ok := oldName[name]; ok {
				name = o
			}
			if t := before.Table(name); t != nil && inKey(t, c.From.Name) {
				return fmt.Errorf("table %s: ClickHouse cannot rename %s, a column of the table's sorting or partition key (%s): leave its name, or add the new column and drop the old one", c.Table, c.From.Name, c.Summary())
			}
		case diff.AddPrimaryKey, diff.DropPrimaryKey:
			return fmt.Errorf("table %s: ClickHouse tables have no primary key constraint (their ORDER BY is the key): %s", c.Table, c.Summary())
		case diff.CreateIndex, diff.DropIndex:
			if c.Index.Using == "" {
				return fmt.Errorf("table %s: ClickHouse has no secondary indexes, only data-skipping ones: %s", c.Table, c.Summary())
			}
		}
	}
	rebuild := rebuilds(changes, before)
	for t := range rebuild {
		if err := canRebuild(before.Table(t), before, after); err != nil {
			return err
		}
	}
	if cfg.cluster != "" && len(rebuild) > 0 {
		var names []string
		for t, why := range rebuild {
			names = append(names, t+" ("+why+")")
		}
		sort.Strings(names)
		return fmt.Errorf("on cluster %s these tables would have to be rebuilt, which mxmigrate does not do on a cluster (an INSERT ... SELECT copies only the shard it runs on): %s. Rebuild them by hand on each shard (docs/clickhouse.md, \"Rebuilds on a cluster\"), or leave their engine, ORDER BY and PARTITION BY as they are",
			cfg.cluster, strings.Join(names, "; "))
	}
	return nil
}

// planner is Render's plan.Rebuilder: what ClickHouse rebuilds, and how.
// Guards (checks of values a type change would alter) come first in a
// file, so that it stops before it changes anything.
type planner struct {
	d       Dialect
	changes []diff.Change
	before  *schema.Schema
	// done: the columns whose type and nullability changes one MODIFY
	// COLUMN made already
	done map[string]bool
}

// Rebuilds: see rebuilds.
func (p *planner) Rebuilds(changes []diff.Change, before, _ *schema.Schema) map[string]string {
	return rebuilds(changes, before)
}

// Rebuild: see Dialect.rebuild.
func (p *planner) Rebuild(r plan.Rebuild) (guards, statements []plan.Statement) {
	return p.d.rebuild(r)
}

// InPlace makes c with an idempotent statement (IF [NOT] EXISTS, MODIFY
// COLUMN); a column's type and nullability change in one MODIFY COLUMN.
func (p *planner) InPlace(c diff.Change) (guards, out []plan.Statement) {
	d := p.d
	on := d.settings().onCluster()
	q := d.Quote(c.Table)
	add := func(sql string, cs ...diff.Change) {
		out = append(out, plan.Statement{SQL: sql + ";", Changes: cs, Cost: cost(cs[0], plan.IsNew(cs[0], p.before))})
	}
	switch c.Kind {
	case diff.RenameTable:
		out = append(out, plan.Statement{SQL: "RENAME TABLE " + d.Quote(c.OldTable) + " TO " + q + on + ";", Changes: []diff.Change{c}, Cost: plan.RenameCost(c, lockNone)})
	case diff.RenameColumn:
		out = append(out, plan.Statement{SQL: "ALTER TABLE " + q + on + " RENAME COLUMN IF EXISTS " + d.Quote(c.From.Name) + " TO " + d.Quote(c.Column.Name) + ";", Changes: []diff.Change{c}, Cost: plan.RenameCost(c, lockNone)})
	case diff.CreateTable:
		add(d.createTable(c.Def, c.Table, on, true), c)
	case diff.DropTable:
		add("DROP TABLE IF EXISTS "+q+on+" SYNC", c)
	case diff.AddColumn:
		add("ALTER TABLE "+q+on+" ADD COLUMN IF NOT EXISTS "+d.Quote(c.Column.Name)+" "+d.columnType(c.Column), c)
	case diff.DropColumn:
		add("ALTER TABLE "+q+on+" DROP COLUMN IF EXISTS "+d.Quote(c.Column.Name), c)
	case diff.AlterColumnType, diff.AlterColumnNull:
		return p.modifyColumn(c)
	case diff.CreateIndex:
		add("ALTER TABLE "+q+on+" ADD INDEX IF NOT EXISTS "+d.Quote(c.Index.Name)+" "+c.Index.Columns[0]+" "+c.Index.Using, c)
	case diff.DropIndex:
		add("ALTER TABLE "+q+on+" DROP INDEX IF EXISTS "+d.Quote(c.Index.Name), c)
	}
	return nil, out
}

// modifyColumn makes every type and nullability change of c's column in
// one MODIFY COLUMN (none when an earlier change of the column did), after
// its guard.
func (p *planner) modifyColumn(c diff.Change) (guards, out []plan.Statement) {
	d := p.d
	key := c.Table + "\x00" + c.Column.Name
	if p.done[key] {
		return nil, nil
	}
	p.done[key] = true
	var own []diff.Change
	for _, x := range p.changes {
		if (x.Kind == diff.AlterColumnType || x.Kind == diff.AlterColumnNull) && x.Table == c.Table && x.Column.Name == c.Column.Name {
			own = append(own, x)
		}
	}
	from, to := d.columnType(own[0].From), d.columnType(own[len(own)-1].Column)
	if g, ok := d.guard(c.Table, c.Column.Name, from, to); ok {
		guards = append(guards, g)
	}
	sql := "ALTER TABLE " + d.Quote(c.Table) + d.settings().onCluster() + " MODIFY COLUMN " + d.Quote(c.Column.Name) + " " + to
	st := plan.Statement{Changes: own, Cost: cost(own[0], plan.IsNew(own[0], p.before))}
	_, wasNull := nullable(from)
	_, isNull := nullable(to)
	switch {
	case wasNull && !isNull:
		// ClickHouse needs a value for the NULLs: the type's own default,
		// which a non-null column has anyway
		sql += " DEFAULT defaultValueOfTypeName(" + chdb.QuoteString(to) + ")"
		st.Note = fmt.Sprintf("NULLs in %s.%s become the default value of %s", c.Table, c.Column.Name, to)
	case isNull && !wasNull:
		// and back: a missing value is NULL again
		sql += " DEFAULT NULL"
	}
	st.SQL = sql + ";"
	return guards, append(out, st)
}

// What ClickHouse's DDL holds on a table: no lock that stops inserts.
const (
	lockNone    = "none (reads and inserts go on)"
	lockRebuild = "none (reads go on, rows inserted meanwhile are lost)"
)

// cost is what an ALTER of c costs: ADD/DROP COLUMN and data-skipping
// indexes change metadata (a dropped column's files are removed, an index
// covers the parts written or merged from then on), MODIFY COLUMN rewrites
// the column in every part.
func cost(c diff.Change, newTable bool) *plan.Cost {
	e := plan.MetadataOnly
	if c.Kind == diff.AlterColumnType || c.Kind == diff.AlterColumnNull {
		e = plan.RewritesColumn
	}
	return plan.ChangeCost(c, newTable, e, lockNone)
}

// rebuilds returns the tables that changes rebuild, and why: what ClickHouse
// cannot alter in place.
func rebuilds(changes []diff.Change, before *schema.Schema) map[string]string {
	rebuild := map[string]string{} // table -> why
	for _, c := range changes {
		switch c.Kind {
		case diff.AlterStorage:
			rebuild[c.Table] = "ClickHouse cannot change " + diff.StorageChange(c.FromStorage, c.Storage) + " in place"
		case diff.DropColumn, diff.AlterColumnType, diff.AlterColumnNull:
			bt := before.Table(c.Table)
			if c.Kind == diff.DropColumn && bt != nil && (bt.Storage == nil || len(bt.Storage.OrderBy) == 0) {
				// the sorting key's columns are in every part; without one, a
				// part may hold only the dropped column, and ClickHouse
				// refuses to leave it empty
				if _, ok := rebuild[c.Table]; !ok {
					rebuild[c.Table] = fmt.Sprintf("dropping column %s of a table without sorting key may leave a part with no column, which ClickHouse refuses", c.Column.Name)
				}
			}
			if bt != nil && inKey(bt, c.Column.Name) {
				if _, ok := rebuild[c.Table]; !ok {
					rebuild[c.Table] = fmt.Sprintf("ClickHouse cannot drop or alter column %s of the sorting or partition key in place", c.Column.Name)
				}
			}
		}
	}
	return rebuild
}

// tmpName is the table a rebuild of table builds first: a name reserved in
// the database (Shape refuses feature tables that end so).
func tmpName(table string) string {
	tmp := table + rebuildSuffix
	if len(tmp) > 150 {
		// ClickHouse refuses names past ~200 bytes (less for long database names)
		tmp = schema.Shorten(tmp, 150)
	}
	return tmp
}

const rebuildSuffix = "__mxmigrate_new"

// canRebuild refuses a rebuild whose scratch table is a table of the
// environment or exists in the database (Inspect reads it): mxmigrate never
// drops a table it did not make. What the table has that mxmigrate does not
// model goes to the new table (carry), or is named as lost by Caveats.
func canRebuild(t *schema.Table, before, after *schema.Schema) error {
	if t == nil {
		return nil
	}
	tmp := tmpName(t.Name)
	if before.Table(tmp) != nil || after.Table(tmp) != nil {
		return fmt.Errorf("table %s would be rebuilt through %s, which is a table of this environment: rename that feature", t.Name, tmp)
	}
	if t.Storage == nil {
		return nil
	}
	for _, u := range t.Storage.Unmodeled {
		if rest, ok := strings.CutPrefix(u, scratchPrefix); ok {
			return fmt.Errorf("table %s would be rebuilt through table %s, which exists in the database%s: mxmigrate builds that table and then drops it, so it does not rebuild through a table it did not make. Drop or rename %s if you do not need it, then generate again",
				t.Name, tmp, strings.TrimPrefix(rest, chdb.QuoteIdent(tmp)), tmp)
		}
	}
	return nil
}

// collapses reports whether a MergeTree-family engine merges rows that
// share its sorting key (ReplacingMergeTree, CollapsingMergeTree,
// VersionedCollapsingMergeTree, AggregatingMergeTree, SummingMergeTree,
// their Replicated and Shared forms, ...): every one but MergeTree itself.
func collapses(engine string) bool {
	base, _, _ := strings.Cut(engine, "(")
	base = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(base), "Replicated"), "Shared")
	return strings.HasSuffix(base, "MergeTree") && base != "MergeTree"
}

func engineOfTable(t *schema.Table) string {
	if t == nil || t.Storage == nil {
		return "MergeTree"
	}
	return t.Storage.Engine
}

// rebuildMark is the comment a rebuild's scratch table carries while the
// file runs: it tells this file's own leftover (which a run again may drop)
// from a table that someone else made under the same name.
func rebuildMark(table, create string) string {
	sum := sha256.Sum256([]byte(table + "\x00" + create))
	return markPrefix + hex.EncodeToString(sum[:6])
}

const markPrefix = "mxmigrate rebuild "

// rebuild replaces table from by a new table of shape to, keeping its rows,
// through the scratch table tmpName(to): create it (with a comment that
// marks it as this file's), copy the rows, compare the row counts, EXCHANGE
// TABLES, drop the scratch table (now the old one), clear the comment. A
// file run again after a failure converges: it first stops if the scratch
// table exists and is not its own (no mark, and the table does not carry
// the mark, which it does once the exchange is done), then drops its own
// leftover and starts the copy again. It never drops a table it did not make.
// The guards of its type changes are returned apart (Render puts them first).
func (d Dialect) rebuild(r plan.Rebuild) (guards, out []plan.Statement) {
	from, to, cs := r.From, r.To, r.Changes
	tmp := tmpName(to.Name)
	q, qt := d.Quote(to.Name), d.Quote(tmp)
	lit := chdb.QuoteString
	kept := d.carry(from, to)
	insert := d.copyRows(r, tmp, &kept)
	note := r.Note(fmt.Sprintf("rebuild %s: %s. Its rows are copied into %s, which then takes its place (EXCHANGE TABLES)", to.Name, r.Why, tmp), kept.kept, kept.lost)
	for _, c := range r.Columns() {
		if g, ok := d.guard(to.Name, c.To.Name, d.columnType(c.From), d.columnType(c.To)); ok {
			guards = append(guards, g)
		}
	}
	copying := func() *plan.Cost {
		return &plan.Cost{Table: to.Name, Effect: plan.Rewrites, Lock: lockRebuild}
	}
	meta := func() *plan.Cost {
		return &plan.Cost{Table: to.Name, Effect: plan.MetadataOnly, Lock: lockNone}
	}
	create := d.createTableWith(keepSettings(from, to), tmp, "", false, &kept)
	mark := rebuildMark(to.Name, create)
	out = []plan.Statement{
		{SQL: fmt.Sprintf("SELECT throwIf(countIf(name = %s AND comment != %s) > 0 AND countIf(name = %s AND comment = %s) = 0,\n    %s)\nFROM system.tables\nWHERE database = currentDatabase() AND name IN (%s, %s);",
			lit(tmp), lit(mark), lit(to.Name), lit(mark),
			lit(fmt.Sprintf("mxmigrate: table %s exists and was not made by this file (a rebuild of %s builds it, then drops it): %s is left as it was. Drop or rename %s if you do not need it, then run the migration again", tmp, to.Name, to.Name, tmp)),
			lit(to.Name), lit(tmp)),
			Note: note + ". First: stop if " + tmp + " exists and is not this file's own leftover (marked by its comment)", Cost: meta()},
		{SQL: "DROP TABLE IF EXISTS " + qt + " SYNC;", Note: "this file's own leftover of an earlier run, if any", Cost: meta()},
		{SQL: create + "\nCOMMENT " + lit(mark) + ";", Changes: cs, Cost: copying()},
		{SQL: insert, Cost: copying()},
	}
	comment, clear := "''", "clear the mark"
	if kept.comment != "" {
		comment, clear = kept.comment, "the table's own comment replaces the mark"
	}
	if st, ok := d.countCheck(from, to); ok {
		out = append(out, st)
	}
	return guards, append(out, []plan.Statement{
		{SQL: "EXCHANGE TABLES " + qt + " AND " + q + ";", Cost: meta()},
		{SQL: "DROP TABLE IF EXISTS " + qt + " SYNC;", Note: "the old table", Cost: meta()},
		{SQL: "ALTER TABLE " + q + " MODIFY COMMENT " + comment + ";", Note: "the rebuild is done: " + clear, Cost: meta()},
	}...)
}

// copyRows is a rebuild's INSERT ... SELECT from the old table into tmp:
// the columns both have, converted where the type changes (a NULL into a
// non-Nullable type becomes its default, as MODIFY COLUMN does in place),
// computed ones (ALIAS) left out, MATERIALIZED ones copied as stored.
func (d Dialect) copyRows(r plan.Rebuild, tmp string, kept *carried) string {
	lit := chdb.QuoteString
	var cols, exprs []string
	stored := false // a MATERIALIZED column is copied
	for _, cc := range r.Columns() {
		old, c := cc.From, cc.To
		if kept.computed[c.Name] {
			continue // computed when read (ALIAS)
		}
		stored = stored || strings.HasPrefix(kept.columns[c.Name], " MATERIALIZED ")
		cols = append(cols, d.Quote(c.Name))
		src := d.Quote(c.Name)
		ft, tt := d.columnType(old), d.columnType(c)
		if ft != tt {
			if _, wasNull := nullable(ft); wasNull && !strings.HasPrefix(tt, "Nullable(") {
				// a NULL becomes the new type's default (as MODIFY COLUMN
				// does in place); other values are cast, and if() evaluates
				// the cast for them only
				src = "if(isNull(" + src + "), defaultValueOfTypeName(" + lit(tt) + "), CAST(assumeNotNull(" + src + ") AS " + tt + "))"
			} else {
				src = "CAST(" + src + " AS " + tt + ")"
			}
		}
		exprs = append(exprs, src)
	}
	if len(cols) == 0 && len(r.To.Columns) > 0 {
		// no column survives: keep the number of rows, with default values
		c := r.To.Columns[0]
		cols, exprs = []string{d.Quote(c.Name)}, []string{"defaultValueOfTypeName(" + lit(d.columnType(c)) + ")"}
	}
	insert := "INSERT INTO " + d.Quote(tmp) + " (" + strings.Join(cols, ", ") + ")\n"
	if stored {
		// the stored values, not the expression evaluated again
		insert += "SETTINGS insert_allow_materialized_columns = 1\n"
	}
	return insert + "SELECT " + strings.Join(exprs, ", ") + "\nFROM " + d.Quote(r.To.Name) + ";"
}

// countCheck is the statement that stops a rebuild before EXCHANGE TABLES
// when the copy does not read the rows the table reads: with FINAL where an
// engine merges rows sharing its sorting key (so that rows the new key
// collapses are seen), plain counts otherwise (rows written to the table
// during the copy show). None when the new engine collapses rows and
// accept_collapse is set: its count may fall as it merges.
func (d Dialect) countCheck(from, to *schema.Table) (plan.Statement, bool) {
	tmp := tmpName(to.Name)
	oldEngine, newEngine := engineOfTable(from), engineOfTable(to)
	if collapses(newEngine) && d.settings().acceptCollapse {
		return plan.Statement{}, false
	}
	final := func(engine string) string {
		if collapses(engine) {
			return " FINAL"
		}
		return ""
	}
	oldCount := "(SELECT count() FROM " + d.Quote(to.Name) + final(oldEngine) + ")"
	newCount := "(SELECT count() FROM " + d.Quote(tmp) + final(newEngine) + ")"
	cmp, why := "!=", "rows were written to "+to.Name+" during the copy"
	switch {
	case collapses(newEngine):
		why = fmt.Sprintf("%s merged rows that share its sorting key (%s), or rows were written during the copy. To accept the loss: set accept_collapse = true in [ext.mxmigrate.clickhouse], force the version before this file, delete this file's pair and rehash, then generate again", newEngine, strings.Join(to.Storage.OrderBy, ", "))
	case collapses(oldEngine):
		// the old table's merges may lower its plain count meanwhile, but
		// never below what was copied
		cmp = "<"
	}
	msg := fmt.Sprintf("mxmigrate: the rebuilt copy of %s does not read the rows %s reads (%s): %s is left as it was", to.Name, to.Name, why, to.Name)
	return plan.Statement{SQL: fmt.Sprintf("SELECT throwIf(%s\n    %s %s,\n    %s);", newCount, cmp, oldCount, chdb.QuoteString(msg)),
		Note: "stop before EXCHANGE TABLES if the copy does not have the table's rows",
		Cost: &plan.Cost{Table: to.Name, Effect: plan.Scans, Lock: lockNone}}, true
}

// keepSettings is to with the settings of the live table from that to does
// not set (storage_policy, set by hand, say): a rebuild keeps them.
func keepSettings(from, to *schema.Table) *schema.Table {
	if from.Storage == nil || len(from.Storage.Settings) == 0 || to.Storage == nil {
		return to
	}
	t := to.Clone()
	if t.Storage.Settings == nil {
		t.Storage.Settings = map[string]string{}
	}
	dropped := map[string]bool{} // settings dropped on purpose (manage_unknown = "drop")
	for _, o := range from.Objects {
		if o.Kind == "setting" {
			dropped[o.Name] = true
		}
	}
	for _, o := range to.Objects {
		if o.Kind == "setting" {
			dropped[o.Name] = false
		}
	}
	for k, v := range from.Storage.Settings {
		if _, set := t.Storage.Settings[k]; !set && !dropped[k] {
			t.Storage.Settings[k] = v
		}
	}
	return t
}

// Kinds of value check a type change gets (see check).
const (
	checkNone      = iota // same base type: nullability alone changes
	checkRoundTrip        // converts to the new type and back to itself
	checkText             // text: converts and reads back as the same text
	checkTextTime         // text to a date or time: reads back as written
	checkParses           // to a type that cannot be Nullable: parses
)

// check is the kind of value check a change of type from fb to tb (base
// types, without Nullable) gets.
func check(fb, tb string) int {
	switch {
	case fb == tb:
		return checkNone
	case !wrappable(tb) || !wrappable(fb):
		return checkParses
	case fb == "String" && (strings.HasPrefix(tb, "Date") || strings.HasPrefix(tb, "Time")):
		return checkTextTime
	case fb == "String":
		return checkText
	}
	return checkRoundTrip
}

// guard is the statement that stops a file before column table.col changes
// type from one to another if a value would not survive. ClickHouse itself
// does worse: a MODIFY COLUMN to a Nullable type turns a value that does not
// parse into NULL without a word, to a non-Nullable type the new type is
// recorded before the data is rewritten, so the failing rewrite leaves a
// table no SELECT can read (until the mutation is killed and the type set
// back), and CAST clamps (a date past 2299, 2 to true), truncates (29.97 to
// 29) and reads '007' and '7' as the same 7. So: from a number, date, time,
// UUID or Bool, a value survives when it converts and converts back to
// itself (accurateCastOrNull both ways): no overflow, lost fraction, time of
// day or bool. From text, when it converts and reads back as the same text
// (toString), so that distinct texts never merge; to a date or time, when
// it reads back as written to its last digit (2024-01-31, 12:00:00). To or
// from a type that cannot be Nullable (Map, JSON), when the cast succeeds.
// With a cluster, every shard's rows are read (cluster()). Changes of
// nullability alone need no guard.
func (d Dialect) guard(table, col, from, to string) (plan.Statement, bool) {
	fb, _ := nullable(from)
	tb, _ := nullable(to)
	kind := check(fb, tb)
	if kind == checkNone {
		return plan.Statement{}, false
	}
	src, c := d.Quote(table), d.Quote(col)
	if cl := d.settings().cluster; cl != "" {
		src = "cluster(" + chdb.QuoteString(cl) + ", currentDatabase(), " + chdb.QuoteString(table) + ")"
	}
	lit := chdb.QuoteString
	msg := func(what string) string {
		return lit(fmt.Sprintf("mxmigrate: a value of %s.%s %s: the column is left as it was", table, col, what))
	}
	var sql, claim string
	switch kind {
	case checkParses:
		claim = "does not convert to " + tb
		sql = fmt.Sprintf("SELECT count()\nFROM %s\nWHERE %s IS NOT NULL AND NOT ignore(CAST(assumeNotNull(%s), %s));", src, c, c, lit(tb))
	case checkTextTime:
		// CAST clamps text dates ('2024-13-45' is 1900-01-01): the value
		// must read back as it was written, at least to its last digit
		claim = "does not read back as written once converted from String to " + tb
		sql = fmt.Sprintf("SELECT throwIf(countIf(%s IS NOT NULL AND NOT ifNull(startsWith(toString(accurateCastOrNull(%s, %s)), trimBoth(toString(%s))), false)) > 0,\n    %s)\nFROM %s;",
			c, c, lit(tb), c, msg(claim), src)
	case checkText:
		claim = "does not convert from String to " + tb + " and back to the same text"
		sql = fmt.Sprintf("SELECT throwIf(countIf(%s IS NOT NULL AND NOT ifNull(toString(accurateCastOrNull(%s, %s)) = %s, false)) > 0,\n    %s)\nFROM %s;",
			c, c, lit(tb), c, msg(claim), src)
	default:
		claim = "does not convert from " + fb + " to " + tb + " and back unchanged"
		sql = fmt.Sprintf("SELECT throwIf(countIf(%s IS NOT NULL AND ifNull(accurateCastOrNull(accurateCastOrNull(%s, %s), %s) != %s, true)) > 0,\n    %s)\nFROM %s;",
			c, c, lit(tb), lit(fb), c, msg(claim), src)
	}
	return plan.Statement{SQL: sql, Note: fmt.Sprintf("stops here, before %s.%s changes, if a value %s", table, col, claim),
		Cost: &plan.Cost{Table: table, Effect: plan.Scans, Lock: lockNone}}, true
}

// createTable is CREATE TABLE for t under name.
func (d Dialect) createTable(t *schema.Table, name, on string, ifNotExists bool) string {
	return d.createTableWith(t, name, on, ifNotExists, nil)
}

// createTableWith is createTable with what a rebuild carries (c, if not nil):
// column expressions, comments and codecs, constraints and projections, the
// TTL (but not the table's comment: the rebuild's mark is there first).
// It is long because it writes the statement's clauses in ClickHouse's
// order, one after the other.
func (d Dialect) createTableWith(t *schema.Table, name, on string, ifNotExists bool, c *carried) string {
	if c == nil {
		c = &carried{}
	}
	var b strings.Builder
	b.WriteString("CREATE TABLE ")
	if ifNotExists {
		b.WriteString("IF NOT EXISTS ")
	}
	b.WriteString(d.Quote(name) + on + "\n(\n")
	var lines []string
	for _, col := range t.Columns {
		lines = append(lines, "    "+d.Quote(col.Name)+" "+d.columnType(col)+c.columns[col.Name])
	}
	for _, ix := range t.Indexes {
		if ix.Using != "" && !c.noIndex[ix.Name] {
			lines = append(lines, "    INDEX "+d.Quote(ix.Name)+" "+ix.Columns[0]+" "+ix.Using)
		}
	}
	for _, e := range c.elements {
		lines = append(lines, "    "+e)
	}
	b.WriteString(strings.Join(lines, ",\n"))
	b.WriteString("\n)\n")
	st := t.Storage
	if st == nil {
		st = &schema.Storage{Engine: "MergeTree"}
		if t.PrimaryKey != nil {
			st.OrderBy = t.PrimaryKey.Columns
		}
	}
	b.WriteString("ENGINE = " + st.Engine)
	if st.PartitionBy != "" {
		b.WriteString("\nPARTITION BY " + st.PartitionBy)
	}
	if strings.Contains(st.Engine, "MergeTree") {
		keys := make([]string, len(st.OrderBy))
		for i, k := range st.OrderBy {
			if t.Column(k) != nil {
				k = d.Quote(k)
			}
			keys[i] = k
		}
		switch len(keys) {
		case 0:
			b.WriteString("\nORDER BY tuple()")
		case 1:
			b.WriteString("\nORDER BY " + keys[0])
		default:
			b.WriteString("\nORDER BY (" + strings.Join(keys, ", ") + ")")
		}
	}
	if c.ttl != "" {
		b.WriteString("\n" + c.ttl)
	}
	if len(st.Settings) > 0 {
		names := make([]string, 0, len(st.Settings))
		for k := range st.Settings {
			names = append(names, k)
		}
		sort.Strings(names)
		for i, k := range names {
			names[i] = k + " = " + st.Settings[k]
		}
		b.WriteString("\nSETTINGS " + strings.Join(names, ", "))
	}
	return b.String()
}

// inKey reports whether column name is in t's sorting key or is used by its
// partition expression.
func inKey(t *schema.Table, name string) bool {
	if t.Storage == nil {
		return false
	}
	for _, k := range t.Storage.OrderBy {
		if k == name || mentions(k, name) {
			return true
		}
	}
	return mentions(t.Storage.PartitionBy, name)
}

// mentions reports whether expression e uses identifier name.
func mentions(e, name string) bool {
	for i := 0; i < len(e); {
		j := strings.Index(e[i:], name)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(name)
		before := start == 0 || !identByte(e[start-1])
		after := end == len(e) || !identByte(e[end])
		if before && after {
			return true
		}
		i = start + 1
	}
	return false
}

func identByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// Caveats: on ClickHouse a column made non-Nullable, or added non-Nullable
// to a table with rows, does not fail on NULLs or missing values as on the
// other dialects: they become the type's default value (an empty String, 0,
// false, 1970-01-01, the zero UUID, an empty Map). Still gated: the NULLs are
// lost, and the default reads as a real value. A change that rebuilds its
// table (a column of the sorting key, say) is destructive whatever it is:
// rows written to the table during the copy are lost; and a rebuild into an
// engine that merges rows sharing its sorting key says so. A type change
// says what the file checks before it (guard) and what happens to values.
// It is long because it has one case per kind of change, each with its own
// account, which read best side by side.
func (d Dialect) Caveats(cs []diff.Change, before *schema.Schema) []string {
	rebuild := rebuilds(cs, before)
	storage := map[string]*schema.Storage{} // a rebuilt table's new storage
	for _, c := range cs {
		if c.Kind == diff.AlterStorage {
			storage[c.Table] = c.Storage
		}
	}
	var after *schema.Schema
	first := map[string]bool{} // rebuilt tables whose first change is seen
	out := make([]string, len(cs))
	for i, c := range cs {
		plain := c
		plain.Caveat = ""
		var parts []string
		if why, ok := rebuild[c.Table]; ok && !plan.IsObject(c) {
			if c.Kind == diff.AlterStorage {
				parts = append(parts, plain.Destructive())
			} else {
				parts = append(parts, fmt.Sprintf("rebuilds table %s (%s): its rows are copied into a new table that then takes its place, and rows written to it meanwhile are lost", c.Table, why))
			}
			st, ok := storage[c.Table]
			if !ok {
				if t := before.Table(c.Table); t != nil {
					st = t.Storage
				}
			}
			if st != nil && collapses(st.Engine) {
				s := fmt.Sprintf("rows sharing the new sorting key (%s) collapse (merge) into one under %s", strings.Join(st.OrderBy, ", "), st.Engine)
				if d.settings().acceptCollapse {
					s += ", and fewer rows may remain: accepted (accept_collapse = true), the row counts are not compared"
				} else {
					s += ": the file stops before EXCHANGE TABLES if the new table (FINAL) reads fewer rows than the old one (accept_collapse = true accepts it)"
				}
				parts = append(parts, s)
			}
			if old := before.Table(c.Table); old != nil && old.Storage != nil && st != nil && collapses(old.Storage.Engine) && !collapses(st.Engine) {
				parts = append(parts, fmt.Sprintf("rows of %s that share its sorting key and are not merged yet are copied as they are: duplicates that FINAL (or the merges) hid become visible under %s", old.Storage.Engine, st.Engine))
			}
			if !first[c.Table] {
				first[c.Table] = true
				if after == nil {
					after = diff.Apply(before, cs)
				}
				if old, t := before.Table(c.Table), after.Table(c.Table); old != nil && t != nil {
					if lost := d.carry(old, t).lost; len(lost) > 0 {
						parts = append(parts, "the new table cannot have what the old one has: "+strings.Join(lost, "; "))
					}
				}
			}
		}
		switch {
		case c.Kind == diff.AlterColumnType && plain.Destructive() != "":
			parts = append(parts, d.typeCaveat(c))
		case c.Kind == diff.AlterColumnNull && !c.Column.Nullable:
			parts = append(parts, fmt.Sprintf("makes %s.%s non-Nullable: rows holding NULL get the default value of %s instead, and the NULLs are lost",
				c.Table, c.Column.Name, d.columnType(c.Column)))
		case c.Kind == diff.AddColumn && !c.Column.Nullable:
			parts = append(parts, fmt.Sprintf("adds non-Nullable column %s.%s to an existing table: its rows get the default value of %s for it, which reads as a real value",
				c.Table, c.Column.Name, d.columnType(c.Column)))
		}
		if len(parts) == 1 && parts[0] == plain.Destructive() {
			parts = nil // diff's own account
		}
		out[i] = strings.Join(parts, "; ")
	}
	return out
}

// typeCaveat says what a type change does to values: what the guard stops
// on, and what it lets through that still changes.
func (d Dialect) typeCaveat(c diff.Change) string {
	fb, tb := d.TypeSQL(c.From.Type), d.TypeSQL(c.Column.Type)
	s := fmt.Sprintf("changes the type of %s.%s from %s to %s: ", c.Table, c.Column.Name, fb, tb)
	switch check(fb, tb) {
	case checkParses:
		s += "the file stops before the change if a value does not convert; converted values are " + tb + "'s own rendering, not the text they were written as"
	case checkTextTime:
		s += "the file stops before the change if a value does not read back as written (to its last digit)"
	case checkText:
		s += "the file stops before the change if a value does not read back as the same text"
		switch {
		case strings.HasPrefix(tb, "Int") || strings.HasPrefix(tb, "UInt") || isFloat(tb) || strings.HasPrefix(tb, "Decimal"):
			s += " ('007' and '7' would merge into 7)"
		case tb == "Bool":
			s += " ('1' and 'true' would merge into true)"
		}
	default:
		s += "the file stops before the change if a value does not convert and back unchanged"
		if isFloat(fb) && !isFloat(tb) {
			s += " (CAST truncates a fraction: 29.97 would become 29)"
		}
	}
	switch {
	case fb == "DateTime64(6)" && tb == "DateTime64(6, 'UTC')":
		s += "; each value keeps its instant: shown in the server's time zone before, in UTC after"
	case fb == "DateTime64(6, 'UTC')" && tb == "DateTime64(6)":
		s += "; each value keeps its instant and loses its time zone: shown in UTC before, in the server's time zone after"
	}
	return s
}

func isFloat(t string) bool { return strings.HasPrefix(t, "Float") }
