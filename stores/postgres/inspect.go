package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mxmigrate/mxmigrate/internal/sqlx"
	"github.com/mxmigrate/mxmigrate/schema"
	"github.com/mxmigrate/mxmigrate/stores"
)

// Catalog queries: three per call whatever the number of tables, each
// limited to the connection's current schema (search_path) and the tables asked for.
const (
	// columnsQuery also reads each table's size: rows as the planner
	// estimates them (reltuples scaled to the table's current pages, -1
	// before the first ANALYZE or VACUUM) and bytes (pg_table_size: heap,
	// TOAST and maps, without indexes), computed once per table (the CTE)
	// and repeated on each of its rows.
	columnsQuery = `WITH s AS MATERIALIZED (
  SELECT c.oid, c.relname, c.reltuples, c.relpages, pg_catalog.pg_relation_size(c.oid) AS heap, pg_catalog.pg_table_size(c.oid) AS bytes
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
    AND ($1::text[] IS NULL OR c.relname = ANY($1::text[]))
)
SELECT s.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
  CASE WHEN s.reltuples < 0 THEN -1
    WHEN s.relpages > 0 THEN round(s.reltuples / s.relpages * (s.heap / current_setting('block_size')::bigint))::bigint
    WHEN s.heap = 0 THEN 0
    ELSE -1 END,
  s.bytes
FROM s
JOIN pg_catalog.pg_attribute a ON a.attrelid = s.oid
WHERE a.attnum > 0 AND NOT a.attisdropped
ORDER BY s.relname, a.attnum`
	pkQuery = `SELECT c.relname, con.conname,
  array_to_json(ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord))::text
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype = 'p' AND n.nspname = current_schema()
  AND ($1::text[] IS NULL OR c.relname = ANY($1::text[]))`
	indexesQuery = `SELECT t.relname, i.relname, ix.indisunique, ix.indisvalid,
  array_to_json(ARRAY(SELECT COALESCE(a.attname, '') FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
    LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum
    WHERE k.ord <= ix.indnkeyatts ORDER BY k.ord))::text
FROM pg_catalog.pg_index ix
JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid
JOIN pg_catalog.pg_class t ON t.oid = ix.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = current_schema() AND NOT ix.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE con.conindid = ix.indexrelid)
  AND ($1::text[] IS NULL OR t.relname = ANY($1::text[]))
ORDER BY t.relname, i.relname`
)

// Inspect reads the named tables that exist; nil tables means all. The three
// catalog queries run at once on a pool (separate connections), one by one on
// a single connection.
func (d Dialect) Inspect(ctx context.Context, q stores.Queryer, tables []string) (*schema.Schema, error) {
	arg := []any{nil}
	if tables != nil {
		arg = []any{tables}
	}
	var (
		cols     []sqlx.ColumnRow
		pks, ixs []sqlx.KeyRow
	)
	keys := func(dst *[]sqlx.KeyRow, withUnique bool) func(*sql.Rows) error {
		return func(r *sql.Rows) error {
			var k sqlx.KeyRow
			var list string
			var err error
			if withUnique {
				var valid bool
				err = r.Scan(&k.Table, &k.Name, &k.Unique, &valid, &list)
				k.Invalid = !valid
			} else {
				err = r.Scan(&k.Table, &k.Name, &list)
			}
			if err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(list), &k.Columns); err != nil {
				return fmt.Errorf("%s: %w", k.Name, err)
			}
			*dst = append(*dst, k)
			return nil
		}
	}
	err := sqlx.Queries(q,
		func() error {
			return sqlx.Scan(ctx, q, "read columns", columnsQuery, arg, func(r *sql.Rows) error {
				var c sqlx.ColumnRow
				if err := r.Scan(&c.Table, &c.Name, &c.Type, &c.Nullable, &c.Stats.Rows, &c.Stats.Bytes); err != nil {
					return err
				}
				cols = append(cols, c)
				return nil
			})
		},
		func() error { return sqlx.Scan(ctx, q, "read primary keys", pkQuery, arg, keys(&pks, false)) },
		func() error { return sqlx.Scan(ctx, q, "read indexes", indexesQuery, arg, keys(&ixs, true)) },
	)
	if err != nil {
		return nil, err
	}
	return sqlx.Assemble(cols, pks, ixs, d.NormalizeType), nil
}

// ReadText reads table's rows, each column cast to text.
func (d Dialect) ReadText(ctx context.Context, q stores.Queryer, table string, columns []string) ([][]*string, error) {
	sel := make([]string, len(columns))
	for i, c := range columns {
		sel[i] = d.Quote(c) + "::text"
	}
	return sqlx.ReadText(ctx, q, "read "+table, "SELECT "+strings.Join(sel, ", ")+" FROM "+d.Quote(table), len(columns))
}
