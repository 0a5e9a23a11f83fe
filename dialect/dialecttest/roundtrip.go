package dialecttest

import (
	"fmt"
	"math/rand"
	"path/filepath"
	"testing"

	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/schema"
)

// HostileNames is the kit's pool of hostile identifiers: mixed case, a
// double quote, a space, non-ASCII letters, a reserved word, Metaxy's "__"
// separator, a dash. The random round trip names its tables from it (and
// its columns from a pool of the same kind); the CLI tests of each dialect
// (integration/.../hostile_test.go) name table prefixes and migrations
// tables with it.
var HostileNames = []string{"Frames", `we"ird`, "with space", "ünï", "select", "a__b", "t-1"}

// names include characters that need quoting.
var tableNames = append([]string{"videos"}, HostileNames...)
var columnNames = []string{"id", "Path", `q"c`, "col x", "ß", "order", "n1", "n2", "n3", "n4", "emb", "ts"}

// gen makes random target schemas whose every change keeps rows: new NOT NULL
// columns only on new tables, keys only on columns with unique values.
type gen struct {
	r   *rand.Rand
	seq int
	// valued marks table/column pairs that hold non-NULL values: DuckDB may
	// fail to cast those, so they are never retyped.
	valued   map[string]bool
	castable func(from, to schema.Type) bool
}

func vkey(t, c string) string { return t + "\x00" + c }

func (g *gen) typ() schema.Type { return schema.LogicalTypes[g.r.Intn(len(schema.LogicalTypes))] }

func keyable(t schema.Type) bool { return t != schema.Bool && t != schema.JSON }

func (g *gen) newTable(name string) *schema.Table {
	t := &schema.Table{Name: name}
	perm := g.r.Perm(len(columnNames))
	n := 1 + g.r.Intn(5)
	for _, i := range perm[:n] {
		t.Columns = append(t.Columns, &schema.Column{Name: columnNames[i], Type: g.typ(), Nullable: g.r.Intn(2) == 0})
	}
	g.maybeKey(t)
	g.maybeIndex(t)
	return t
}

func (g *gen) maybeKey(t *schema.Table) {
	var cands []string
	for _, c := range t.Columns {
		if !c.Nullable && keyable(c.Type) {
			cands = append(cands, c.Name)
		}
	}
	if len(cands) == 0 || g.r.Intn(2) == 0 {
		t.PrimaryKey = nil
		return
	}
	g.r.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	t.PrimaryKey = &schema.PrimaryKey{Columns: cands[:1+g.r.Intn(len(cands))]}
}

func (g *gen) maybeIndex(t *schema.Table) {
	if g.r.Intn(2) == 0 || len(t.Columns) == 0 {
		return
	}
	var cols []string
	for _, c := range t.Columns {
		if c.Type != schema.JSON && g.r.Intn(2) == 0 {
			cols = append(cols, c.Name)
		}
	}
	if len(cols) == 0 {
		return
	}
	g.seq++
	t.Indexes = append(t.Indexes, &schema.Index{Name: fmt.Sprintf("ix_%d", g.seq), Columns: cols})
}

func (g *gen) mutate(s *schema.Schema) *schema.Schema {
	out := s.Clone()
	for k := 1 + g.r.Intn(3); k > 0; k-- {
		switch op := g.r.Intn(10); {
		case op == 0 || len(out.Tables) == 0:
			free := []string{}
			for _, n := range tableNames {
				if out.Table(n) == nil {
					free = append(free, n)
				}
			}
			if len(free) > 0 {
				out.Tables = append(out.Tables, g.newTable(free[g.r.Intn(len(free))]))
			}
		case op == 1 && len(out.Tables) > 1:
			i := g.r.Intn(len(out.Tables))
			for _, c := range out.Tables[i].Columns {
				delete(g.valued, vkey(out.Tables[i].Name, c.Name))
			}
			out.Tables = append(out.Tables[:i], out.Tables[i+1:]...)
		default:
			t := out.Tables[g.r.Intn(len(out.Tables))]
			g.mutateTable(t, s.Table(t.Name))
		}
	}
	out.Sort()
	return out
}

// mutateTable changes t; orig is the table at the start of the step (nil if
// new), so that a column NOT NULL there is never dropped: the down migration
// could not add it back to a table with rows.
// It is long because it has one case per kind of random change.
func (g *gen) mutateTable(t, orig *schema.Table) {
	wasNullable := func(c *schema.Column) bool {
		if orig == nil {
			return true
		}
		o := orig.Column(c.Name)
		return o == nil || o.Nullable
	}
	inKey := func(c string) bool {
		if t.PrimaryKey != nil {
			for _, k := range t.PrimaryKey.Columns {
				if k == c {
					return true
				}
			}
		}
		return false
	}
	switch g.r.Intn(6) {
	case 0: // add a nullable column
		for _, i := range g.r.Perm(len(columnNames)) {
			if t.Column(columnNames[i]) == nil {
				t.Columns = append(t.Columns, &schema.Column{Name: columnNames[i], Type: g.typ(), Nullable: true})
				return
			}
		}
	case 1: // drop a nullable column
		for i, c := range t.Columns {
			if c.Nullable && wasNullable(c) && len(t.Columns) > 1 {
				t.Columns = append(t.Columns[:i], t.Columns[i+1:]...)
				g.dropIndexesOn(t, c.Name)
				delete(g.valued, vkey(t.Name, c.Name))
				return
			}
		}
	case 2: // retype a nullable column (it holds NULLs only) to a type DuckDB can cast to
		for _, c := range t.Columns {
			if c.Nullable && wasNullable(c) && !g.valued[vkey(t.Name, c.Name)] {
				from := c.Type
				if orig != nil && orig.Column(c.Name) != nil {
					from = orig.Column(c.Name).Type
				}
				to := g.typ()
				if !g.castable(from, to) || !g.castable(c.Type, to) {
					to = schema.String
				}
				c.Type = to
				if c.Type == schema.JSON {
					g.dropIndexesOn(t, c.Name)
				}
				return
			}
		}
	case 3: // make a NOT NULL column nullable
		for _, c := range t.Columns {
			if !c.Nullable && !inKey(c.Name) {
				c.Nullable = true
				return
			}
		}
	case 4:
		g.maybeKey(t)
	case 5:
		if len(t.Indexes) > 0 && g.r.Intn(2) == 0 {
			t.Indexes = t.Indexes[1:]
		} else {
			g.maybeIndex(t)
		}
	}
}

func (g *gen) dropIndexesOn(t *schema.Table, col string) {
	var keep []*schema.Index
	for _, ix := range t.Indexes {
		uses := false
		for _, c := range ix.Columns {
			uses = uses || c == col
		}
		if !uses {
			keep = append(keep, ix)
		}
	}
	t.Indexes = keep
}

// RoundTrip runs chains of random target schemas on real databases. Each
// step is rendered, written, applied through the dialect's golang-migrate
// driver, checked to introspect back to its target with every row kept,
// reverted, checked against the previous schema, and applied again. Literals
// and casts follow the harness's rules.
// It is long because it is the property test's whole loop (generate, apply,
// check, revert, check, apply again), which reads best as one story.
func RoundTrip(t testing.TB, h Harness) {
	chains, steps, minSteps := h.Chains, h.Steps, h.MinSteps
	if chains == 0 {
		chains, steps, minSteps = 25, 10, 200
	}
	total := 0
	for ci := 0; ci < chains; ci++ {
		seed := int64(1000 + ci)
		g := &gen{r: rand.New(rand.NewSource(seed)), valued: map[string]bool{}, castable: h.Castable}
		d := newDB(t, h)
		dir := filepath.Join(t.TempDir(), "migrations")
		prev := &schema.Schema{}
		seq := 0
		for si := 1; si <= steps; si++ {
			name := fmt.Sprintf("seed %d step %d", seed, si)
			logical := g.mutate(prev)
			next := shape(t, h.Dialect, logical)
			scope := union(prev, next)
			current := d.inspect(scope)
			r, cs := render(t, h.Dialect, "rt", current, next)
			up, down := r.up, r.down
			if len(cs) == 0 {
				prev = logical
				continue
			}
			total++
			fs := write(t, h.Dialect, dir, r)
			last, n := fs[len(fs)-1], len(fs)
			before := d.snapshot(current)
			gone := dropped(cs) // their rows are gone by design; the down restores the schema only
			expect := func(label string, want *schema.Schema, via snapshot) snapshot {
				got := d.inspect(scope)
				for _, ch := range diff.Compare(got, want) {
					t.Errorf("%s %s: live schema differs: %s", name, label, ch.Summary())
				}
				now := d.snapshot(got)
				for tn, rows := range now {
					if b, ok := before[tn]; ok && !gone[tn] && len(b.rows) != len(rows.rows) {
						t.Errorf("%s %s: table %s had %d rows, now %d", name, label, tn, len(b.rows), len(rows.rows))
					}
				}
				sameValues(t, name+" "+label, before, now, via, gone)
				return now
			}
			d.reopen() // apply to a database read back from storage
			m := d.migrator(dir, "schema_migrations")
			if err := m.Migrate(uint(last.Version)); err != nil {
				t.Fatalf("%s: up: %v\n%s", name, err, up)
			}
			afterUp := expect("up", next, nil)
			if err := m.Steps(-n); err != nil {
				t.Fatalf("%s: down: %v\n%s", name, err, down)
			}
			expect("down", current, afterUp)
			if err := m.Steps(n); err != nil {
				t.Fatalf("%s: up again: %v", name, err)
			}
			expect("up again", next, nil)
			m.Close()
			if t.Failed() {
				t.Fatalf("%s failed; up file:\n%s", name, up)
			}
			d.insert(next, 3, &seq, false, func(table, column string) { g.valued[vkey(table, column)] = true })
			prev = logical
		}
	}
	if total < minSteps {
		t.Errorf("only %d non-empty steps ran", total)
	}
	t.Logf("%d migrations generated, applied, reverted and re-applied", total)
}
