package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/internal/catalog"
	"github.com/mxmigrate/mxmigrate/schema"
)

// Catalog queries: three per call whatever the number of tables, each
// limited to the connection's current schema (search_path) and the tables asked for.
const (
	// columnsQuery reads the columns from the catalog alone, with their
	// DEFAULT, identity, generation and comments (joined, not a function
	// call a row), and the table's comment on each of its rows; the rows
	// come in no order (Inspect orders them by attnum: a sort here spills
	// to disk at a thousand tables). Sizes, which cost a file-system call
	// per table, are read by sizesQuery for the tables a plan changes.
	// The comments on tables and columns are read once (ds) and hashed: two
	// index lookups a table took ~20 ms more at 1,000 tables in a new
	// server backend. Key columns (pkQuery, indexesQuery) are looked up one
	// by one, not joined with all of their table's columns.
	columnsQuery = `WITH ds AS MATERIALIZED (
  SELECT objoid, objsubid, description FROM pg_catalog.pg_description WHERE classoid = 'pg_catalog.pg_class'::regclass
)
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
  COALESCE(pg_catalog.pg_get_expr(d.adbin, d.adrelid), ''), a.attidentity::text, a.attgenerated::text,
  COALESCE(cd.description, ''), COALESCE(td.description, ''), a.attnum
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN ds cd ON cd.objoid = c.oid AND cd.objsubid = a.attnum
LEFT JOIN ds td ON td.objoid = c.oid AND td.objsubid = 0
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  AND ($1::text[] IS NULL OR c.relname = ANY($1::text[]))`
	// sizesQuery reads the named tables' sizes: rows as the planner
	// estimates them (reltuples scaled to the table's current pages, -1
	// before the first ANALYZE or VACUUM) and bytes (the heap and its
	// TOAST table, without indexes: two file-system calls a table, where
	// pg_table_size, which adds the free-space and visibility maps, makes
	// about ten).
	sizesQuery = `WITH s AS MATERIALIZED (
  SELECT c.relname, c.reltuples, c.relpages, pg_catalog.pg_relation_size(c.oid) AS heap,
    COALESCE(pg_catalog.pg_relation_size(NULLIF(c.reltoastrelid, 0)), 0) AS toast
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname = ANY($1::text[])
)
SELECT s.relname,
  CASE WHEN s.reltuples < 0 THEN -1
    WHEN s.relpages > 0 THEN round(s.reltuples / s.relpages * (s.heap / current_setting('block_size')::bigint))::bigint
    WHEN s.heap = 0 THEN 0
    ELSE -1 END,
  s.heap + s.toast
FROM s`
	// pkQuery reads primary keys, and the other constraints (unique, check,
	// foreign key, exclusion) and the triggers mxmigrate does not model
	// (decision 40), with their definitions.
	pkQuery = `SELECT c.relname, con.conname,
  array_to_json(ARRAY(SELECT (SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = con.conrelid AND a.attnum = k.attnum)
    FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) WHERE k.attnum <> 0 ORDER BY k.ord))::text,
  con.contype::text, CASE WHEN con.contype = 'p' THEN '' ELSE pg_catalog.pg_get_constraintdef(con.oid) END,
  pg_catalog.quote_ident(current_schema())
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype IN ('p', 'u', 'c', 'f', 'x') AND n.nspname = current_schema()
  AND ($1::text[] IS NULL OR c.relname = ANY($1::text[]))
UNION ALL
SELECT c.relname, tg.tgname, '[]', 'T', pg_catalog.pg_get_triggerdef(tg.oid), pg_catalog.quote_ident(current_schema())
FROM pg_catalog.pg_trigger tg
JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE NOT tg.tgisinternal AND n.nspname = current_schema()
  AND ($1::text[] IS NULL OR c.relname = ANY($1::text[]))`
	// indexesQuery reads the secondary indexes, without those a constraint
	// of their own table owns (primary key, unique, exclusion: pkQuery reads
	// those). A foreign key names the unique index it references (conindid),
	// on the other table: that one is still an index.
	indexesQuery = `SELECT t.relname, i.relname, ix.indisunique, ix.indisvalid,
  array_to_json(ARRAY(SELECT COALESCE((SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = ix.indrelid AND a.attnum = k.attnum), '')
    FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
    WHERE k.ord <= ix.indnkeyatts ORDER BY k.ord))::text,
  ix.indpred IS NOT NULL OR ix.indnkeyatts < ix.indnatts OR am.amname <> 'btree'
FROM pg_catalog.pg_index ix
JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid
JOIN pg_catalog.pg_class t ON t.oid = ix.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
JOIN pg_catalog.pg_am am ON am.oid = i.relam
WHERE n.nspname = current_schema() AND NOT ix.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con
    WHERE con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid AND con.contype IN ('p', 'u', 'x'))
  AND ($1::text[] IS NULL OR t.relname = ANY($1::text[]))
ORDER BY t.relname, i.relname`
	// indexDefsQuery reads the named tables' index definitions
	// (pg_get_indexdef, a function call an index: Complete reads them for
	// the tables a plan changes or lists).
	indexDefsQuery = `SELECT t.relname, i.relname, pg_catalog.pg_get_indexdef(ix.indexrelid), pg_catalog.quote_ident(current_schema())
FROM pg_catalog.pg_index ix
JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid
JOIN pg_catalog.pg_class t ON t.oid = ix.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = current_schema() AND NOT ix.indisprimary AND t.relname = ANY($1::text[])`
)

// Inspect reads the named tables that exist; nil tables means all, in three
// catalog queries, one after the other on one connection.
func (d Dialect) Inspect(ctx context.Context, q dialect.Queryer, tables []string) (*schema.Schema, error) {
	arg := []any{nil}
	if tables != nil {
		arg = []any{tables}
	}
	in := &inspection{d: d, special: map[string]bool{}, commented: map[string]bool{}, cols: catalog.NewBuilder(d.NormalizeType)}
	// One connection, one query after the other: a second and a third
	// connection cost more than they save (docs/performance.md).
	err := catalog.InOrder(
		func() error { return catalog.Scan(ctx, q, "read columns", columnsQuery, arg, in.column) },
		func() error { return catalog.Scan(ctx, q, "read primary keys", pkQuery, arg, in.constraint) },
		func() error { return catalog.Scan(ctx, q, "read indexes", indexesQuery, arg, in.index) },
	)
	if err != nil {
		return nil, err
	}
	out := in.cols.Schema(in.pks, in.ixs)
	for _, t := range out.Tables {
		for _, ix := range t.Indexes {
			if in.special[t.Name+"\x00"+ix.Name] {
				ix.Using = "(as defined)"
			}
		}
	}
	attachObjects(out, append(in.colObjs, in.conObjs...))
	return out, nil
}

// Complete reads, for the named tables of live, their sizes (sizesQuery)
// and their indexes' definitions (indexDefsQuery): a file-system call per
// table and a function call per index, which Inspect leaves to the tables
// a plan changes or lists.
func (Dialect) Complete(ctx context.Context, q dialect.Queryer, live *schema.Schema, need dialect.Need) error {
	sizes := map[string]*schema.Stats{}
	defs := map[string]string{} // table\x00index
	var reads []func() error
	if len(need.Sizes) > 0 {
		reads = append(reads, func() error {
			return catalog.Scan(ctx, q, "read table sizes", sizesQuery, []any{need.Sizes}, func(r *sql.Rows) error {
				var name string
				var st schema.Stats
				if err := r.Scan(&name, &st.Rows, &st.Bytes); err != nil {
					return err
				}
				sizes[name] = &st
				return nil
			})
		})
	}
	if len(need.Definitions) > 0 {
		reads = append(reads, func() error {
			return catalog.Scan(ctx, q, "read index definitions", indexDefsQuery, []any{need.Definitions}, func(r *sql.Rows) error {
				var table, index, def, nsp string
				if err := r.Scan(&table, &index, &def, &nsp); err != nil {
					return err
				}
				defs[table+"\x00"+index] = unqualified(def, nsp)
				return nil
			})
		})
	}
	if err := catalog.InOrder(reads...); err != nil {
		return err
	}
	idx := live.Index()
	for name, st := range sizes {
		if t := idx[name]; t != nil {
			t.Stats = st
		}
	}
	for _, name := range need.Definitions {
		t := idx[name]
		if t == nil {
			continue
		}
		for _, ix := range t.Indexes {
			if def, ok := defs[name+"\x00"+ix.Name]; ok {
				ix.Def = def
			}
		}
	}
	return nil
}

// inspection is one Inspect: the rows of its three queries (each writes its
// own fields).
type inspection struct {
	d    Dialect
	cols *catalog.Builder // columns in attnum order within each table (the query returns them in no order)
	row  struct {         // the columns query's row being read
		catalog.ColumnRow
		def, identity, generated, comment, tableComment string
		attnum                                          int
	}
	commented        map[string]bool // tables whose comment is read
	pks, ixs         []catalog.KeyRow
	colObjs, conObjs []tableObject
	// special (table\x00index): a partial, covering or non-btree index,
	// which serves no target index (they are plain) whatever its columns
	special map[string]bool
}

// column reads a row of the columns query: a column (its table's size is
// left to Complete), and its DEFAULT, identity, generation and comments as
// objects.
func (in *inspection) column(r *sql.Rows) error {
	x := &in.row // scanned into in place: a row's variables would escape, 250,000 times at 10,000 tables
	if err := r.Scan(&x.Table, &x.Name, &x.Type, &x.Nullable, &x.def, &x.identity, &x.generated, &x.comment, &x.tableComment, &x.attnum); err != nil {
		return err
	}
	if in.commented[x.Table] {
		x.tableComment = "" // on each of the table's rows: taken once
	} else {
		in.commented[x.Table] = true
	}
	in.cols.Column(catalog.ColumnRow{Table: x.Table, Name: x.Name, Type: x.Type, Nullable: x.Nullable, Stats: schema.Stats{Rows: -1, Bytes: -1}}, x.attnum)
	in.colObjs = append(in.colObjs, in.d.columnObjects(x.Table, x.Name, x.def, x.identity, x.generated, x.comment, x.tableComment)...)
	return nil
}

// constraint reads a row of the constraints query: the primary key, or a
// constraint mxmigrate does not model (an object).
func (in *inspection) constraint(r *sql.Rows) error {
	var k catalog.KeyRow
	var list, contype, def, nsp string
	if err := r.Scan(&k.Table, &k.Name, &list, &contype, &def, &nsp); err != nil {
		return err
	}
	cols, def, err := keyColumns(k.Name, list, def, nsp)
	if err != nil {
		return err
	}
	if contype != "p" {
		in.conObjs = append(in.conObjs, in.d.constraintObject(k.Table, k.Name, contype, def, cols))
		return nil
	}
	k.Columns = cols
	in.pks = append(in.pks, k)
	return nil
}

// index reads a row of the indexes query (its definition is left to
// Complete).
func (in *inspection) index(r *sql.Rows) error {
	var k catalog.KeyRow
	var list string
	var valid, special bool
	if err := r.Scan(&k.Table, &k.Name, &k.Unique, &valid, &list, &special); err != nil {
		return err
	}
	k.Invalid = !valid
	cols, err := keyList(k.Name, list)
	if err != nil {
		return err
	}
	k.Columns = cols
	in.special[k.Table+"\x00"+k.Name] = special
	in.ixs = append(in.ixs, k)
	return nil
}

// keyColumns decodes a key's column list (JSON) and keeps its definition
// unqualified.
func keyColumns(name, list, def, nsp string) ([]string, string, error) {
	cols, err := keyList(name, list)
	return cols, unqualified(def, nsp), err
}

// keyList decodes a key's column list (JSON).
func keyList(name, list string) ([]string, error) {
	var cols []string
	if err := json.Unmarshal([]byte(list), &cols); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return cols, nil
}

// unqualified is a definition without the schema before the table's name:
// pg_get_indexdef and pg_get_triggerdef name the table with its schema,
// and a down file recreates the object beside its table in any schema.
func unqualified(def, nsp string) string {
	return strings.Replace(def, " ON "+nsp+".", " ON ", 1)
}

// ReadText reads table's rows, each column cast to text.
func (d Dialect) ReadText(ctx context.Context, q dialect.Queryer, table string, columns []string) ([][]*string, error) {
	return catalog.ReadColumns(ctx, q, d.Quote, table, columns, func(c string) string { return c + "::text" })
}

// CatalogQueries are the three queries Inspect runs, $1 the names asked
// for: integration/bench replays them through psql as the floor any tool
// reading this catalog pays.
func CatalogQueries() []string { return []string{columnsQuery, pkQuery, indexesQuery} }
