package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/schema"
)

// TestRetypeGuard: on PostgreSQL a type change whose cast would change a
// value (numeric 29.97 to integer rounds to 30, text '007' reads 7,
// double precision 0.1 to real) stops the file, which rolls back, naming
// the value; values that survive the round trip go through. Each file of
// the plan runs as golang-migrate runs it: one multi-statement query.
//
// It is long because it is one scenario on a real engine, step after step.
func TestRetypeGuard(t *testing.T) {
	ctx := context.Background()
	p := pg(t)
	s, err := Dialect{}.Configure(&config.Store{Name: "guard", Settings: map[string]any{"connection_string": p.DSN(p.NewDatabase(t))}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := s.Open(ctx, dialect.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	d := Dialect{}
	// migrate plans the live table to target and runs its files; it
	// returns the plan's destructive reasons
	migrate := func(target *schema.Table) (string, error) {
		live, err := d.Inspect(ctx, h, []string{target.Name})
		if err != nil {
			t.Fatal(err)
		}
		after := &schema.Schema{Tables: []*schema.Table{target}}
		cs := diff.Compare(live, after)
		dialect.Annotate(d, cs, live)
		var why []string
		for _, c := range cs {
			why = append(why, c.Destructive())
		}
		steps, err := dialect.PlanFiles(d, cs, live, diff.Apply(live, cs), live)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range steps {
			var sql []string
			for _, x := range st.Up {
				sql = append(sql, x.SQL)
			}
			if _, err := h.ExecContext(ctx, strings.Join(sql, "\n")); err != nil {
				return strings.Join(why, " | "), err
			}
		}
		return strings.Join(why, " | "), nil
	}
	read := func(name string) string {
		var v string
		if err := h.QueryRowContext(ctx, `SELECT string_agg(id || '=' || v::text, ' ' ORDER BY id) FROM `+name).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	tbl := func(name string, typ schema.Type) *schema.Table {
		return &schema.Table{Name: name, Columns: []*schema.Column{{Name: "id", Type: schema.String}, {Name: "v", Type: typ, Nullable: true}}}
	}
	for _, c := range []struct {
		name, create, values string
		to                   schema.Type
		want, plan, keep     string
	}{
		{"n", "numeric", "('1', 29.97), ('2', 30)", schema.Int64, "does not convert from numeric to bigint and back unchanged, so the migration is rolled back: 29.97", " (the cast rounds: 29.97 would become 30)", "2=30"},
		{"s", "text", "('1', '007'), ('2', '7')", schema.Int64, "does not convert from varchar to bigint and back unchanged, so the migration is rolled back: 007", " ('007' would read back as 7)", "2=7"},
		{"f", "double precision", "('1', 0.1), ('2', 0.5)", schema.Float32, "does not convert from double precision to real and back unchanged, so the migration is rolled back: 0.1", "", "2=0.5"},
	} {
		if _, err := h.ExecContext(ctx, "CREATE TABLE "+c.name+" (id text NOT NULL, v "+c.create+"); INSERT INTO "+c.name+" VALUES "+c.values); err != nil {
			t.Fatal(err)
		}
		rows := read(c.name)
		plan, err := migrate(tbl(c.name, c.to))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
		if !strings.Contains(plan, "the migration stops and rolls back if a value does not convert and back unchanged"+c.plan) {
			t.Errorf("%s: plan %q", c.name, plan)
		}
		if got := read(c.name); got != rows {
			t.Errorf("%s: rows %q, want %q", c.name, got, rows)
		}
		// without the value that changes, the change goes through
		if _, err := h.ExecContext(ctx, "DELETE FROM "+c.name+" WHERE id = '1'"); err != nil {
			t.Fatal(err)
		}
		if _, err := migrate(tbl(c.name, c.to)); err != nil {
			t.Errorf("%s without the value: %v", c.name, err)
		}
		if got := read(c.name); got != c.keep {
			t.Errorf("%s after the change: %q, want %q", c.name, got, c.keep)
		}
	}
	// timestamptz to timestamp: the plan says the time zone is dropped
	if _, err := h.ExecContext(ctx, "CREATE TABLE z (id text NOT NULL, v timestamptz); INSERT INTO z VALUES ('1', '2024-01-01 12:00:00+05')"); err != nil {
		t.Fatal(err)
	}
	plan, err := migrate(tbl("z", schema.Timestamp))
	if err != nil || !strings.Contains(plan, "the time zone is dropped") {
		t.Errorf("timestamptz -> timestamp: %q %v", plan, err)
	}
}
