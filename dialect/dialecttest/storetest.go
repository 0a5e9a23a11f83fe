package dialecttest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golang-migrate/migrate/v4"
	"github.com/golang-migrate/migrate/v4/database"
	"github.com/golang-migrate/migrate/v4/source/iofs"

	"github.com/mxmigrate/mxmigrate/desired"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/internal/catalog"
	"github.com/mxmigrate/mxmigrate/schema"
)

// updating reports whether the test binary runs with -update (a flag the
// dialect's test package defines, as golden-file tests do).
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// Harness is what a dialect gives the kit.
type Harness struct {
	Dialect dialect.Dialect
	// NewStore returns a configured store whose database is fresh and empty.
	NewStore func(t testing.TB) dialect.Store
	// Literal returns a SQL literal of type typ that the dialect accepts,
	// distinct for each n (rows must not collide on keys).
	Literal func(typ schema.Type, n int) string
	// Castable reports whether the dialect converts non-NULL values of type
	// from to type to (ALTER COLUMN ... TYPE with rows).
	Castable func(from, to schema.Type) bool
	// Golden is the dialect's golden file of the shared transitions
	// (go test -update rewrites it).
	Golden string
	// Chains and Steps size the random round trip (defaults 25 and 10, of
	// which at least MinSteps (default 200) must change the schema).
	Chains, Steps, MinSteps int
}

// Run runs every conformance check. A dialect's test calls it:
//
//	func TestConformance(t *testing.T) { dialecttest.Run(t, harness) }
func Run(t *testing.T, h Harness) {
	t.Run("Golden", func(t *testing.T) { Golden(t, h) })
	t.Run("Transitions", func(t *testing.T) { Transitions(t, h) })
	t.Run("CatalogQueries", func(t *testing.T) { CatalogQueries(t, h) })
	t.Run("OneConnection", func(t *testing.T) { OneConnection(t, h) })
	t.Run("NamesAtTheLimit", func(t *testing.T) { NamesAtTheLimit(t, h) })
	t.Run("State", func(t *testing.T) { State(t, h) })
	t.Run("RoundTrip", func(t *testing.T) { RoundTrip(t, h) })
}

// db is a fresh database of the harness.
type db struct {
	t     testing.TB
	h     Harness
	store dialect.Store
	pool  *dialect.Handle
}

func newDB(t testing.TB, h Harness) *db {
	t.Helper()
	s := h.NewStore(t)
	pool, err := s.Open(context.Background(), dialect.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d := &db{t: t, h: h, store: s, pool: pool}
	t.Cleanup(func() { d.pool.Close() })
	return d
}

// driver opens the dialect's golang-migrate driver on a handle of its own.
func (d *db) driver(table string) database.Driver {
	d.t.Helper()
	h, err := d.store.Open(context.Background(), dialect.OpenOptions{})
	if err != nil {
		d.t.Fatal(err)
	}
	drv, err := d.h.Dialect.MigrateDriver(h, table)
	if err != nil {
		d.t.Fatal(err)
	}
	return drv
}

// migrator applies dir through the dialect's driver, as mxmigrate up does.
func (d *db) migrator(dir, table string) *migrate.Migrate {
	d.t.Helper()
	src, err := iofs.New(os.DirFS(dir), ".")
	if err != nil {
		d.t.Fatal(err)
	}
	m, err := migrate.NewWithInstance("iofs", src, d.h.Dialect.Name(), d.driver(table))
	if err != nil {
		d.t.Fatal(err)
	}
	return m
}

// reopen closes the database and opens it again, so that what follows reads
// it from storage (DuckDB has crashed on DDL only after a reopen).
func (d *db) reopen() {
	d.t.Helper()
	d.pool.Close()
	pool, err := d.store.Open(context.Background(), dialect.OpenOptions{})
	if err != nil {
		d.t.Fatal(err)
	}
	d.pool = pool
}

func (d *db) inspect(names []string) *schema.Schema {
	d.t.Helper()
	s, err := d.h.Dialect.Inspect(context.Background(), d.pool, names)
	if err != nil {
		d.t.Fatal(err)
	}
	return s
}

func (d *db) exec(q string) {
	d.t.Helper()
	if _, err := d.pool.Exec(q); err != nil {
		d.t.Fatalf("%s: %v", q, err)
	}
}

// insert adds rows to every table of s, each row distinct from all others:
// a value in each NOT NULL column, and with all also in nullable ones
// (otherwise they stay NULL).
func (d *db) insert(s *schema.Schema, rows int, seq *int, all bool, onValue func(table, column string)) {
	d.t.Helper()
	q := d.h.Dialect.Quote
	for _, t := range s.Tables {
		for k := 0; k < rows; k++ {
			*seq++
			var cols, vals []string
			for _, c := range t.Columns {
				if all || !c.Nullable {
					if onValue != nil {
						onValue(t.Name, c.Name)
					}
					cols = append(cols, q(c.Name))
					vals = append(vals, d.h.Literal(c.Type, *seq))
				}
			}
			if len(cols) == 0 {
				// every column nullable: a row of NULLs (ClickHouse has
				// no INSERT ... DEFAULT VALUES)
				cols, vals = []string{q(t.Columns[0].Name)}, []string{"NULL"}
			}
			stmt := "INSERT INTO " + q(t.Name) + " (" + strings.Join(cols, ", ") + ") VALUES (" + strings.Join(vals, ", ") + ")"
			d.exec(stmt)
		}
	}
}

// shape returns s as the dialect keeps it (its Shape applied to a copy):
// ClickHouse turns primary keys into ORDER BY and stores json as String, for
// example.
func shape(t testing.TB, dl dialect.Dialect, s *schema.Schema) *schema.Schema {
	t.Helper()
	c := s.Clone()
	if _, _, err := dl.Shape(c); err != nil {
		t.Fatal(err)
	}
	return c
}

// rendered is a plan's files (more than one where the dialect splits it).
type rendered struct {
	files []generator.Pair
	// up and down are all files together, for messages and golden files.
	up, down []byte
}

// render renders the change from before to after as the dialect's files,
// each with its up and down, as generate does.
func render(t testing.TB, dl dialect.Dialect, env string, before, after *schema.Schema) (rendered, []diff.Change) {
	t.Helper()
	cs := diff.Compare(before, after)
	dialect.Annotate(dl, cs, before)
	applied := diff.Apply(before, cs)
	steps, err := dialect.PlanFiles(dl, cs, before, applied, before)
	if err != nil {
		t.Fatal(err)
	}
	h := generator.Header{Tool: "mxmigrate conformance", Environment: env, Dialect: dl.Name(), Message: env, Transactional: dl.Transactional()}
	r := rendered{files: generator.RenderSteps(h, steps)}
	r.up, r.down = generator.Join(r.files)
	return r, cs
}

// write adds a plan's files to dir.
func write(t testing.TB, dl dialect.Dialect, dir string, r rendered) []generator.File {
	t.Helper()
	unlock, err := generator.Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	cur, err := generator.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var ms []generator.Migration
	for _, f := range r.files {
		ms = append(ms, generator.Migration{Name: "step", Up: f.Up, Down: f.Down,
			Identity: generator.Identity{Dialect: dl.Name()}, BasedOn: cur.Latest()})
	}
	fs, err := generator.WriteAllLocked(dir, ms)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// Golden renders every shared transition, up and down, and compares the
// result with the dialect's golden file.
func Golden(t testing.TB, h Harness) {
	var out bytes.Buffer
	prev := &schema.Schema{}
	for _, tr := range SharedTransitions {
		next := shape(t, h.Dialect, tr.Schema())
		r, _ := render(t, h.Dialect, tr.Name, prev, next)
		fmt.Fprintf(&out, "-- ==== %s: %s ====\n", tr.Name, tr.What)
		for _, f := range r.files {
			out.Write(f.Up)
			out.Write(f.Down)
		}
		prev = next
	}
	if updating() {
		if err := os.MkdirAll(filepath.Dir(h.Golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(h.Golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(h.Golden)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("rendered SQL differs from %s (review, then go test -update):\n%s", h.Golden, out.Bytes())
	}
}

// Transitions applies the shared transitions one after the other to a
// database holding rows (every column valued): each up introspects back to
// its target, each down back to the previous schema, and up again. After
// each of the three, every row of every table is read through the dialect's
// ReadText and compared with the rows before the step (sameValues): the
// rows are kept, but those of dropped tables, and so are their values,
// column by column, where the column survives and its conversion is
// value-preserving (Comparison); after down, every such column holds its
// values from before the step again.
func Transitions(t testing.TB, h Harness) {
	d := newDB(t, h)
	dir := t.TempDir()
	const table = "schema_migrations"
	prev := &schema.Schema{}
	seq := 0
	for _, tr := range SharedTransitions {
		next := shape(t, h.Dialect, tr.Schema())
		r, cs := render(t, h.Dialect, tr.Name, prev, next)
		n := len(write(t, h.Dialect, dir, r))
		d.reopen()
		before := d.snapshot(d.inspect(prev.Names()))
		gone := dropped(cs)
		scope := union(prev, next)
		m := d.migrator(dir, table)
		step := func(label string, n int, want *schema.Schema, files []byte, via snapshot) snapshot {
			t.Helper()
			if err := m.Steps(n); err != nil {
				t.Fatalf("%s %s: %v\n%s", tr.Name, label, err, files)
			}
			got := d.inspect(scope)
			for _, c := range diff.Compare(got, want) {
				t.Errorf("%s %s: live schema differs from the target: %s", tr.Name, label, c.Summary())
			}
			now := d.snapshot(got)
			for name, rows := range now {
				if b, ok := before[name]; ok && !gone[name] && len(b.rows) != len(rows.rows) {
					t.Errorf("%s %s: table %s had %d rows, now %d", tr.Name, label, name, len(b.rows), len(rows.rows))
				}
			}
			sameValues(t, tr.Name+" "+label, before, now, via, gone)
			return now
		}
		up := step("up", n, next, r.up, nil)
		m.Close()
		d.reopen()
		m = d.migrator(dir, table)
		step("down", -n, prev, r.down, up)
		m.Close()
		d.reopen()
		m = d.migrator(dir, table)
		step("up again", n, next, r.up, nil)
		m.Close()
		if t.Failed() {
			return
		}
		d.insert(next, 2, &seq, true, nil)
		prev = next
	}
}

func union(a, b *schema.Schema) []string {
	set := map[string]bool{}
	var out []string
	for _, s := range []*schema.Schema{a, b} {
		for _, t := range s.Tables {
			if !set[t.Name] {
				set[t.Name] = true
				out = append(out, t.Name)
			}
		}
	}
	return out
}

// manyTables is n tables of 5 columns, each with a primary key and an index.
func manyTables(n int) *schema.Schema {
	s := &schema.Schema{}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("t%04d", i)
		s.Tables = append(s.Tables, &schema.Table{Name: name,
			Columns: []*schema.Column{
				{Name: "id", Type: schema.String}, {Name: "n", Type: schema.Int64, Nullable: true},
				{Name: "at", Type: schema.TimestampTZ}, {Name: "doc", Type: schema.JSON, Nullable: true},
				{Name: "ok", Type: schema.Bool, Nullable: true},
			},
			PrimaryKey: &schema.PrimaryKey{Name: "pk_" + name, Columns: []string{"id", "at"}},
			Indexes:    []*schema.Index{{Name: "ix_" + name + "_n", Columns: []string{"n"}}},
		})
	}
	s.Sort()
	return s
}

// apply creates s in d's database in one file.
func (d *db) apply(s *schema.Schema) {
	d.t.Helper()
	dir := d.t.TempDir()
	r, _ := render(d.t, d.h.Dialect, "setup", &schema.Schema{}, s)
	write(d.t, d.h.Dialect, dir, r)
	m := d.migrator(dir, "schema_migrations")
	defer m.Close()
	if err := m.Up(); err != nil {
		d.t.Fatal(err)
	}
}

// CatalogQueries: introspecting 3 tables and 300 tables runs the same number
// of catalog queries, and reads them back exactly.
func CatalogQueries(t testing.TB, h Harness) {
	counts := map[int]int{}
	for _, n := range []int{3, 300} {
		d := newDB(t, h)
		want := shape(t, h.Dialect, manyTables(n))
		d.apply(want)
		c := &catalog.Counter{Q: d.pool}
		got, err := h.Dialect.Inspect(context.Background(), c, want.Names())
		if err != nil {
			t.Fatal(err)
		}
		if rest := diff.Compare(got, want); len(rest) != 0 {
			t.Errorf("%d tables: %d differences, first %s", n, len(rest), rest[0].Summary())
		}
		counts[n] = c.Count()
	}
	if counts[3] != counts[300] || counts[3] == 0 {
		t.Errorf("catalog queries: %d for 3 tables, %d for 300", counts[3], counts[300])
	}
}

// OneConnection: Inspect on a single connection and in a transaction (which
// run one query at a time) gives what it gives on the pool, every time.
func OneConnection(t testing.TB, h Harness) {
	d := newDB(t, h)
	want := shape(t, h.Dialect, manyTables(20))
	d.apply(want)
	ctx := context.Background()
	conn, err := d.pool.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tx, err := d.pool.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for name, q := range map[string]dialect.Queryer{"*sql.Conn": conn, "*sql.Tx": tx, "counted *sql.Conn": &catalog.Counter{Q: conn}} {
		if catalog.Pooled(q) {
			t.Errorf("%s must not count as a pool", name)
		}
		for i := 0; i < 30; i++ {
			got, err := h.Dialect.Inspect(ctx, q, want.Names())
			if err != nil {
				t.Fatalf("%s, run %d: %v", name, i, err)
			}
			if rest := diff.Compare(got, want); len(rest) != 0 {
				t.Fatalf("%s, run %d: %s", name, i, rest[0].Summary())
			}
		}
	}
}

// NamesAtTheLimit: tables, columns and index names at the dialect's limit,
// and an index name and a migrations table past it, made physical by the
// dialect's Namer, are created, introspected and read back under the names
// the Namer gave.
func NamesAtTheLimit(t testing.TB, h Harness) {
	limit := h.Dialect.Limit()
	n := limit
	if n == 0 {
		n = 170 // no limit: long names must simply work (ClickHouse: within its file-name bound)
	}
	long := func(prefix string, size int) string { return prefix + strings.Repeat("x", size-len(prefix)) }
	tbl := long("t", n)
	col := long("c", n)
	ix := h.Dialect.Physical(schema.OwnName, long("ix_", n+20))
	if limit > 0 && (len(ix) > limit || h.Dialect.Physical(schema.MetaxyName, long("t", n+5)) != long("t", n+5)[:limit]) {
		t.Fatalf("Namer: own names must fit (%d bytes), Metaxy's must be cut at the limit", len(ix))
	}
	want := &schema.Schema{Tables: []*schema.Table{{Name: tbl,
		Columns: []*schema.Column{{Name: col, Type: schema.String}, {Name: "v", Type: schema.Int64, Nullable: true}},
		Indexes: []*schema.Index{{Name: ix, Columns: []string{"v"}}}}}}
	want = shape(t, h.Dialect, want)
	d := newDB(t, h)
	d.apply(want)
	if rest := diff.Compare(d.inspect([]string{tbl}), want); len(rest) != 0 {
		t.Errorf("names at the limit: %s", rest[0].Summary())
	}
	// two migrations tables whose default names differ only past the limit
	prefix := long("p", n-10)
	if limit == 0 {
		// no limit to pass: long names that differ at their end
		prefix = long("p", n-40)
	}
	sys, err := desired.MigrationsTable(h.Dialect, prefix+"schema_migrations_metaxy_system", false)
	if err != nil {
		t.Fatal(err)
	}
	feat, _ := desired.MigrationsTable(h.Dialect, prefix+"schema_migrations_metaxy_features", false)
	if sys == feat || (limit > 0 && (len(sys) > limit || len(feat) > limit)) {
		t.Fatalf("migrations tables %q and %q must fit and differ", sys, feat)
	}
	for i, table := range []string{sys, feat} {
		drv := d.driver(table)
		if err := drv.SetVersion(i+1, false); err != nil {
			t.Fatal(err)
		}
		v, _, err := drv.Version()
		drv.Close()
		if err != nil || v != i+1 {
			t.Errorf("%s: version %d %v, want %d", table, v, err, i+1)
		}
		if d.inspect([]string{table}).Table(table) == nil {
			t.Errorf("migrations table %s is not found under its physical name", table)
		}
	}
}

// State: the dialect's golang-migrate driver reads what it records: nothing
// on a fresh database, then version and dirty flag as set.
func State(t testing.TB, h Harness) {
	t.Helper()
	sizes(t, h)
	d := newDB(t, h)
	drv := d.driver("schema_migrations_state")
	defer drv.Close()
	check := func(wantV int, wantDirty bool) {
		t.Helper()
		v, dirty, err := drv.Version()
		if err != nil || v != wantV || dirty != wantDirty {
			t.Errorf("version %d dirty %v (%v), want %d %v", v, dirty, err, wantV, wantDirty)
		}
		// VersionQuery reads what the driver recorded (no row: none)
		var qv int64
		var qdirty bool
		q := h.Dialect.VersionQuery("schema_migrations_state")
		err = d.pool.QueryRowContext(context.Background(), q).Scan(&qv, &qdirty)
		if errors.Is(err, sql.ErrNoRows) {
			qv, qdirty, err = int64(database.NilVersion), false, nil
		}
		if err != nil || int(qv) != wantV || qdirty != wantDirty {
			t.Errorf("%s: version %d dirty %v (%v), want %d %v", q, qv, qdirty, err, wantV, wantDirty)
		}
	}
	check(database.NilVersion, false)
	for _, s := range []struct {
		v     int
		dirty bool
	}{{3, true}, {3, false}, {7, false}, {database.NilVersion, false}} {
		if err := drv.SetVersion(s.v, s.dirty); err != nil {
			t.Fatal(err)
		}
		check(s.v, s.dirty)
	}
}

// sizes: a table with rows has a size after Inspect and Complete, and
// Complete adds no table.
func sizes(t testing.TB, h Harness) {
	d := newDB(t, h)
	s := shape(t, h.Dialect, &schema.Schema{Tables: []*schema.Table{{Name: "sized", Columns: []*schema.Column{{Name: "k", Type: schema.String}},
		PrimaryKey: &schema.PrimaryKey{Columns: []string{"k"}}}}})
	d.apply(s)
	seq := 0
	d.insert(s, 50, &seq, true, nil)
	live := d.inspect([]string{"sized"})
	if err := h.Dialect.Complete(context.Background(), d.pool, live, dialect.Need{Sizes: []string{"sized", "absent"}, Definitions: []string{"sized", "absent"}}); err != nil {
		t.Fatal(err)
	}
	if live.Table("absent") != nil || len(live.Tables) != 1 {
		t.Errorf("Complete adds tables: %v", live.Names())
	}
	st := live.Table("sized").Stats
	if st == nil || st.Bytes <= 0 && st.Rows <= 0 {
		t.Errorf("a table of 50 rows has no size after Inspect and Complete: %+v", st)
	}
}

// StandardLiteral is a literal of type typ, distinct for each n, in the SQL
// that DuckDB and PostgreSQL share; ok is false for the types whose literal
// differs between dialects (bytes, JSON), which a harness writes itself.
func StandardLiteral(typ schema.Type, n int) (lit string, ok bool) {
	switch typ {
	case schema.String:
		return fmt.Sprintf("'v%d'", n), true
	case schema.Int64, schema.Int32:
		return fmt.Sprint(n), true
	case schema.Float64, schema.Float32:
		return fmt.Sprintf("%d.5", n), true
	case schema.Bool:
		return fmt.Sprint(n%2 == 0), true
	case schema.Timestamp:
		return fmt.Sprintf("TIMESTAMP '2020-01-01 00:00:00' + %d * INTERVAL '1 second'", n), true
	case schema.TimestampTZ:
		return fmt.Sprintf("TIMESTAMPTZ '2020-01-01 00:00:00+00' + %d * INTERVAL '1 second'", n), true
	case schema.Date:
		return fmt.Sprintf("DATE '2020-01-01' + %d", n), true
	case schema.Time:
		return fmt.Sprintf("TIME '00:00:00' + %d * INTERVAL '1 second'", n%86400), true
	case schema.UUID:
		return fmt.Sprintf("CAST('00000000-0000-4000-8000-%012x' AS UUID)", n), true
	}
	return "", false
}
