package duckdb

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/golang-migrate/migrate/v4"
	dt "github.com/golang-migrate/migrate/v4/database/testing"
	"github.com/golang-migrate/migrate/v4/source/iofs"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/schema"
)

var update = flag.Bool("update", false, "rewrite golden files")

func tempDB(t *testing.T) (string, *dialect.Handle) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "t.duckdb")
	h, err := OpenPath(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return p, h
}

func exec1(t *testing.T, h *dialect.Handle, q string, args ...any) {
	t.Helper()
	if _, err := h.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func TestURLs(t *testing.T) {
	st := &config.Store{Name: "dev", Settings: map[string]any{"database": "data/dev.duckdb"}, ConfigDir: "/proj"}
	d := Dialect{}
	s, err := d.Configure(st)
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := s.URL(dialect.URLOptions{}); u != "duckdb:///data/dev.duckdb" {
		t.Errorf("store URL %q", u)
	}
	u, err := s.MigrateURL("schema_migrations_metaxy_features", dialect.URLOptions{})
	if err != nil || u != "duckdb:///proj/data/dev.duckdb?x-migrations-table=schema_migrations_metaxy_features" {
		t.Errorf("migrate URL %q %v", u, err)
	}
	if u, _ := s.MigrateURL("t", dialect.URLOptions{Protocol: "duckdb2"}); !strings.HasPrefix(u, "duckdb2:///proj/") {
		t.Errorf("protocol: %q", u)
	}
	if _, err := s.MigrateURL("t", dialect.URLOptions{Port: 1}); err == nil || !strings.Contains(err.Error(), "no port") {
		t.Errorf("port: %v", err)
	}
	p, q, err := parseURL("duckdb:///a%3Fb/c.duckdb?x-migrations-table=m")
	if err != nil || p != "/a?b/c.duckdb" || q.Get("x-migrations-table") != "m" {
		t.Errorf("parse: %q %v %v", p, q, err)
	}
	if _, err := d.Configure(&config.Store{Name: "x", ConfigPath: "metaxy.toml"}); err == nil || !strings.Contains(err.Error(), "stores.x.config.database") {
		t.Errorf("no database path must fail naming the key: %v", err)
	}
	if _, err := d.Configure(&config.Store{Name: "x", Settings: map[string]any{"database": 3}}); err == nil || !strings.Contains(err.Error(), "must be a string") {
		t.Errorf("a database that is not a string: %v", err)
	}
}

func TestIntrospectNormalisesTypes(t *testing.T) {
	_, h := tempDB(t)
	exec1(t, h, `CREATE TABLE "we""ird" (a INT8 NOT NULL, b TEXT, c FLOAT8, d BOOL, e BYTEA, f TIMESTAMPTZ, g DATETIME, h DECIMAL(10,2), "x,y" UUID, j JSON, k DATE, l TIME, PRIMARY KEY (a))`)
	exec1(t, h, `CREATE INDEX "ix ""q""" ON "we""ird" ("x,y", b)`)
	exec1(t, h, `CREATE TABLE other (z VARCHAR)`)
	s, err := Dialect{}.Inspect(context.Background(), h, []string{`we"ird`, "absent"})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Tables) != 1 {
		t.Fatalf("only requested tables that exist: %v", s.Names())
	}
	tb := s.Tables[0]
	var got []string
	for _, c := range tb.Columns {
		got = append(got, fmt.Sprintf("%s:%s:%v", c.Name, c.Type, c.Nullable))
	}
	want := []string{"a:int64:false", "b:string:true", "c:float64:true", "d:bool:true", "e:bytes:true", "f:timestamptz:true",
		"g:timestamp:true", "h:raw:DECIMAL(10,2):true", "x,y:uuid:true", "j:json:true", "k:date:true", "l:time:true"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("columns\n%v\n%v", got, want)
	}
	if tb.PrimaryKey == nil || tb.PrimaryKey.Name != "" || !reflect.DeepEqual(tb.PrimaryKey.Columns, []string{"a"}) {
		t.Errorf("pk %+v", tb.PrimaryKey)
	}
	if len(tb.Indexes) != 1 || tb.Indexes[0].Name != `ix "q"` || !reflect.DeepEqual(tb.Indexes[0].Columns, []string{"x,y", "b"}) {
		t.Errorf("index %+v", tb.Indexes)
	}
}

func TestDriverConformance(t *testing.T) {
	p := filepath.Join(t.TempDir(), "drv.duckdb")
	d, err := (&Driver{}).Open("duckdb://" + p + "?x-migrations-table=my_migrations")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	h, _ := OpenPath(context.Background(), p)
	defer h.Close()
	var n int
	if err := h.QueryRow(`SELECT count(*) FROM duckdb_tables() WHERE table_name = 'my_migrations'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("x-migrations-table not honoured: %d %v", n, err)
	}
	dt.Test(t, d, []byte("CREATE TABLE t (a VARCHAR); INSERT INTO t VALUES ('x');"))
}

func TestFailingMigrationRollsBackAndMarksDirty(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "000001_ok.up.sql"), []byte("CREATE TABLE a (x VARCHAR);"), 0o644)
	os.WriteFile(filepath.Join(dir, "000001_ok.down.sql"), []byte("DROP TABLE a;"), 0o644)
	os.WriteFile(filepath.Join(dir, "000002_bad.up.sql"), []byte("CREATE TABLE b (x VARCHAR);\nINSERT INTO a VALUES ('1');\nSELECT * FROM missing_table;"), 0o644)
	os.WriteFile(filepath.Join(dir, "000002_bad.down.sql"), []byte("DROP TABLE b;"), 0o644)
	db := filepath.Join(t.TempDir(), "m.duckdb")
	src, _ := iofs.New(os.DirFS(dir), ".")
	m, err := migrate.NewWithSourceInstance("iofs", src, "duckdb://"+db)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := m.Up(); err == nil {
		t.Fatal("bad migration succeeded")
	}
	v, dirty, _ := m.Version()
	if v != 2 || !dirty {
		t.Errorf("version %d dirty %v", v, dirty)
	}
	h, _ := OpenPath(context.Background(), db)
	defer h.Close()
	s, _ := Dialect{}.Inspect(context.Background(), h, nil)
	if !reflect.DeepEqual(s.Names(), []string{"a", "schema_migrations"}) {
		t.Errorf("half-applied: %v", s.Names())
	}
	var n int
	h.QueryRow("SELECT count(*) FROM a").Scan(&n)
	if n != 0 {
		t.Errorf("insert of the failed file survived: %d rows", n)
	}
}

// TestLockedByAnotherProcess runs this test binary again as a helper that
// holds the database file open.
func TestLockedByAnotherProcess(t *testing.T) {
	if p := os.Getenv("MXMIGRATE_HOLD_DUCKDB"); p != "" {
		h, err := OpenPath(context.Background(), p)
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		exec1(t, h, "CREATE TABLE IF NOT EXISTS held (x INT)")
		fmt.Println("ready")
		io.Copy(io.Discard, os.Stdin) // holds the file until the test closes our standard input
		os.Exit(0)
	}
	p := filepath.Join(t.TempDir(), "held.duckdb")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockedByAnotherProcess$")
	cmd.Env = append(os.Environ(), "MXMIGRATE_HOLD_DUCKDB="+p)
	out, _ := cmd.StdoutPipe()
	hold, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { hold.Close(); cmd.Wait() }()
	buf := make([]byte, 64)
	n, _ := out.Read(buf)
	if !strings.Contains(string(buf[:n]), "ready") {
		t.Fatalf("helper: %q", buf[:n])
	}
	_, err = OpenPath(context.Background(), p)
	if err == nil {
		t.Fatal("opened a file another process holds")
	}
	if !strings.Contains(err.Error(), "in use by another process") || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "PID") {
		t.Errorf("unclear message: %v", err)
	}
}

func render(t *testing.T, changes []diff.Change, before, after *schema.Schema) []byte {
	t.Helper()
	return renderDir(t, "up", changes, before, after)
}

func renderDir(t *testing.T, direction string, changes []diff.Change, before, after *schema.Schema) []byte {
	t.Helper()
	st, err := Dialect{}.Render(changes, before, after)
	if err != nil {
		t.Fatal(err)
	}
	return generator.Render(generator.Header{Tool: "mxmigrate test", Environment: "dev:metaxy_features", Dialect: "duckdb", Message: "golden", Direction: direction, Transactional: true}, st)
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		os.WriteFile(p, got, 0o644)
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file; got:\n%s", p, got)
	}
}

// keyed builds a feature-like table with an injected key and index.
func keyedTable(name string, extra ...*schema.Column) *schema.Table {
	cols := []*schema.Column{{Name: "id", Type: schema.String}, {Name: "metaxy_created_at", Type: schema.TimestampTZ}}
	cols = append(cols, extra...)
	return &schema.Table{Name: name, Columns: cols,
		PrimaryKey: &schema.PrimaryKey{Name: "pk_" + name, Columns: []string{"id", "metaxy_created_at"}},
		Indexes:    []*schema.Index{{Name: "ix_" + name, Columns: []string{"id", "metaxy_created_at"}}}}
}

func TestGoldenSQL(t *testing.T) {
	empty := &schema.Schema{}
	v1 := &schema.Schema{Tables: []*schema.Table{keyedTable("videos", &schema.Column{Name: "path", Type: schema.String, Nullable: true}, &schema.Column{Name: "fps", Type: schema.Int64, Nullable: true})}}
	cs := diff.Compare(empty, v1)
	golden(t, "create.up.sql", render(t, cs, empty, v1))
	golden(t, "create.down.sql", renderDir(t, "down", diff.Inverse(cs), v1, empty))

	v2 := &schema.Schema{Tables: []*schema.Table{keyedTable("videos", &schema.Column{Name: "fps", Type: schema.Float64, Nullable: true}, &schema.Column{Name: "codec", Type: schema.String})}}
	v2.Tables[0].PrimaryKey.Columns = []string{"id"}
	cs = diff.Compare(v1, v2)
	golden(t, "alter.up.sql", render(t, cs, v1, v2))
	golden(t, "alter.down.sql", renderDir(t, "down", diff.Inverse(cs), v2, v1))
	// identical inputs give identical bytes
	if !bytes.Equal(render(t, diff.Compare(v1, v2), v1, v2), render(t, cs, v1, v2)) {
		t.Error("output not deterministic")
	}
}

// TestPathsTheDSNCannotCarry: a database file whose path holds "%" (bare or
// an escape) opens and is created like any other, for reading and for
// applying; one with "?", which DuckDB itself cannot use, is refused when the
// store is configured (before generate as before up).
func TestPathsTheDSNCannotCarry(t *testing.T) {
	if _, err := (Dialect{}).Configure(&config.Store{Name: "dev", Settings: map[string]any{"database": "/data/what?.duckdb"}}); err == nil || !strings.Contains(err.Error(), `contains "?"`) {
		t.Errorf("a path with ? must be refused clearly: %v", err)
	}
	for _, name := range []string{"100%.duckdb", "a%3Fb.duckdb", "p#q.duckdb"} {
		dir := filepath.Join(t.TempDir(), "x%y")
		os.MkdirAll(dir, 0o755)
		path := filepath.Join(dir, name)
		s, err := Dialect{}.Configure(&config.Store{Name: "dev", Settings: map[string]any{"database": path}})
		if err != nil {
			t.Fatal(err)
		}
		h, err := s.Open(context.Background(), dialect.OpenOptions{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		exec1(t, h, "CREATE TABLE t (x INTEGER)")
		drv, err := Dialect{}.MigrateDriver(h, "schema_migrations")
		if err != nil {
			t.Fatal(err)
		}
		if err := drv.SetVersion(3, false); err != nil {
			t.Fatal(err)
		}
		drv.Close()
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("%s: the file itself must hold the database: %v", name, err)
		}
		h, _ = s.Open(context.Background(), dialect.OpenOptions{ReadOnly: true})
		got, err := Dialect{}.Inspect(context.Background(), h, []string{"t", "schema_migrations"})
		h.Close()
		if err != nil || len(got.Tables) != 2 {
			t.Errorf("%s: read back %v %v", name, got, err)
		}
	}
}

// TestSQLAlchemyTypes: the types SQLAlchemy writes for Metaxy's integration
// on DuckDB read back as logical types; Integer and Float are 32-bit there
// (int32, float32), so a target of int64/float64 widens them, ungated, and
// plans name the types as DuckDB does.
func TestSQLAlchemyTypes(t *testing.T) {
	_, h := tempDB(t)
	exec1(t, h, `CREATE TABLE f (s VARCHAR NOT NULL, i INTEGER, b BIGINT, x FLOAT, d DOUBLE PRECISION, ok BOOLEAN, j JSON, tz TIMESTAMP WITH TIME ZONE, ts TIMESTAMP WITHOUT TIME ZONE, txt TEXT)`)
	live, err := Dialect{}.Inspect(context.Background(), h, []string{"f"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range live.Tables[0].Columns {
		got = append(got, c.Name+":"+string(c.Type))
	}
	want := []string{"s:string", "i:int32", "b:int64", "x:float32", "d:float64", "ok:bool", "j:json", "tz:timestamptz", "ts:timestamp", "txt:string"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	tgt := live.Clone()
	tgt.Tables[0].Column("i").Type = schema.Int64
	tgt.Tables[0].Column("x").Type = schema.Float64
	cs := diff.Compare(live, tgt)
	dialect.Annotate(Dialect{}, cs, live)
	var plan []string
	for _, c := range cs {
		plan = append(plan, c.Summary()+" "+c.Destructive())
	}
	want = []string{"~ alter column f.i type INTEGER -> BIGINT ", "~ alter column f.x type FLOAT -> DOUBLE "}
	if !reflect.DeepEqual(plan, want) {
		t.Errorf("plan %q\nwant %q", plan, want)
	}
}
