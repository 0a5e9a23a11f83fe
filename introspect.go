package mxmigrate

import (
	"context"
	"fmt"

	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/internal/catalog"
	"github.com/mxmigrate/mxmigrate/schema"
)

// opening is a database being opened in the background.
type opening chan opened

type opened struct {
	h   *dialect.Handle
	err error
}

// openAsync opens the environment's database for reading while the caller
// goes on (DuckDB loads its whole catalog when it opens a file).
func (p *Project) openAsync(ctx context.Context, env *Env) opening {
	ch := make(opening, 1)
	go func() {
		h, err := env.Conn.Open(ctx, dialect.OpenOptions{ReadOnly: true, ExitSoon: p.ExitSoon})
		ch <- opened{h, err}
	}()
	return ch
}

func (o opening) wait() (*dialect.Handle, error) {
	r := <-o
	return r.h, r.err
}

// discard closes the database once it is open.
func (o opening) discard() {
	go func() {
		if r := <-o; r.err == nil {
			r.h.Close()
		}
	}()
}

// introspect reads the tables in scope and the migrations table, counting
// the catalog queries.
func (p *Project) introspect(ctx context.Context, env *Env, h *dialect.Handle, scope []string) (*schema.Schema, int, error) {
	counter := &catalog.Counter{Q: h}
	live, err := inspectScope(ctx, env.Dialect, counter, append(scope, env.MigrationsTable))
	return live, counter.Count(), err
}

// inspectScope reads the live schema of the tables in scope that exist.
func inspectScope(ctx context.Context, d dialect.Dialect, q dialect.Queryer, scope []string) (*schema.Schema, error) {
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

// liveNow reads the named tables that exist (nil: all) for the advice, on
// a read-only connection of its own; nil when it cannot (the advice then
// says less).
func (p *Project) liveNow(ctx context.Context, env *Env, tables []string) *schema.Schema {
	h, err := env.Conn.Open(ctx, dialect.OpenOptions{ReadOnly: true, ExitSoon: p.ExitSoon})
	if err != nil {
		return nil
	}
	defer h.Close()
	live, err := env.Dialect.Inspect(ctx, h, tables)
	if err != nil {
		return nil
	}
	return live
}
