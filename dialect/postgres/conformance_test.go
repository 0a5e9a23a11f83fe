package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/dialect/dialecttest"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/integration/itest"
	"github.com/mxmigrate/mxmigrate/schema"
)

// literal is a PostgreSQL literal of type t, distinct for each n.
func literal(t schema.Type, n int) string {
	if lit, ok := dialecttest.StandardLiteral(t, n); ok {
		return lit
	}
	switch t {
	case schema.Bytes:
		return fmt.Sprintf("'b%d'::bytea", n)
	case schema.JSON:
		return fmt.Sprintf(`'{"n": %d}'::jsonb`, n)
	}
	panic(t)
}

// castable: PostgreSQL casts every type to and from text; among the others
// only numbers and dates/timestamps convert.
func castable(from, to schema.Type) bool {
	family := map[schema.Type]int{schema.Int64: 1, schema.Int32: 1, schema.Float64: 1, schema.Float32: 1, schema.Timestamp: 2, schema.TimestampTZ: 2, schema.Date: 2}
	if from == schema.String || to == schema.String || from == to {
		return true
	}
	f, t := family[from], family[to]
	return f != 0 && f == t
}

// server is PostgreSQL in Docker, started by the first test that needs it.
var (
	serverOnce sync.Once
	server     *itest.Postgres
	serverErr  error
)

func pg(t testing.TB) *itest.Postgres {
	t.Helper()
	serverOnce.Do(func() { server, serverErr = itest.StartPostgres() })
	if serverErr != nil {
		t.Fatalf("dialect/postgres conformance needs PostgreSQL: %v", serverErr)
	}
	return server
}

func TestMain(m *testing.M) {
	code := m.Run()
	if server != nil {
		server.Close()
	}
	os.Exit(code)
}

// TestConformance runs the conformance kit on PostgreSQL in Docker, each
// check on a fresh database.
func TestConformance(t *testing.T) { dialecttest.Run(t, harness()) }

// harness is PostgreSQL's conformance harness: each check on a fresh
// database of the container.
func harness() dialecttest.Harness {
	return dialecttest.Harness{
		Dialect: Dialect{},
		NewStore: func(t testing.TB) dialect.Store {
			p := pg(t)
			s, err := Dialect{}.Configure(&config.Store{Name: "conformance", Settings: map[string]any{"connection_string": p.DSN(p.NewDatabase(t))}})
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		Literal:  literal,
		Castable: castable,
		Golden:   "testdata/conformance.sql",
	}
}

// TestKitCatchesSabotage: the kit's transitions fail, on a value check, when
// PostgreSQL's plans are rewritten (testhook.RewriteStatement) to lose data
// in ways that keep every row and every column: a table rewrite (ALTER TYPE
// ... USING rewrites every row) that truncates timestamps to the year, a
// type conversion that gives NULL, and a down file that does not restore a
// column's values.
func TestKitCatchesSabotage(t *testing.T) {
	dialecttest.CatchesSabotage(t, harness(), []dialecttest.Sabotage{
		// add-columns (not destructive) also rewrites videos, truncating
		{Name: "value-truncating rebuild", Want: "videos.created", Rewrite: func(dir, sql string) string {
			if dir != "up" || !strings.HasPrefix(sql, `ALTER TABLE "videos" ADD COLUMN "codec"`) {
				return sql
			}
			return sql + "\n" + `ALTER TABLE "videos" ALTER COLUMN "created" TYPE TIMESTAMPTZ USING date_trunc('year', "created");`
		}},
		{Name: "nulling conversion", Want: "videos.fps", Rewrite: func(dir, sql string) string {
			if dir != "up" || !strings.HasPrefix(sql, `ALTER TABLE "videos" ALTER COLUMN "fps" TYPE`) {
				return sql
			}
			return strings.Replace(sql, `USING "fps"::DOUBLE PRECISION`, `USING NULL::DOUBLE PRECISION`, 1)
		}},
		// drop-not-null's down (the step is not destructive) also empties
		// another table's column
		{Name: "non-restoring down", Want: "videos.codec", Rewrite: func(dir, sql string) string {
			if dir != "down" || sql != `ALTER TABLE "frames" ALTER COLUMN "label" SET NOT NULL;` {
				return sql
			}
			return sql + "\n" + `UPDATE "videos" SET "codec" = NULL;`
		}},
	})
}

// TestJSONAdoption: a table Alembic made with sa.JSON (PostgreSQL json)
// satisfies the logical json; json_type = "jsonb" plans the conversion,
// named as PostgreSQL names the types, and it keeps the values.
func TestJSONAdoption(t *testing.T) {
	ctx := context.Background()
	p := pg(t)
	s, err := Dialect{}.Configure(&config.Store{Name: "adopt", Settings: map[string]any{"connection_string": p.DSN(p.NewDatabase(t))}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := s.Open(ctx, dialect.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if _, err := h.ExecContext(ctx, `CREATE TABLE t (id VARCHAR NOT NULL, by_field JSON NOT NULL, note TEXT); INSERT INTO t VALUES ('a', '{"x": "1"}', 'n')`); err != nil {
		t.Fatal(err)
	}
	tgt := &schema.Schema{Tables: []*schema.Table{{Name: "t", Columns: []*schema.Column{
		{Name: "id", Type: schema.String}, {Name: "by_field", Type: schema.JSON}, {Name: "note", Type: schema.String, Nullable: true}}}}}
	plan := func(d dialect.Dialect) []diff.Change {
		live, err := d.Inspect(ctx, h, []string{"t"})
		if err != nil {
			t.Fatal(err)
		}
		cs := diff.Compare(live, tgt)
		dialect.Annotate(d, cs, live)
		return cs
	}
	if cs := plan(Dialect{}); len(cs) != 0 {
		t.Fatalf("json_type not set: %d changes, first %s", len(cs), cs[0].Summary())
	}
	jsonb, err := Dialect{}.Tune(map[string]any{"json_type": "jsonb"}, "ext.mxmigrate.postgresql")
	if err != nil {
		t.Fatal(err)
	}
	cs := plan(jsonb)
	if len(cs) != 1 || cs[0].Summary() != "~ alter column t.by_field type json -> jsonb" || !strings.Contains(cs[0].Destructive(), "from json to jsonb") {
		t.Fatalf("json_type jsonb: %v", cs)
	}
	live, _ := jsonb.Inspect(ctx, h, []string{"t"})
	stmts, err := jsonb.(Dialect).Render(cs, live, tgt)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stmts {
		if _, err := h.ExecContext(ctx, st.SQL); err != nil {
			t.Fatal(err)
		}
	}
	if cs := plan(jsonb); len(cs) != 0 {
		t.Errorf("after the conversion: %s", cs[0].Summary())
	}
	var v string
	if err := h.QueryRowContext(ctx, `SELECT by_field->>'x' FROM t`).Scan(&v); err != nil || v != "1" {
		t.Errorf("value after the conversion: %q %v", v, err)
	}
}

// TestCatalogOnOneConnection: on a pool, Inspect and Complete read the
// catalog on one connection, one query after the other: each more
// connection costs PostgreSQL an authentication and a backend whose
// catalog caches are cold (docs/performance.md). Run at once, the three
// catalog queries open three.
func TestCatalogOnOneConnection(t *testing.T) {
	ctx := context.Background()
	db := freshDB(t,
		`CREATE TABLE a (id TEXT PRIMARY KEY, n BIGINT)`,
		`CREATE INDEX a_n ON a (n)`,
		`CREATE TABLE b (id TEXT PRIMARY KEY, s TEXT)`)
	db.SetMaxIdleConns(8)
	live, err := Dialect{}.Inspect(ctx, db, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	if len(live.Tables) != 2 {
		t.Fatalf("read %d tables, want 2", len(live.Tables))
	}
	if err := (Dialect{}).Complete(ctx, db, live, dialect.Need{Sizes: []string{"a", "b"}, Definitions: []string{"a"}}); err != nil {
		t.Fatal(err)
	}
	if n := db.Stats().OpenConnections; n != 1 {
		t.Errorf("the catalog was read on %d connections, want 1", n)
	}
}

// TestIndexReferencedByForeignKey: a unique index (not a constraint) that a
// foreign key of another table references is read as the table's index,
// and an exclusion constraint on an expression keeps only its columns.
func TestIndexReferencedByForeignKey(t *testing.T) {
	ctx := context.Background()
	db := freshDB(t,
		`CREATE TABLE parent (id BIGINT NOT NULL, name TEXT)`,
		`CREATE UNIQUE INDEX parent_id ON parent (id)`,
		`CREATE TABLE child (pid BIGINT REFERENCES parent (id))`,
		`CREATE TABLE ex (name TEXT, EXCLUDE USING btree (lower(name) WITH =))`)
	live, err := Dialect{}.Inspect(ctx, db, []string{"parent", "child", "ex"})
	if err != nil {
		t.Fatal(err)
	}
	idx := live.Index()
	if ix := idx["parent"].Indexes; len(ix) != 1 || ix[0].Name != "parent_id" || !ix[0].Unique || strings.Join(ix[0].Columns, ",") != "id" {
		t.Errorf("parent's indexes: %+v, want the unique index parent_id (id)", ix)
	}
	var excl int
	for _, o := range idx["ex"].Objects {
		if o.Kind == "exclusion" {
			excl++
			if len(o.Columns) != 0 {
				t.Errorf("exclusion constraint on an expression: columns %q, want none", o.Columns)
			}
		}
	}
	if excl != 1 {
		t.Errorf("ex has %d exclusion constraints, want 1: %+v", excl, idx["ex"].Objects)
	}
}

// freshDB is a new database of the container with stmts run in it.
func freshDB(t *testing.T, stmts ...string) *sql.DB {
	t.Helper()
	p := pg(t)
	db := p.Open(t, p.NewDatabase(t))
	for _, stmt := range stmts {
		if _, err := db.ExecContext(context.Background(), stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	return db
}
