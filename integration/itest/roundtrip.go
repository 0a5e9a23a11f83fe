package itest

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/golang-migrate/migrate/v4"
	"github.com/golang-migrate/migrate/v4/source/iofs"

	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/schema"
	"github.com/mxmigrate/mxmigrate/stores"
)

// names include characters that need quoting.
var tableNames = []string{"videos", "Frames", `we"ird`, "with space", "ünï", "select", "a__b", "t-1"}
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

// DuckDBCastable: DuckDB has no cast between some type families (BOOLEAN ->
// TIME fails even on NULLs); text converts to and from everything.
func DuckDBCastable(from, to schema.Type) bool {
	family := map[schema.Type]int{schema.Int64: 1, schema.Float64: 1, schema.Bool: 1,
		schema.Timestamp: 2, schema.TimestampTZ: 2, schema.Date: 2}
	if from == schema.String || to == schema.String || from == to {
		return true
	}
	f, t := family[from], family[to]
	return f != 0 && f == t
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

// Literal returns a SQL value of type t, unique for n, that DuckDB and
// PostgreSQL both accept.
func Literal(t schema.Type, n int) string {
	switch t {
	case schema.String:
		return fmt.Sprintf("'v%d'", n)
	case schema.Int64:
		return fmt.Sprint(n)
	case schema.Float64:
		return fmt.Sprintf("%d.5", n)
	case schema.Bool:
		return fmt.Sprint(n%2 == 0)
	case schema.Timestamp:
		return fmt.Sprintf("TIMESTAMP '2020-01-01 00:00:00' + %d * INTERVAL '1 second'", n)
	case schema.TimestampTZ:
		return fmt.Sprintf("TIMESTAMPTZ '2020-01-01 00:00:00+00' + %d * INTERVAL '1 second'", n)
	case schema.Date:
		return fmt.Sprintf("DATE '2020-01-01' + %d", n)
	case schema.Time:
		return fmt.Sprintf("TIME '00:00:00' + %d * INTERVAL '1 second'", n%86400)
	case schema.UUID:
		return fmt.Sprintf("'00000000-0000-4000-8000-%012x'::uuid", n)
	case schema.Bytes:
		return fmt.Sprintf("'b%d'::bytea", n)
	case schema.JSON:
		return fmt.Sprintf(`'{"n": %d}'`, n)
	}
	panic(t)
}

type chain struct {
	t    *testing.T
	h    *stores.Handle
	d    stores.Dialect
	dir  string
	url  string
	seq  int
	name string
}

func (c *chain) migrator() *migrate.Migrate {
	src, err := iofs.New(os.DirFS(c.dir), ".")
	if err != nil {
		c.t.Fatal(err)
	}
	m, err := migrate.NewWithSourceInstance("iofs", src, c.url)
	if err != nil {
		c.t.Fatal(err)
	}
	return m
}

func (c *chain) live(names []string) *schema.Schema {
	s, err := c.d.Introspect(context.Background(), c.h, names)
	if err != nil {
		c.t.Fatal(err)
	}
	return s
}

func (c *chain) counts(s *schema.Schema) map[string]int {
	out := map[string]int{}
	for _, t := range s.Tables {
		var n int
		if err := c.h.QueryRow("SELECT count(*) FROM " + stores.QuoteDouble(t.Name)).Scan(&n); err != nil {
			c.t.Fatal(err)
		}
		out[t.Name] = n
	}
	return out
}

func (c *chain) insert(g *gen, s *schema.Schema) {
	for _, t := range s.Tables {
		for k := 0; k < 3; k++ {
			c.seq++
			var cols, vals []string
			for _, col := range t.Columns {
				if !col.Nullable {
					g.valued[vkey(t.Name, col.Name)] = true
					cols = append(cols, stores.QuoteDouble(col.Name))
					vals = append(vals, Literal(col.Type, c.seq))
				}
			}
			q := "INSERT INTO " + stores.QuoteDouble(t.Name) + " DEFAULT VALUES"
			if len(cols) > 0 {
				q = "INSERT INTO " + stores.QuoteDouble(t.Name) + " (" + strings.Join(cols, ", ") + ") VALUES (" + strings.Join(vals, ", ") + ")"
			}
			if _, err := c.h.Exec(q); err != nil {
				c.t.Fatalf("%s: %s: %v", c.name, q, err)
			}
		}
	}
}

func union(a, b *schema.Schema) []string {
	set := map[string]bool{}
	for _, t := range append(append([]*schema.Table{}, a.Tables...), b.Tables...) {
		set[t.Name] = true
	}
	var out []string
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (c *chain) expect(label string, want *schema.Schema, scope []string, rows map[string]int) {
	got := c.live(scope)
	for _, ch := range diff.Compare(got, want) {
		c.t.Errorf("%s %s: live schema differs: %s", c.name, label, ch.Summary())
	}
	for name, n := range c.counts(got) {
		if before, ok := rows[name]; ok && before != n {
			c.t.Errorf("%s %s: table %s had %d rows, now %d", c.name, label, name, before, n)
		}
	}
}

// Target is a database kind for RoundTrip.
type Target struct {
	Dialect stores.Dialect
	// NewDB returns a handle on a fresh, empty database and its golang-migrate URL.
	NewDB    func(t *testing.T) (*stores.Handle, string)
	Castable func(from, to schema.Type) bool
}

// RoundTrip runs chains of random target schemas on real databases. Each step
// is generated, written, applied with golang-migrate, checked to introspect
// back to its target with every row kept, reverted, checked against the
// previous schema, and applied again. At least minSteps steps must differ
// from their predecessor.
func RoundTrip(t *testing.T, tg Target, chains, steps, minSteps int) {
	d := tg.Dialect
	total := 0
	for ci := 0; ci < chains; ci++ {
		seed := int64(1000 + ci)
		g := &gen{r: rand.New(rand.NewSource(seed)), valued: map[string]bool{}, castable: tg.Castable}
		h, url := tg.NewDB(t)
		c := &chain{t: t, h: h, d: d, dir: filepath.Join(t.TempDir(), "migrations"), url: url}
		prev := &schema.Schema{}
		for si := 1; si <= steps; si++ {
			c.name = fmt.Sprintf("seed %d step %d", seed, si)
			next := g.mutate(prev)
			scope := union(prev, next)
			current := c.live(scope)
			cs := diff.Compare(current, next)
			if len(cs) == 0 {
				prev = next
				continue
			}
			total++
			after := diff.Apply(current, cs)
			up, err := d.Plan(cs, current, after)
			if err != nil {
				t.Fatal(err)
			}
			down, err := d.Plan(diff.Inverse(cs), after, current)
			if err != nil {
				t.Fatal(err)
			}
			hdr := generator.Header{Tool: "rt", Environment: "rt", Dialect: d.Name(), Transactional: true}
			hu, hd := hdr, hdr
			hu.Direction, hd.Direction = "up", "down"
			dir, _ := generator.ReadDir(c.dir)
			f, err := generator.Write(c.dir, generator.Migration{Name: "step", Up: generator.Render(hu, up), Down: generator.Render(hd, down),
				Identity: generator.Identity{Dialect: d.Name()}, BasedOn: dir.Latest()})
			if err != nil {
				t.Fatal(err)
			}
			rows := c.counts(current)
			for _, ch := range cs {
				if ch.Kind == diff.DropTable {
					delete(rows, ch.Table) // its rows are gone by design; the down restores the schema only
				}
			}
			m := c.migrator()
			if err := m.Migrate(uint(f.Version)); err != nil {
				b, _ := os.ReadFile(f.Up)
				t.Fatalf("%s: up: %v\n%s", c.name, err, b)
			}
			c.expect("up", next, scope, rows)
			if err := m.Steps(-1); err != nil {
				b, _ := os.ReadFile(f.Down)
				t.Fatalf("%s: down: %v\n%s", c.name, err, b)
			}
			c.expect("down", current, scope, rows)
			if err := m.Steps(1); err != nil {
				t.Fatalf("%s: up again: %v", c.name, err)
			}
			c.expect("up again", next, scope, rows)
			m.Close()
			if t.Failed() {
				b, _ := os.ReadFile(f.Up)
				t.Fatalf("%s failed; up file:\n%s", c.name, b)
			}
			c.insert(g, next)
			prev = next
		}
	}
	if total < minSteps {
		t.Errorf("only %d non-empty steps ran", total)
	}
	t.Logf("%d migrations generated, applied, reverted and re-applied", total)
}
