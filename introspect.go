package mxmigrate

import (
	"context"
	"fmt"

	"github.com/mxmigrate/mxmigrate/desired"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/diff"
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
	// h is the database, open until the plan stage has read what it needs
	// of the tables it changes (complete); Compare closes it.
	h *dialect.Handle
}

// introspect is the pipeline's second stage: it waits for the database,
// reads the tables in scope and the migrations table, counting the catalog
// queries, then the migrations state with one query (without the table
// nothing was ever applied). The database stays open for the plan stage.
func (in *inputs) introspect(ctx context.Context) (*live, error) {
	env := in.env
	r := <-in.opened
	if r.err != nil {
		return nil, r.err
	}
	h, counter := r.h, r.counter
	in.clock.lap("open " + env.Dialect.Name() + " database and read the tables it manages (overlapping the above)")
	if counter == nil {
		counter = &catalog.Counter{Q: h}
	}
	scope := append(desired.Scope(in.target, in.dir.Managed()), env.MigrationsTable)
	var rest []string // what the target adds to what was read already
	for _, n := range scope {
		if !r.asked[n] {
			rest = append(rest, n)
		}
	}
	all := r.early
	if all == nil || len(rest) > 0 {
		more, err := env.Dialect.Inspect(ctx, counter, rest)
		if err != nil {
			h.Close()
			return nil, fmt.Errorf("introspect %s database: %w", env.Dialect.Name(), err)
		}
		if all == nil {
			all = more
		} else {
			all.Tables = append(all.Tables, more.Tables...)
		}
	}
	all = within(all, scope)
	in.clock.lap(fmt.Sprintf("introspect (%d catalog queries)", counter.Count()))
	st := State{Version: -1}
	if all.Table(env.MigrationsTable) != nil {
		var err error
		if st, err = in.p.queryState(ctx, env, h); err != nil {
			h.Close()
			return nil, err
		}
	}
	in.clock.lap("read migrations state")
	l := &live{tables: &schema.Schema{}, state: st, queries: counter.Count(), h: h}
	for _, t := range all.Tables {
		if t.Name != env.MigrationsTable {
			l.tables.Tables = append(l.tables.Tables, t)
		}
	}
	return l, nil
}

// within is s's tables in scope, sorted.
func within(s *schema.Schema, scope []string) *schema.Schema {
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
	return out
}

// complete reads into live what the dialect's Inspect leaves out as
// costly (PostgreSQL: sizes, index definitions): the sizes of the tables
// the changes alter, the index definitions of those whose live indexes a
// down file restores (a dropped index or table) and of those the
// unmanaged objects are on; it reports whether it read any.
func complete(ctx context.Context, d dialect.Dialect, q dialect.Queryer, live *schema.Schema, changes []diff.Change, unmanaged []diff.Unmanaged, sizedToo []string) (bool, error) {
	var need dialect.Need
	sized, defined := map[string]bool{}, map[string]bool{}
	idx := live.Index() // one lookup a change, not a scan of every table
	add := func(list *[]string, seen map[string]bool, table string) {
		if !seen[table] && idx[table] != nil {
			seen[table] = true
			*list = append(*list, table)
		}
	}
	for _, c := range changes {
		add(&need.Sizes, sized, c.Table)
		if c.Kind == diff.DropIndex || c.Kind == diff.DropTable {
			add(&need.Definitions, defined, c.Table)
		}
	}
	for _, t := range sizedToo {
		add(&need.Sizes, sized, t)
	}
	for _, u := range unmanaged {
		add(&need.Sizes, sized, u.Table)
		add(&need.Definitions, defined, u.Table)
	}
	if len(need.Sizes) == 0 {
		return false, nil
	}
	if err := d.Complete(ctx, q, live, need); err != nil {
		return false, fmt.Errorf("read the sizes and definitions of %d table(s): %w", len(need.Sizes), err)
	}
	return true, nil
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
	if err := env.Dialect.Complete(ctx, h, live, dialect.Need{Sizes: live.Names(), Definitions: live.Names()}); err != nil {
		return nil
	}
	return live
}
