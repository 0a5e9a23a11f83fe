package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/internal/catalog"
	"github.com/mxmigrate/mxmigrate/schema"
)

// Catalog queries: three per call, whatever the number of tables.
const (
	// columnsQuery also reads each table's estimated_size, DuckDB's count
	// of its rows; DuckDB's catalog has no per-table size in bytes.
	// It reads each column's default and comment, and the table's comment
	// (on every row of the table), which mxmigrate does not model
	// (decision 40).
	columnsQuery = `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable, t.estimated_size,
  COALESCE(c.column_default, ''), COALESCE(c.comment, ''), COALESCE(t.comment, '')
FROM duckdb_columns() c
JOIN duckdb_tables() t ON t.database_name = c.database_name AND t.schema_name = c.schema_name AND t.table_name = c.table_name
WHERE c.database_name = current_database() AND c.schema_name = current_schema() AND NOT c.internal
ORDER BY c.table_name, c.column_index`
	// pkQuery reads primary keys, and the UNIQUE, CHECK and FOREIGN KEY
	// constraints mxmigrate does not model (decision 40).
	pkQuery = `SELECT table_name, constraint_column_names, constraint_type, COALESCE(constraint_text, ''), COALESCE(constraint_name, '')
FROM duckdb_constraints()
WHERE database_name = current_database() AND schema_name = current_schema() AND constraint_type IN ('PRIMARY KEY', 'UNIQUE', 'CHECK', 'FOREIGN KEY')
ORDER BY table_name, constraint_index`
	indexesQuery = `SELECT table_name, index_name, is_unique, expressions, COALESCE(sql, '')
FROM duckdb_indexes()
WHERE database_name = current_database() AND schema_name = current_schema()
ORDER BY table_name, index_name`
)

// Inspect reads the named tables that exist; nil tables means all. The three
// catalog queries run at once on a pool, one by one on a single connection.
func (d Dialect) Inspect(ctx context.Context, q dialect.Queryer, tables []string) (*schema.Schema, error) {
	in := &inspection{d: d, want: func(string) bool { return true }, defs: map[string]string{}, tableComments: map[string]bool{}, cols: catalog.NewBuilder(normalize)}
	if tables != nil {
		set := make(map[string]bool, len(tables))
		for _, t := range tables {
			set[t] = true
		}
		in.want = func(n string) bool { return set[n] }
	}
	err := catalog.Queries(q,
		func() error { return catalog.Scan(ctx, q, "read columns", columnsQuery, nil, in.column) },
		func() error { return catalog.Scan(ctx, q, "read primary keys", pkQuery, nil, in.constraint) },
		func() error { return catalog.Scan(ctx, q, "read indexes", indexesQuery, nil, in.index) },
	)
	if err != nil {
		return nil, err
	}
	out := in.cols.Schema(in.pks, in.ixs)
	for _, t := range out.Tables {
		for _, ix := range t.Indexes {
			ix.Def = strings.TrimSuffix(strings.TrimSpace(in.defs[t.Name+"\x00"+ix.Name]), ";")
		}
	}
	attachObjects(out, append(in.colObjs, in.conObjs...))
	return out, nil
}

// inspection is one Inspect: the rows of its three queries, which may run
// at once (each writes its own fields).
type inspection struct {
	d                Dialect
	want             func(table string) bool
	cols             *catalog.Builder
	n                int // column rows read
	pks, ixs         []catalog.KeyRow
	colObjs, conObjs []tableObject
	defs             map[string]string // table\x00index -> CREATE INDEX
	tableComments    map[string]bool   // tables whose comment is read
	row              struct {          // the columns query's row (column)
		catalog.ColumnRow
		rows                       sql.NullInt64
		def, comment, tableComment string
	}
}

// column reads a row of the columns query: a column with its table's row
// estimate, and its DEFAULT and comments as objects.
func (in *inspection) column(r *sql.Rows) error {
	x := &in.row // scanned into in place: a row's variables would escape, 250,000 times at 10,000 tables
	if err := r.Scan(&x.Table, &x.Name, &x.Type, &x.Nullable, &x.rows, &x.def, &x.comment, &x.tableComment); err != nil {
		return err
	}
	if !in.want(x.Table) {
		return nil
	}
	in.colObjs = append(in.colObjs, in.d.columnObjects(x.Table, x.Name, x.def, x.comment, x.tableComment, in.tableComments)...)
	c := x.ColumnRow
	c.Stats = schema.Stats{Rows: -1, Bytes: -1}
	if x.rows.Valid {
		c.Stats.Rows = x.rows.Int64
	}
	in.cols.Column(c, in.n) // in the query's order
	in.n++
	return nil
}

// constraint reads a row of the constraints query: the primary key, or a
// constraint mxmigrate does not model (an object). DuckDB keeps no
// constraint names: the key's name stays empty.
func (in *inspection) constraint(r *sql.Rows) error {
	var k catalog.KeyRow
	var list any
	var typ, text, name string
	if err := r.Scan(&k.Table, &list, &typ, &text, &name); err != nil {
		return err
	}
	if !in.want(k.Table) {
		return nil
	}
	k.Columns = anyStrings(list)
	if typ == "PRIMARY KEY" {
		in.pks = append(in.pks, k)
	} else {
		in.conObjs = append(in.conObjs, constraintObject(k.Table, typ, text, name, k.Columns))
	}
	return nil
}

// index reads a row of the indexes query, with its CREATE INDEX.
func (in *inspection) index(r *sql.Rows) error {
	var k catalog.KeyRow
	var exprs any
	var def string
	if err := r.Scan(&k.Table, &k.Name, &k.Unique, &exprs, &def); err != nil {
		return err
	}
	if !in.want(k.Table) {
		return nil
	}
	in.defs[k.Table+"\x00"+k.Name] = def
	var err error
	if k.Columns, err = parseExpressions(exprs); err != nil {
		return fmt.Errorf("index %s on %s: %w", k.Name, k.Table, err)
	}
	in.ixs = append(in.ixs, k)
	return nil
}

// ReadText reads table's rows, each column cast to VARCHAR.
func (d Dialect) ReadText(ctx context.Context, q dialect.Queryer, table string, columns []string) ([][]*string, error) {
	return catalog.ReadColumns(ctx, q, d.Quote, table, columns, func(c string) string { return "CAST(" + c + " AS VARCHAR)" })
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
// It is one scanner loop over the rendered list (quotes, brackets, commas),
// long because its states share one position.
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

// Complete: Inspect reads sizes and definitions from the catalog at no
// extra cost.
func (Dialect) Complete(context.Context, dialect.Queryer, *schema.Schema, dialect.Need) error {
	return nil
}
