package clickhouse

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/internal/chdb"
	"github.com/mxmigrate/mxmigrate/schema"
	"github.com/mxmigrate/mxmigrate/stores"
)

// Render renders changes as idempotent statements (IF [NOT] EXISTS, MODIFY
// COLUMN), so that a file re-run after a failure part-way converges. What
// ClickHouse cannot alter in place (engine, ORDER BY, PARTITION BY, SETTINGS,
// and dropping or retyping a column of the sorting or partition key)
// rebuilds the table: a new table of the final shape, INSERT ... SELECT,
// EXCHANGE TABLES, drop the old one. With a cluster every statement carries
// ON CLUSTER, and rebuilds are refused (an INSERT ... SELECT copies only the
// shard it runs on).
func (d Dialect) Render(changes []diff.Change, before, after *schema.Schema) ([]stores.Statement, error) {
	cfg := d.settings()
	rebuild := map[string]string{} // table -> why
	for _, c := range changes {
		switch c.Kind {
		case diff.AddPrimaryKey, diff.DropPrimaryKey:
			return nil, fmt.Errorf("table %s: ClickHouse tables have no primary key constraint (their ORDER BY is the key): %s", c.Table, c.Summary())
		case diff.CreateIndex, diff.DropIndex:
			if c.Index.Using == "" {
				return nil, fmt.Errorf("table %s: ClickHouse has no secondary indexes, only data-skipping ones: %s", c.Table, c.Summary())
			}
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
	if cfg.cluster != "" && len(rebuild) > 0 {
		var names []string
		for t, why := range rebuild {
			names = append(names, t+" ("+why+")")
		}
		sort.Strings(names)
		return nil, fmt.Errorf("on cluster %s these tables would have to be rebuilt, which mxmigrate does not do on a cluster (an INSERT ... SELECT copies only the shard it runs on): %s. Rebuild them by hand on each shard (docs/clickhouse.md, \"Rebuilds on a cluster\"), or leave their engine, ORDER BY and PARTITION BY as they are",
			cfg.cluster, strings.Join(names, "; "))
	}
	var out []stores.Statement
	done := map[string]bool{}
	add := func(sql string, cs ...diff.Change) {
		out = append(out, stores.Statement{SQL: sql + ";", Changes: cs})
	}
	on := cfg.onCluster()
	for _, c := range changes {
		q := d.Quote(c.Table)
		if why, ok := rebuild[c.Table]; ok {
			if done[c.Table] {
				continue
			}
			done[c.Table] = true
			var own []diff.Change
			for _, x := range changes {
				if x.Table == c.Table {
					own = append(own, x)
				}
			}
			out = append(out, d.rebuild(before.Table(c.Table), after.Table(c.Table), own, why)...)
			continue
		}
		switch c.Kind {
		case diff.CreateTable:
			add(d.createTable(c.Def, c.Table, on, true), c)
		case diff.DropTable:
			add("DROP TABLE IF EXISTS "+q+on+" SYNC", c)
		case diff.AddColumn:
			add("ALTER TABLE "+q+on+" ADD COLUMN IF NOT EXISTS "+d.Quote(c.Column.Name)+" "+d.columnType(c.Column), c)
		case diff.DropColumn:
			add("ALTER TABLE "+q+on+" DROP COLUMN IF EXISTS "+d.Quote(c.Column.Name), c)
		case diff.AlterColumnType, diff.AlterColumnNull:
			key := c.Table + "\x00" + c.Column.Name
			if done[key] {
				continue
			}
			done[key] = true
			var own []diff.Change
			for _, x := range changes {
				if (x.Kind == diff.AlterColumnType || x.Kind == diff.AlterColumnNull) && x.Table == c.Table && x.Column.Name == c.Column.Name {
					own = append(own, x)
				}
			}
			from, to := d.columnType(own[0].From), d.columnType(own[len(own)-1].Column)
			col := d.Quote(c.Column.Name)
			if g, ok := d.guard(c.Table, c.Column.Name, from, to); ok {
				out = append(out, g)
			}
			_, wasNull := nullable(from)
			_, isNull := nullable(to)
			switch {
			case wasNull && !isNull:
				// ClickHouse needs a value for the NULLs: the type's own
				// default, which a non-null column has anyway
				add("ALTER TABLE "+q+on+" MODIFY COLUMN "+col+" "+to+" DEFAULT defaultValueOfTypeName("+chdb.QuoteString(to)+")", own...)
				out[len(out)-1].Note = fmt.Sprintf("NULLs in %s.%s become the default value of %s", c.Table, c.Column.Name, to)
			case isNull && !wasNull:
				// and back: a missing value is NULL again
				add("ALTER TABLE "+q+on+" MODIFY COLUMN "+col+" "+to+" DEFAULT NULL", own...)
			default:
				add("ALTER TABLE "+q+on+" MODIFY COLUMN "+col+" "+to, own...)
			}
		case diff.CreateIndex:
			add("ALTER TABLE "+q+on+" ADD INDEX IF NOT EXISTS "+d.Quote(c.Index.Name)+" "+c.Index.Columns[0]+" "+c.Index.Using, c)
		case diff.DropIndex:
			add("ALTER TABLE "+q+on+" DROP INDEX IF EXISTS "+d.Quote(c.Index.Name), c)
		}
	}
	for _, s := range out {
		if strings.Count(s.SQL, ";") > 1 {
			return nil, fmt.Errorf("statement %q holds a \";\": golang-migrate's ClickHouse driver splits files at every \";\", so no name, expression or setting may contain one", s.SQL)
		}
	}
	return out, nil
}

// rebuild replaces table from by a new table of shape to, keeping its rows.
// Each statement can run again after a failure: the new table is dropped
// first, and exchanging twice leaves the rebuilt table in place.
func (d Dialect) rebuild(from, to *schema.Table, cs []diff.Change, why string) []stores.Statement {
	tmp := to.Name + "__mxmigrate_new"
	if len(tmp) > 150 {
		// ClickHouse refuses names past ~200 bytes (less for long database names)
		tmp = schema.Shorten(tmp, 150)
	}
	q, qt := d.Quote(to.Name), d.Quote(tmp)
	var cols, exprs []string
	for _, c := range to.Columns {
		old := from.Column(c.Name)
		if old == nil {
			continue
		}
		cols = append(cols, d.Quote(c.Name))
		src := d.Quote(c.Name)
		ft, tt := d.columnType(old), d.columnType(c)
		if ft != tt {
			if base, wasNull := nullable(ft); wasNull && !strings.HasPrefix(tt, "Nullable(") {
				src = "ifNull(" + src + ", defaultValueOfTypeName(" + chdb.QuoteString(base) + "))"
			}
			src = "CAST(" + src + " AS " + tt + ")"
		}
		exprs = append(exprs, src)
	}
	if len(cols) == 0 && len(to.Columns) > 0 {
		// no column survives: keep the number of rows, with default values
		c := to.Columns[0]
		cols, exprs = []string{d.Quote(c.Name)}, []string{"defaultValueOfTypeName(" + chdb.QuoteString(d.columnType(c)) + ")"}
	}
	note := fmt.Sprintf("rebuild %s: %s. Its rows are copied into %s, which then takes its place (EXCHANGE TABLES)", to.Name, why, tmp)
	var guards []stores.Statement
	for _, c := range to.Columns {
		if old := from.Column(c.Name); old != nil {
			if g, ok := d.guard(to.Name, c.Name, d.columnType(old), d.columnType(c)); ok {
				guards = append(guards, g)
			}
		}
	}
	return append(guards, []stores.Statement{
		{SQL: "DROP TABLE IF EXISTS " + qt + " SYNC;", Note: note},
		{SQL: d.createTable(to, tmp, "", false) + ";", Changes: cs},
		{SQL: "INSERT INTO " + qt + " (" + strings.Join(cols, ", ") + ")\nSELECT " + strings.Join(exprs, ", ") + "\nFROM " + q + ";"},
		{SQL: "EXCHANGE TABLES " + qt + " AND " + q + ";"},
		{SQL: "DROP TABLE IF EXISTS " + qt + " SYNC;"},
	}...)
}

// guard is the statement that stops a file before column table.col changes
// type from one to another if a value does not convert. ClickHouse itself
// does worse: a MODIFY COLUMN to a Nullable type turns such a value into NULL
// without a word, and to a non-Nullable type the column's new type is
// recorded before its data is rewritten, so the failing rewrite leaves a
// table no SELECT can read (until the mutation is killed and the type set
// back). A value converts when accurateCastOrNull gives a value (no parse
// failure, overflow or lost fraction); types that cannot be Nullable (Map,
// JSON) are checked by casting every value, which fails the same way.
// Changes of nullability alone need no guard.
func (d Dialect) guard(table, col, from, to string) (stores.Statement, bool) {
	fb, _ := nullable(from)
	tb, _ := nullable(to)
	if fb == tb {
		return stores.Statement{}, false
	}
	q, c := d.Quote(table), d.Quote(col)
	msg := fmt.Sprintf("mxmigrate: a value of %s.%s does not convert from %s to %s: the column is left as it was", table, col, fb, tb)
	var sql string
	if wrappable(tb) {
		sql = fmt.Sprintf("SELECT throwIf(countIf(%s IS NOT NULL AND accurateCastOrNull(%s, %s) IS NULL) > 0, %s)\nFROM %s;",
			c, c, chdb.QuoteString(tb), chdb.QuoteString(msg), q)
	} else {
		src := c
		if fb != from {
			src = "ifNull(" + c + ", defaultValueOfTypeName(" + chdb.QuoteString(fb) + "))"
		}
		sql = fmt.Sprintf("SELECT count()\nFROM %s\nWHERE NOT ignore(CAST(%s, %s));", q, src, chdb.QuoteString(tb))
	}
	return stores.Statement{SQL: sql, Note: fmt.Sprintf("stops here, before %s.%s changes, if one of its values does not convert to %s", table, col, tb)}, true
}

// createTable is CREATE TABLE for t under name.
func (d Dialect) createTable(t *schema.Table, name, on string, ifNotExists bool) string {
	var b strings.Builder
	b.WriteString("CREATE TABLE ")
	if ifNotExists {
		b.WriteString("IF NOT EXISTS ")
	}
	b.WriteString(d.Quote(name) + on + "\n(\n")
	var lines []string
	for _, c := range t.Columns {
		lines = append(lines, "    "+d.Quote(c.Name)+" "+d.columnType(c))
	}
	for _, ix := range t.Indexes {
		if ix.Using != "" {
			lines = append(lines, "    INDEX "+d.Quote(ix.Name)+" "+ix.Columns[0]+" "+ix.Using)
		}
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

// Caveat: on ClickHouse a column made non-Nullable, or added non-Nullable to
// a table with rows, does not fail on NULLs or missing values as on the other
// dialects: they become the type's default value (an empty String, 0, false,
// 1970-01-01, the zero UUID, an empty Map). Still gated: the NULLs are lost,
// and the default reads as a real value.
func (d Dialect) Caveat(c diff.Change) string {
	switch {
	case c.Kind == diff.AlterColumnNull && !c.Column.Nullable:
		return fmt.Sprintf("makes %s.%s non-Nullable: rows holding NULL get the default value of %s instead, and the NULLs are lost",
			c.Table, c.Column.Name, d.columnType(c.Column))
	case c.Kind == diff.AddColumn && !c.Column.Nullable:
		return fmt.Sprintf("adds non-Nullable column %s.%s to an existing table: its rows get the default value of %s for it, which reads as a real value",
			c.Table, c.Column.Name, d.columnType(c.Column))
	}
	return ""
}
