package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mxmigrate/mxmigrate/schema"
	"github.com/mxmigrate/mxmigrate/stores"
)

// Catalog queries: three per call whatever the number of tables, each
// limited to the connection's current schema (search_path) and the tables asked for.
const (
	columnsQuery = `SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  AND ($1::text[] IS NULL OR c.relname = ANY($1::text[]))
ORDER BY c.relname, a.attnum`
	pkQuery = `SELECT c.relname, con.conname,
  array_to_json(ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord))::text
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype = 'p' AND n.nspname = current_schema()
  AND ($1::text[] IS NULL OR c.relname = ANY($1::text[]))`
	indexesQuery = `SELECT t.relname, i.relname, ix.indisunique,
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

// Introspect reads the named tables that exist; nil tables means all.
func (Dialect) Introspect(ctx context.Context, q stores.Queryer, tables []string) (*schema.Schema, error) {
	var arg any
	if tables != nil {
		arg = tables
	}
	byName := map[string]*schema.Table{}
	out := &schema.Schema{}
	rows, err := q.QueryContext(ctx, columnsQuery, arg)
	if err != nil {
		return nil, fmt.Errorf("read columns: %w", err)
	}
	for rows.Next() {
		var tn, cn, typ string
		var nullable bool
		if err := rows.Scan(&tn, &cn, &typ, &nullable); err != nil {
			rows.Close()
			return nil, err
		}
		t := byName[tn]
		if t == nil {
			t = &schema.Table{Name: tn}
			byName[tn] = t
			out.Tables = append(out.Tables, t)
		}
		t.Columns = append(t.Columns, &schema.Column{Name: cn, Type: NormalizeType(typ), Nullable: nullable})
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("read columns: %w", err)
	}

	rows, err = q.QueryContext(ctx, pkQuery, arg)
	if err != nil {
		return nil, fmt.Errorf("read primary keys: %w", err)
	}
	for rows.Next() {
		var tn, name, cols string
		if err := rows.Scan(&tn, &name, &cols); err != nil {
			rows.Close()
			return nil, err
		}
		var list []string
		if err := json.Unmarshal([]byte(cols), &list); err != nil {
			rows.Close()
			return nil, fmt.Errorf("primary key %s: %w", name, err)
		}
		if t := byName[tn]; t != nil {
			t.PrimaryKey = &schema.PrimaryKey{Name: name, Columns: list}
		}
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("read primary keys: %w", err)
	}

	rows, err = q.QueryContext(ctx, indexesQuery, arg)
	if err != nil {
		return nil, fmt.Errorf("read indexes: %w", err)
	}
	for rows.Next() {
		var tn, name, cols string
		var unique bool
		if err := rows.Scan(&tn, &name, &unique, &cols); err != nil {
			rows.Close()
			return nil, err
		}
		var list []string
		if err := json.Unmarshal([]byte(cols), &list); err != nil {
			rows.Close()
			return nil, fmt.Errorf("index %s: %w", name, err)
		}
		if t := byName[tn]; t != nil {
			t.Indexes = append(t.Indexes, &schema.Index{Name: name, Columns: list, Unique: unique})
		}
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("read indexes: %w", err)
	}
	out.Sort()
	return out, nil
}

func closeRows(r interface {
	Err() error
	Close() error
}) error {
	err := r.Err()
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	return err
}
