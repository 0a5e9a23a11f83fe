package integration

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/dialect/duckdb"
)

// duckCatalog is every index, constraint, default and comment of table as
// DuckDB defines them, one per line.
func duckCatalog(t *testing.T, db, table string) string {
	t.Helper()
	h, err := duckdb.OpenPath(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	rows, err := h.Query(`
SELECT 'index ' || sql FROM duckdb_indexes() WHERE table_name = $1
UNION ALL SELECT 'constraint ' || constraint_type || ' ' || constraint_text FROM duckdb_constraints() WHERE table_name = $1 AND constraint_type <> 'NOT NULL'
UNION ALL SELECT 'default ' || column_name || ' ' || column_default FROM duckdb_columns() WHERE table_name = $1 AND column_default IS NOT NULL
UNION ALL SELECT 'comment ' || COALESCE(comment, '') FROM duckdb_tables() WHERE table_name = $1
ORDER BY 1`, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return strings.Join(out, "\n")
}

// duckQuery returns the first column of each row of query.
func duckQuery(t *testing.T, db, query string) []string {
	t.Helper()
	h, err := duckdb.OpenPath(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	rows, err := h.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// TestUnmanagedObjectsDuckDB: objects mxmigrate did not create on a feature
// table (an expression index, a unique index, a CHECK, a DEFAULT, a comment)
// are kept and listed by check (exit 0) and generate --verbose; ignore
// silences one; manage_unknown = "drop" plans dropping those DuckDB can drop
// in place, gated behind --allow-destructive where they enforce something,
// and down restores them exactly. The CHECK, which DuckDB cannot drop without
// rebuilding the table, stays listed and untouched.
//
// It is long because it is one scenario on a real engine, step after step.
func TestUnmanagedObjectsDuckDB(t *testing.T) {
	dir := hproject(t, "dev", feature("a/b", "n", "m"))
	db := filepath.Join(dir, "h.duckdb")
	const env = "dev:metaxy_features"
	mx(t, dir, "generate", "-n", env, "-m", "init").Must(t, 0)
	mx(t, dir, "up", "-n", env).Must(t, 0)
	// DuckDB adds a CHECK only in CREATE TABLE: the table is made again by
	// hand with one (and a DEFAULT), its index as mxmigrate made it
	create := duckQuery(t, db, `SELECT sql FROM duckdb_tables() WHERE table_name = 'a__b'`)[0]
	indexes := duckQuery(t, db, `SELECT sql FROM duckdb_indexes() WHERE table_name = 'a__b'`)
	hand := strings.Replace(strings.Replace(create, "n BIGINT", "n BIGINT CHECK ((n >= 0))", 1), "m BIGINT", "m BIGINT DEFAULT(7)", 1)
	if hand == create || !strings.Contains(hand, "CHECK") || !strings.Contains(hand, "DEFAULT") {
		t.Fatalf("cannot add a CHECK and a DEFAULT to %s", create)
	}
	sqlExec(t, db, append(append([]string{`DROP TABLE a__b`, hand}, indexes...),
		`CREATE INDEX ix_by_hand ON a__b ((n + m))`, `CREATE UNIQUE INDEX uq_by_hand ON a__b (m)`,
		`COMMENT ON TABLE a__b IS 'made by hand'`)...)
	before := duckCatalog(t, db, "a__b")

	listed := []string{"check ", "((n >= 0))", "default m on a__b: DEFAULT 7", "index ix_by_hand on a__b: CREATE INDEX ix_by_hand ON a__b(((n + m)))",
		"unique index uq_by_hand on a__b", "comment on a__b: 'made by hand'", "DuckDB cannot drop a constraint without rebuilding the table"}
	r := mx(t, dir, "check", "-n", env).Must(t, 0, append([]string{"in sync", "5 object(s) not created from the definitions, kept"}, listed...)...)
	t.Log(r.Stdout)
	var reports []struct {
		InSync    bool `json:"in_sync"`
		Unmanaged []struct{ Table, Kind, Name, Definition string }
	}
	if err := json.Unmarshal([]byte(mx(t, dir, "check", "-n", env, "--json").Must(t, 0).Stdout), &reports); err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 || !reports[0].InSync || len(reports[0].Unmanaged) != 5 {
		t.Fatalf("check --json: %+v", reports)
	}
	g := mx(t, dir, "--verbose", "generate", "-n", env, "--dry-run").Must(t, 0, "No changes detected")
	for _, want := range listed {
		if !strings.Contains(g.Stderr, want) {
			t.Errorf("generate --verbose does not list %q:\n%s", want, g.Stderr)
		}
	}

	toml := filepath.Join(dir, "metaxy.toml")
	write(t, toml, read(t, toml)+"ignore = [\"a__b.ix_by_*\"]\n")
	if r := mx(t, dir, "check", "-n", env).Must(t, 0, "4 object(s)"); strings.Contains(r.Stdout, "ix_by_hand") {
		t.Fatalf("an ignored index is listed:\n%s", r.Stdout)
	}
	write(t, toml, read(t, toml)+"manage_unknown = \"drop\"\n")
	mx(t, dir, "check", "-n", env).Must(t, 1, "- drop index uq_by_hand", "- drop default of a__b.m", "- drop comment on a__b")
	mx(t, dir, "generate", "-n", env, "-m", "drop").Must(t, 1, "destructive", "unique index uq_by_hand", "default of a__b.m")
	w := mx(t, dir, "generate", "-n", env, "-m", "drop", "--allow-destructive").Must(t, 0, "wrote")
	if strings.Contains(w.Stdout, "ix_by_hand") || strings.Contains(w.Stdout, "CHECK") {
		t.Fatalf("the ignored index or the CHECK is planned:\n%s", w.Stdout)
	}
	mx(t, dir, "up", "-n", env).Must(t, 0)
	after := duckCatalog(t, db, "a__b")
	for _, gone := range []string{"uq_by_hand", "default m", "made by hand"} {
		if strings.Contains(after, gone) {
			t.Errorf("%s survived manage_unknown = drop:\n%s", gone, after)
		}
	}
	for _, kept := range []string{"ix_by_hand", "CHECK"} {
		if !strings.Contains(after, kept) {
			t.Errorf("%s was dropped:\n%s", kept, after)
		}
	}
	mx(t, dir, "check", "-n", env).Must(t, 0, "in sync", "1 object(s)")
	mx(t, dir, "down", "-n", env, "1").Must(t, 0)
	if got := duckCatalog(t, db, "a__b"); got != before {
		t.Fatalf("down did not restore the hand-made objects exactly:\n%s\nwant:\n%s", got, before)
	}
}
