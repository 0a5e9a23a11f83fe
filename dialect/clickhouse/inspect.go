package clickhouse

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/internal/catalog"
	"github.com/mxmigrate/mxmigrate/internal/chdb"
	"github.com/mxmigrate/mxmigrate/schema"
)

// Catalog queries: three per call, whatever the number of tables, each scoped
// to the connection's database and the tables asked for.
const (
	tablesQuery = `SELECT name, engine, engine_full, sorting_key, partition_key, comment, ifNull(total_rows, -1), ifNull(total_bytes, -1), create_table_query
FROM system.tables
WHERE database = currentDatabase() AND NOT is_temporary AND NOT startsWith(name, '.inner')%s
ORDER BY name`
	columnsQuery = `SELECT table, name, type, default_kind, default_expression, compression_codec, comment
FROM system.columns
WHERE database = currentDatabase()%s
ORDER BY table, position`
	indexesQuery = `SELECT table, name, expr, type_full, granularity
FROM system.data_skipping_indices
WHERE database = currentDatabase()%s
ORDER BY table, name`
)

// Inspect reads the named tables that exist (nil: all) of the connection's
// database: columns with their types, engine, sorting key, partition key,
// settings, and data-skipping indexes, in three catalog queries run at once
// on a pool.
func (d Dialect) Inspect(ctx context.Context, q dialect.Queryer, tables []string) (*schema.Schema, error) {
	if tables != nil && len(tables) == 0 {
		return &schema.Schema{}, nil
	}
	in := &inspection{d: d, out: &schema.Schema{}, scratch: map[string]string{}, byName: map[string]*schema.Table{},
		cols: catalog.NewBuilder(d.NormalizeType)}
	withScratch := in.withScratch(tables)
	if tables != nil && len(withScratch) > maxNamesInQuery {
		// a query holds at most max_query_size (256 KiB): a long list of
		// names is kept here instead (before the queries, which run at once)
		in.only = make(map[string]bool, len(withScratch))
		for _, n := range withScratch {
			in.only[n] = true
		}
	}
	filter := func(col string, list []string) string {
		if tables == nil || in.only != nil {
			return ""
		}
		lits := make([]string, len(list))
		for i, t := range list {
			lits[i] = chdb.QuoteString(t)
		}
		return "\n  AND " + col + " IN (" + strings.Join(lits, ", ") + ")"
	}
	err := catalog.Queries(q,
		func() error {
			return catalog.Scan(ctx, q, "read tables", strings.Replace(tablesQuery, "%s", filter("name", withScratch), 1), nil, in.table)
		},
		func() error {
			return catalog.Scan(ctx, q, "read columns", strings.Replace(columnsQuery, "%s", filter("table", tables), 1), nil, in.column)
		},
		func() error {
			return catalog.Scan(ctx, q, "read data-skipping indexes", strings.Replace(indexesQuery, "%s", filter("table", tables), 1), nil, func(r *sql.Rows) error {
				var x ixRow
				if err := r.Scan(&x.table, &x.name, &x.expr, &x.typ, &x.granularity); err != nil {
					return err
				}
				if in.unasked(x.table) {
					return nil
				}
				in.ixs = append(in.ixs, x)
				return nil
			})
		},
	)
	if err != nil {
		return nil, err
	}
	return in.assemble(tables == nil), nil
}

// inspection is one Inspect: the catalog's rows as they come, then the
// schema assembled from them.
type inspection struct {
	d   Dialect
	out *schema.Schema
	// scratchOf: scratch table name -> the table a rebuild builds it for
	scratchOf map[string]string
	scratch   map[string]string // table -> "<scratch> (<rows> rows)"
	byName    map[string]*schema.Table
	// cols assembles the columns as their rows come (the tables query
	// runs at the same time); extras are the rows of columns with a
	// default, codec or comment, few, and row the one scanned into
	cols   *catalog.Builder
	n      int // column rows read
	extras []colRow
	row    colRow
	ixs    []ixRow
	// only, when set, are the names asked for, kept here rather than in
	// the queries (maxNamesInQuery)
	only map[string]bool
}

// maxNamesInQuery is the most table names the catalog queries list: more
// would pass ClickHouse's max_query_size (256 KiB) at long names, so the
// queries then read the database's tables and the names are kept here.
const maxNamesInQuery = 1000

// unasked reports whether a catalog row of table is outside what was asked for.
func (in *inspection) unasked(table string) bool { return in.only != nil && !in.only[table] }

type colRow struct {
	table, name, typ, defaultKind, defaultExpr, codec, comment string
}

type ixRow struct {
	table, name, expr, typ string
	granularity            int64
}

// withScratch is tables with, for each, the scratch table a rebuild of it
// would build (tmpName), read by the same query so that a plan refuses to
// rebuild through a table that exists (canRebuild): it is reported on its
// table (Storage.Unmodeled), not as a table of its own.
func (in *inspection) withScratch(tables []string) []string {
	in.scratchOf = map[string]string{}
	for _, t := range tables {
		in.scratchOf[tmpName(t)] = t
	}
	for _, t := range tables {
		delete(in.scratchOf, t) // a table asked for is itself
	}
	tmps := make([]string, 0, len(in.scratchOf))
	for tmp := range in.scratchOf {
		tmps = append(tmps, tmp)
	}
	sort.Strings(tmps)
	return append(append([]string(nil), tables...), tmps...)
}

// column reads a row of the columns query, in place: a row's variables
// would escape, and a list of the rows was the largest allocation of an
// inspection (250,000 rows of seven strings at 10,000 tables).
func (in *inspection) column(r *sql.Rows) error {
	c := &in.row
	if err := r.Scan(&c.table, &c.name, &c.typ, &c.defaultKind, &c.defaultExpr, &c.codec, &c.comment); err != nil {
		return err
	}
	if in.unasked(c.table) {
		return nil
	}
	base, null := nullable(c.typ)
	in.cols.Column(catalog.ColumnRow{Table: c.table, Name: c.name, Type: base, Nullable: null}, in.n) // in the query's order
	in.n++
	if unmodeledColumn(c.defaultKind, c.defaultExpr, c.codec, c.comment) != "" {
		in.extras = append(in.extras, *c)
	}
	return nil
}

// table reads one row of the tables query: a table, or a scratch table.
func (in *inspection) table(r *sql.Rows) error {
	var name, engine, full, sorting, partition, comment, create string
	var st schema.Stats
	if err := r.Scan(&name, &engine, &full, &sorting, &partition, &comment, &st.Rows, &st.Bytes, &create); err != nil {
		return err
	}
	if in.unasked(name) {
		return nil
	}
	// total_rows and total_bytes: exact for MergeTree tables (NULL, read as
	// -1, for engines that do not know)
	if base, ok := in.scratchOf[name]; ok {
		in.scratch[base] = scratchText(name, st.Rows, comment)
		return nil
	}
	t := &schema.Table{Name: name, Stats: &st}
	if strings.Contains(engine, "MergeTree") {
		t.Storage = parseStorage(full, sorting, partition)
	} else {
		t.Storage = &schema.Storage{Engine: engineOf(full)}
	}
	if i := topLevel(full, " TTL "); i >= 0 {
		ttl := full[i+1:]
		if j := topLevel(ttl, " SETTINGS "); j >= 0 {
			ttl = ttl[:j]
		}
		t.Storage.Unmodeled = append(t.Storage.Unmodeled, ttl)
	}
	if comment != "" {
		t.Storage.Unmodeled = append(t.Storage.Unmodeled, "COMMENT "+chdb.QuoteString(comment))
	}
	t.Objects = in.d.tableObjects(name, create, t.Storage)
	in.byName[name] = t
	in.out.Tables = append(in.out.Tables, t)
	return nil
}

// assemble puts the columns, data-skipping indexes and scratch tables on
// their tables (all: every table was read, so a scratch table is one of
// them).
func (in *inspection) assemble(all bool) *schema.Schema {
	if all {
		for _, t := range in.out.Tables {
			if s := in.byName[tmpName(t.Name)]; s != nil && s != t {
				in.scratch[t.Name] = scratchText(s.Name, s.Stats.Rows, "")
			}
		}
	}
	for name, text := range in.scratch {
		if t := in.byName[name]; t != nil && t.Storage != nil {
			t.Storage.Unmodeled = append(t.Storage.Unmodeled, text)
		}
	}
	for _, t := range in.out.Tables {
		t.Columns = in.cols.Columns(t.Name) // none: a view, or a table created between the queries
	}
	for _, c := range in.extras {
		if t := in.byName[c.table]; t != nil && t.Storage != nil {
			t.Storage.Unmodeled = append(t.Storage.Unmodeled, "column "+c.name+": "+unmodeledColumn(c.defaultKind, c.defaultExpr, c.codec, c.comment))
			t.Objects = append(t.Objects, in.d.columnObjects(c.table, c.name, c.defaultKind, c.defaultExpr, c.codec, c.comment)...)
		}
	}
	for _, t := range in.out.Tables {
		t.SortObjects()
	}
	for _, x := range in.ixs {
		if t := in.byName[x.table]; t != nil {
			t.Indexes = append(t.Indexes, &schema.Index{Name: x.name, Columns: []string{x.expr},
				Using: "TYPE " + x.typ + " GRANULARITY " + strconv.FormatInt(x.granularity, 10)})
		}
	}
	return in.out
}

// scratchPrefix starts the account, among a table's Unmodeled, of the table
// its rebuilds would build first, which exists (see Inspect, canRebuild).
const scratchPrefix = "its rebuild table exists: "

func scratchText(name string, rows int64, comment string) string {
	s := scratchPrefix + chdb.QuoteIdent(name)
	if rows >= 0 {
		s += fmt.Sprintf(" (%d rows)", rows)
	}
	if strings.HasPrefix(comment, markPrefix) {
		s += ", left by a migration's rebuild that stopped part-way (run that migration again, or drop the table)"
	}
	return s
}

// ReadText reads table's rows, each column as text (NULL stays nil; maps as
// their JSON text).
func (d Dialect) ReadText(ctx context.Context, q dialect.Queryer, table string, columns []string) ([][]*string, error) {
	sel := make([]string, len(columns))
	for i, c := range columns {
		sel[i] = "toString(" + d.Quote(c) + ")"
	}
	// final = 1: the rows as the table reads once its merges are done (an
	// engine that merges rows sharing its sorting key, FINAL; others as
	// they are), so that the proof and the kit see what a merge will lose
	return catalog.ReadText(ctx, q, "read "+table, "SELECT "+strings.Join(sel, ", ")+" FROM "+d.Quote(table)+" SETTINGS final = 1", len(columns))
}

// unmodeledColumn describes a column's default, codec and comment, which
// mxmigrate does not manage ("" when it has none). The defaults mxmigrate's
// own MODIFY COLUMN sets (the type's default value, NULL) are the column's
// implicit ones and do not count.
func unmodeledColumn(kind, expr, codec, comment string) string {
	var parts []string
	if kind != "" && !(kind == "DEFAULT" && (expr == "NULL" || strings.HasPrefix(expr, "defaultValueOfTypeName("))) {
		parts = append(parts, kind+" "+expr)
	}
	if codec != "" {
		parts = append(parts, codec)
	}
	if comment != "" {
		parts = append(parts, "COMMENT "+chdb.QuoteString(comment))
	}
	return strings.Join(parts, " ")
}

// parseStorage reads a MergeTree table's storage from system.tables: the
// engine and its arguments and the SETTINGS from engine_full, the sorting
// and partition keys from their columns.
func parseStorage(full, sorting, partition string) *schema.Storage {
	sorting = strings.TrimSpace(sorting)
	for wrapped(sorting) {
		sorting = strings.TrimSpace(sorting[1 : len(sorting)-1]) // "(id)": one key in parentheses
	}
	st := &schema.Storage{Engine: engineOf(full), PartitionBy: partition, OrderBy: splitTop(sorting)}
	for i := range st.OrderBy {
		st.OrderBy[i] = unquoteIdent(st.OrderBy[i])
	}
	if i := topLevel(full, " SETTINGS "); i >= 0 {
		st.Settings = map[string]string{}
		for _, kv := range splitTop(full[i+len(" SETTINGS "):]) {
			k, v, _ := strings.Cut(kv, " = ")
			st.Settings[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return st
}

// scanTop calls f with the index of each byte of s outside quotes and the
// parenthesis depth once that byte is read, until f returns true.
func scanTop(s string, f func(i, depth int) bool) {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\'', '`', '"':
			i = chdb.SkipQuoted(s, i) - 1
			continue
		case '(':
			depth++
		case ')':
			depth--
		}
		if f(i, depth) {
			return
		}
	}
}

// engineOf is the engine with its arguments: engine_full up to the first
// clause.
func engineOf(full string) string {
	end := len(full)
	scanTop(full, func(i, depth int) bool {
		if full[i] == ' ' && depth == 0 {
			end = i
			return true
		}
		return false
	})
	return normalizeExpr(full[:end])
}

// topLevel finds sub in s outside parentheses and quotes.
func topLevel(s, sub string) int {
	at := -1
	scanTop(s, func(i, depth int) bool {
		if depth == 0 && strings.HasPrefix(s[i:], sub) {
			at = i
			return true
		}
		return false
	})
	return at
}

// splitTop splits s at commas outside parentheses and quotes.
func splitTop(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	var out []string
	start := 0
	scanTop(s, func(i, depth int) bool {
		if s[i] == ',' && depth == 0 {
			out = append(out, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
		return false
	})
	return append(out, strings.TrimSpace(s[start:]))
}

// unquoteIdent removes ClickHouse's back-quotes from a key element that is
// one quoted identifier.
func unquoteIdent(s string) string {
	if len(s) >= 2 && s[0] == '`' && chdb.SkipQuoted(s, 0) == len(s) {
		inner := s[1 : len(s)-1]
		return strings.NewReplacer("\\`", "`", `\\`, `\`, "``", "`").Replace(inner)
	}
	return s
}

// wrapped reports whether s is one parenthesised expression: "(a)", "(a, b)".
func wrapped(s string) bool {
	if !strings.HasPrefix(s, "(") {
		return false
	}
	whole := false
	scanTop(s, func(i, depth int) bool {
		if s[i] == ')' && depth == 0 {
			whole = i == len(s)-1
			return true
		}
		return false
	})
	return whole
}

// Complete: Inspect reads sizes and definitions from the catalog at no
// extra cost.
func (Dialect) Complete(context.Context, dialect.Queryer, *schema.Schema, dialect.Need) error {
	return nil
}
