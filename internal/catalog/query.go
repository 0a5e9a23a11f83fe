package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
)

// Scan runs one catalog query and hands each row to scan. what names the
// query in errors.
func Scan(ctx context.Context, q Queryer, what, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	for rows.Next() {
		if err := scan(rows); err != nil {
			rows.Close()
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	err = rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// Queries runs fns, each of which runs queries on q: at once when q is a
// pool (Pooled), one after the other (InOrder) when it is one connection.
// It returns the first error in argument order.
func Queries(q Queryer, fns ...func() error) error {
	if !Pooled(q) {
		return InOrder(fns...)
	}
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// InOrder runs fns one after the other, stopping at the first error: on a
// pool, on the one connection it keeps idle. For a server where each more
// connection costs an authentication and a backend with cold catalog
// caches (PostgreSQL), that is faster than Queries' connections at once.
func InOrder(fns ...func() error) error {
	for _, fn := range fns {
		if err := fn(); err != nil {
			return err
		}
	}
	return nil
}

// ReadText runs query, whose columns are all text (or NULL), and returns its rows.
func ReadText(ctx context.Context, q Queryer, what, query string, ncols int) ([][]*string, error) {
	var out [][]*string
	err := Scan(ctx, q, what, query, nil, func(r *sql.Rows) error {
		vals := make([]sql.NullString, ncols)
		ptrs := make([]any, ncols)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := r.Scan(ptrs...); err != nil {
			return err
		}
		row := make([]*string, ncols)
		for i, v := range vals {
			if v.Valid {
				s := v.String
				row[i] = &s
			}
		}
		out = append(out, row)
		return nil
	})
	return out, err
}

// ReadColumns reads every row of table (quoted), each of columns as text
// through asText (which gets the quoted column: a cast, say), NULL as nil.
func ReadColumns(ctx context.Context, q Queryer, quote func(string) string, table string, columns []string, asText func(col string) string) ([][]*string, error) {
	sel := make([]string, len(columns))
	for i, c := range columns {
		sel[i] = asText(quote(c))
	}
	return ReadText(ctx, q, "read "+table, "SELECT "+strings.Join(sel, ", ")+" FROM "+quote(table), len(columns))
}
