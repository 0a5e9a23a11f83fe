package integration

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// handMadeTable makes a__b again by hand as mxmigrate made it, with what
// replace adds to its CREATE TABLE, and the statements after; then inserts
// three rows (m takes its default when it has one).
func handMadeTable(t *testing.T, db string, replace []string, after ...string) {
	t.Helper()
	create := duckQuery(t, db, `SELECT sql FROM duckdb_tables() WHERE table_name = 'a__b'`)[0]
	indexes := duckQuery(t, db, `SELECT sql FROM duckdb_indexes() WHERE table_name = 'a__b'`)
	hand := strings.NewReplacer(replace...).Replace(create)
	if hand == create {
		t.Fatalf("cannot change %s", create)
	}
	stmts := append(append([]string{`DROP TABLE a__b`, hand}, indexes...), after...)
	stmts = append(stmts, `INSERT INTO a__b (id, n, metaxy_provenance, metaxy_provenance_by_field, metaxy_feature_version, metaxy_project_version,
  metaxy_data_version, metaxy_data_version_by_field, metaxy_created_at, metaxy_updated_at)
SELECT 'r' || i, i, 'p', '{}', 'f', 'p', 'd', '{}', TIMESTAMPTZ '2024-01-01 00:00:00+00', TIMESTAMPTZ '2024-01-02 00:00:00+00' FROM range(3) t(i)`)
	sqlExec(t, db, stmts...)
}

// duckObjects is duckCatalog with the column comments of table.
func duckObjects(t *testing.T, db, table string) []string {
	t.Helper()
	out := strings.Split(duckCatalog(t, db, table), "\n")
	out = append(out, duckQuery(t, db, `SELECT 'column comment ' || column_name || ' ' || comment FROM duckdb_columns() WHERE table_name = '`+table+`' AND comment IS NOT NULL ORDER BY 1`)...)
	return out
}

// TestRebuildKeepsUnmanagedObjectsDuckDB: a table with a hand-made CHECK,
// DEFAULT, index and comments loses its primary key (inject_primary_key
// turned off), which DuckDB cannot drop in place: the rebuild creates them
// again on the new table (the file shows them), the rows are kept, check
// still lists them, down restores the key beside them, and the down file
// of the migration that adds the key back (a rebuild too) keeps them.
//
// It is long because it is one scenario on a real engine, step after step.
func TestRebuildKeepsUnmanagedObjectsDuckDB(t *testing.T) {
	dir := hproject(t, "dev", feature("a/b", "n", "m"))
	db := filepath.Join(dir, "h.duckdb")
	const env = "dev:metaxy_features"
	mx(t, dir, "generate", "-n", env, "-m", "init").Must(t, 0)
	mx(t, dir, "up", "-n", env).Must(t, 0)
	handMadeTable(t, db, []string{"n BIGINT", "n BIGINT CHECK ((n >= 0))", "m BIGINT", "m BIGINT DEFAULT(7)"},
		`CREATE INDEX ix_by_hand ON a__b ((n + m))`, `COMMENT ON TABLE a__b IS 'made by hand'`, `COMMENT ON COLUMN a__b.n IS 'counted by hand'`)
	rowsQ := `SELECT id || ':' || n || ':' || m FROM a__b ORDER BY id`
	rows := strings.Join(duckQuery(t, db, rowsQ), " ")
	if rows != "r0:0:7 r1:1:7 r2:2:7" {
		t.Fatalf("rows %s", rows)
	}
	keyed := duckObjects(t, db, "a__b")
	var unkeyed []string
	for _, l := range keyed {
		if !strings.HasPrefix(l, "constraint PRIMARY KEY") {
			unkeyed = append(unkeyed, l)
		}
	}
	if len(unkeyed) != len(keyed)-1 || !slices.ContainsFunc(keyed, func(s string) bool { return strings.Contains(s, "CHECK") }) {
		t.Fatalf("catalog:\n%s", strings.Join(keyed, "\n"))
	}
	same := func(when string, want []string) {
		t.Helper()
		if got := duckObjects(t, db, "a__b"); !slices.Equal(got, want) {
			t.Errorf("%s: the table has\n%s\nwant\n%s", when, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if got := strings.Join(duckQuery(t, db, rowsQ), " "); got != rows {
			t.Errorf("%s: rows %s, want %s", when, got, rows)
		}
	}

	toml := filepath.Join(dir, "metaxy.toml")
	write(t, toml, strings.Replace(read(t, toml), "inject_primary_key = true", "inject_primary_key = false", 1))
	mx(t, dir, "generate", "-n", env, "-m", "nokey").Must(t, 1, "destructive", "drops the primary key of a__b")
	w := mx(t, dir, "generate", "-n", env, "-m", "nokey", "--allow-destructive").Must(t, 0, "wrote")
	if strings.Contains(w.Stdout+w.Stderr, "cannot have") {
		t.Errorf("nothing is lost, yet the plan says so:\n%s", w.Stdout)
	}
	up := read(t, filepath.Join(dir, "migrations/features/000002_nokey.up.sql"))
	for _, want := range []string{`"m" BIGINT DEFAULT 7`, "CHECK((n >= 0))", "COMMENT ON TABLE \"a__b\" IS 'made by hand';",
		"COMMENT ON COLUMN \"a__b\".\"n\" IS 'counted by hand';", "CREATE INDEX ix_by_hand ON a__b(((n + m)));", "the new table keeps"} {
		if !strings.Contains(up, want) {
			t.Errorf("the rebuild does not carry %q:\n%s", want, up)
		}
	}
	mx(t, dir, "up", "-n", env).Must(t, 0)
	same("after the rebuild", unkeyed)
	mx(t, dir, "check", "-n", env).Must(t, 0, "in sync", "default m on a__b: DEFAULT 7", "index ix_by_hand", "comment on a__b: 'made by hand'")
	mx(t, dir, "down", "-n", env, "1").Must(t, 0)
	same("after down", keyed)
	mx(t, dir, "up", "-n", env).Must(t, 0)
	same("after up again", unkeyed)

	// the key comes back in place; its down file rebuilds the table
	write(t, toml, strings.Replace(read(t, toml), "inject_primary_key = false", "inject_primary_key = true", 1))
	mx(t, dir, "generate", "-n", env, "-m", "key").Must(t, 0, "wrote")
	if down := read(t, filepath.Join(dir, "migrations/features/000003_key.down.sql")); !strings.Contains(down, "DEFAULT 7") || !strings.Contains(down, "CHECK((n >= 0))") {
		t.Errorf("the down file's rebuild does not carry the DEFAULT and the CHECK:\n%s", down)
	}
	mx(t, dir, "up", "-n", env).Must(t, 0)
	same("after the key is back", keyed)
	mx(t, dir, "down", "-n", env, "1").Must(t, 0)
	same("after its down file's rebuild", unkeyed)
}

// TestRebuildNamesWhatItLosesDuckDB: a CHECK that refers to a column the
// plan drops cannot be on the rebuilt table (DuckDB drops no constraint in
// place, so it is still there when the table is rebuilt): the plan line
// names it and why, the change is destructive, and the rest is carried.
func TestRebuildNamesWhatItLosesDuckDB(t *testing.T) {
	dir := hproject(t, "dev", feature("a/b", "n", "m"))
	db := filepath.Join(dir, "h.duckdb")
	const env = "dev:metaxy_features"
	mx(t, dir, "generate", "-n", env, "-m", "init").Must(t, 0)
	mx(t, dir, "up", "-n", env).Must(t, 0)
	handMadeTable(t, db, []string{"n BIGINT", "n BIGINT CHECK ((n >= 0)) DEFAULT(5)", "PRIMARY KEY(", "CHECK ((n < m)), PRIMARY KEY("},
		`UPDATE a__b SET m = 10`)
	// m comes after nothing keyed but the key's columns: dropping it rebuilds
	write(t, filepath.Join(dir, "defs.toml"), feature("a/b", "n"))
	lost := "check a__b_n_m_check on a__b (CHECK((n < m))): it refers to column m, which the new table does not have"
	mx(t, dir, "generate", "-n", env, "-m", "dropm").Must(t, 1, "destructive", "drops column a__b.m", lost)
	mx(t, dir, "generate", "-n", env, "-m", "dropm", "--allow-destructive").Must(t, 0, "wrote", lost)
	up := read(t, filepath.Join(dir, "migrations/features/000002_dropm.up.sql"))
	if !strings.Contains(up, `"n" BIGINT DEFAULT 5`) || !strings.Contains(up, "CHECK((n >= 0))") || strings.Contains(up, "    CHECK((n < m))") || !strings.Contains(up, "-- rebuild a__b: ") {
		t.Errorf("the rebuild must carry the DEFAULT and CHECK of n, not the CHECK on m:\n%s", up)
	}
	mx(t, dir, "up", "-n", env).Must(t, 0)
	got := strings.Join(duckObjects(t, db, "a__b"), "\n")
	if !strings.Contains(got, "CHECK((n >= 0))") || !strings.Contains(got, "default n 5") || strings.Contains(got, "n < m") {
		t.Errorf("after the rebuild:\n%s", got)
	}
	if rows := strings.Join(duckQuery(t, db, `SELECT id || ':' || n FROM a__b ORDER BY id`), " "); rows != "r0:0 r1:1 r2:2" {
		t.Errorf("rows %s", rows)
	}
}
