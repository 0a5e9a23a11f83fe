package duckdb

import (
	"context"
	"fmt"
	"strings"

	"github.com/mxmigrate/mxmigrate/schema"
	"github.com/mxmigrate/mxmigrate/stores"
)

// Catalog queries: three per call, whatever the number of tables.
const (
	columnsQuery = `SELECT table_name, column_name, data_type, is_nullable
FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name = current_schema() AND NOT internal
ORDER BY table_name, column_index`
	pkQuery = `SELECT table_name, constraint_column_names
FROM duckdb_constraints()
WHERE database_name = current_database() AND schema_name = current_schema() AND constraint_type = 'PRIMARY KEY'
ORDER BY table_name`
	indexesQuery = `SELECT table_name, index_name, is_unique, expressions
FROM duckdb_indexes()
WHERE database_name = current_database() AND schema_name = current_schema()
ORDER BY table_name, index_name`
)

// Introspect reads the named tables that exist; nil tables means all.
func (Dialect) Introspect(ctx context.Context, q stores.Queryer, tables []string) (*schema.Schema, error) {
	want := func(string) bool { return true }
	if tables != nil {
		set := make(map[string]bool, len(tables))
		for _, t := range tables {
			set[t] = true
		}
		want = func(n string) bool { return set[n] }
	}
	byName := map[string]*schema.Table{}
	out := &schema.Schema{}
	rows, err := q.QueryContext(ctx, columnsQuery)
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
		if !want(tn) {
			continue
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

	rows, err = q.QueryContext(ctx, pkQuery)
	if err != nil {
		return nil, fmt.Errorf("read primary keys: %w", err)
	}
	for rows.Next() {
		var tn string
		var cols any
		if err := rows.Scan(&tn, &cols); err != nil {
			rows.Close()
			return nil, err
		}
		if t := byName[tn]; t != nil {
			// DuckDB does not keep constraint names: the name stays empty.
			t.PrimaryKey = &schema.PrimaryKey{Columns: anyStrings(cols)}
		}
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("read primary keys: %w", err)
	}

	rows, err = q.QueryContext(ctx, indexesQuery)
	if err != nil {
		return nil, fmt.Errorf("read indexes: %w", err)
	}
	for rows.Next() {
		var tn, in string
		var unique bool
		var exprs any
		if err := rows.Scan(&tn, &in, &unique, &exprs); err != nil {
			rows.Close()
			return nil, err
		}
		if t := byName[tn]; t != nil {
			cols, err := parseExpressions(exprs)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("index %s on %s: %w", in, tn, err)
			}
			t.Indexes = append(t.Indexes, &schema.Index{Name: in, Columns: cols, Unique: unique})
		}
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("read indexes: %w", err)
	}
	out.Sort()
	return out, nil
}

type rowsCloser interface {
	Err() error
	Close() error
}

func closeRows(r rowsCloser) error {
	err := r.Err()
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	return err
}

func anyStrings(v any) []string {
	switch x := v.(type) {
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			out = append(out, fmt.Sprint(e))
		}
		return out
	case []string:
		return x
	}
	return nil
}

// parseExpressions reads duckdb_indexes().expressions, which DuckDB renders
// like a Python list: [a, b] or ['"we,ird"', b]. Column names come back unquoted.
func parseExpressions(v any) ([]string, error) {
	if list := anyStrings(v); list != nil {
		for i, e := range list {
			list[i] = unquoteIdent(e)
		}
		return list, nil
	}
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("unexpected expressions value %T", v)
	}
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") {
		return nil, fmt.Errorf("unexpected expressions %q", s)
	}
	s = s[1 : len(s)-1]
	var out []string
	for i := 0; i < len(s); {
		for i < len(s) && (s[i] == ' ' || s[i] == ',') {
			i++
		}
		if i >= len(s) {
			break
		}
		var item string
		switch s[i] {
		case '\'':
			j := i + 1
			var b strings.Builder
			for j < len(s) {
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						b.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				b.WriteByte(s[j])
				j++
			}
			item, i = b.String(), j+1
		case '"':
			j := i + 1
			for j < len(s) {
				if s[j] == '"' {
					if j+1 < len(s) && s[j+1] == '"' {
						j += 2
						continue
					}
					break
				}
				j++
			}
			item, i = s[i:j+1], j+1
		default:
			j := strings.IndexByte(s[i:], ',')
			if j < 0 {
				j = len(s) - i
			}
			item, i = strings.TrimSpace(s[i:i+j]), i+j
		}
		out = append(out, unquoteIdent(item))
	}
	return out, nil
}

func unquoteIdent(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
	}
	return s
}
