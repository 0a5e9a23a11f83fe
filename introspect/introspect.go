package introspect

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"sync/atomic"

	"github.com/mxmigrate/mxmigrate/schema"
	"github.com/mxmigrate/mxmigrate/stores"
)

// Counter wraps a Queryer and counts the queries it runs.
type Counter struct {
	Q stores.Queryer
	n atomic.Int64
}

// QueryContext runs the query and counts it.
func (c *Counter) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.n.Add(1)
	return c.Q.QueryContext(ctx, query, args...)
}

// Unwrap returns the wrapped Queryer (stores.Pooled looks through it).
func (c *Counter) Unwrap() stores.Queryer { return c.Q }

var _ stores.Wrapper = (*Counter)(nil)

// Count returns how many queries ran.
func (c *Counter) Count() int { return int(c.n.Load()) }

// Scope returns the tables an environment may touch: the target's tables and
// the tables the environment's own migrations created (managed). Nothing else
// is ever in scope.
func Scope(target *schema.Schema, managed []string) []string {
	seen := make(map[string]bool, len(target.Tables)+len(managed))
	var out []string
	for _, t := range target.Tables {
		if !seen[t.Name] {
			seen[t.Name] = true
			out = append(out, t.Name)
		}
	}
	for _, m := range managed {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out
}

// Current reads the live schema of the tables in scope that exist.
func Current(ctx context.Context, d stores.Dialect, q stores.Queryer, scope []string) (*schema.Schema, error) {
	s, err := d.Inspect(ctx, q, scope)
	if err != nil {
		return nil, fmt.Errorf("introspect %s database: %w", d.Name(), err)
	}
	in := make(map[string]bool, len(scope))
	for _, n := range scope {
		in[n] = true
	}
	out := &schema.Schema{}
	for _, t := range s.Tables {
		if in[t.Name] {
			out.Tables = append(out.Tables, t)
		}
	}
	out.Sort()
	return out, nil
}
