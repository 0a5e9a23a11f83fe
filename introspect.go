package mxmigrate

import (
	"context"
	"fmt"

	"github.com/mxmigrate/mxmigrate/desired"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/internal/catalog"
	"github.com/mxmigrate/mxmigrate/schema"
)

// live is the database as the pipeline's second stage reads it.
type live struct {
	// tables are the tables in scope that exist, without the migrations table.
	tables *schema.Schema
	state  State
	// queries counts the catalog queries introspection ran.
	queries int
}

// introspect is the pipeline's second stage: it waits for the database,
// reads the tables in scope and the migrations table, counting the catalog
// queries, then the migrations state through golang-migrate's driver, which
// owns the database from there on (without the table nothing was ever
// applied).
func (in *inputs) introspect(ctx context.Context) (*live, error) {
	env := in.env
	h, err := in.opened.wait()
	if err != nil {
		return nil, err
	}
	in.clock.lap("open " + env.Dialect.Name() + " database (overlapping the above)")
	counter := &catalog.Counter{Q: h}
	scope := desired.Scope(in.target, in.dir.Managed())
	all, err := inspectScope(ctx, env.Dialect, counter, append(scope, env.MigrationsTable))
	if err != nil {
		h.Close()
		return nil, err
	}
	in.clock.lap(fmt.Sprintf("introspect (%d catalog queries)", counter.Count()))
	st, err := recordedState(env, h, all.Table(env.MigrationsTable) != nil)
	if err != nil {
		return nil, err
	}
	in.clock.lap("read migrations state")
	l := &live{tables: &schema.Schema{}, state: st, queries: counter.Count()}
	for _, t := range all.Tables {
		if t.Name != env.MigrationsTable {
			l.tables.Tables = append(l.tables.Tables, t)
		}
	}
	return l, nil
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
