package duckdb

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/schema"
)

// TestRetypeGuard: a type change whose CAST would change a value (DOUBLE
// 29.97 to BIGINT rounds to 30, VARCHAR '007' reads 7) stops the migration,
// which rolls back, in place and in a rebuild (a key column); values that
// survive the round trip go through. The plan line says what the guard does
// and what CAST would have done.
//
// It is long because it is one scenario on a real engine, step after step.
func TestRetypeGuard(t *testing.T) {
	p, h := tempDB(t)
	drv0, err := (&Driver{}).Open("duckdb://" + p)
	if err != nil {
		t.Fatal(err)
	}
	drv := drv0.(*Driver)
	defer drv.Close()
	ctx := context.Background()
	d := Dialect{}
	mk := func(name string, keyed bool, v *schema.Column) *schema.Schema {
		tb := &schema.Table{Name: name, Columns: []*schema.Column{{Name: "id", Type: schema.String}, v}}
		if keyed {
			tb.PrimaryKey = &schema.PrimaryKey{Columns: []string{"id", "v"}}
		}
		return &schema.Schema{Tables: []*schema.Table{tb}}
	}
	read := func(name string) string {
		var s string
		if err := h.QueryRow(`SELECT string_agg(id || '=' || CAST(v AS VARCHAR), ' ' ORDER BY id) FROM ` + name).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	// migrate applies the plan from the live table to target through the
	// driver (one transaction), and returns the plan's destructive reasons
	migrate := func(target *schema.Schema) (string, error) {
		before, err := d.Inspect(ctx, drv.h, target.Names())
		if err != nil {
			t.Fatal(err)
		}
		cs := diff.Compare(before, target)
		dialect.Annotate(d, cs, before)
		var why []string
		for _, c := range cs {
			why = append(why, c.Destructive())
		}
		return strings.Join(why, " | "), drv.Run(bytes.NewReader(render(t, cs, before, diff.Apply(before, cs))))
	}
	for _, c := range []struct {
		name   string
		keyed  bool
		from   schema.Type
		values string
		to     schema.Type
		want   string // in the error
		plan   string // in the plan line
	}{
		{"f", false, schema.Float64, "('1', 29.97), ('2', 30)", schema.Int64, "does not convert from DOUBLE to BIGINT and back unchanged, so the migration is rolled back: 29.97", "(CAST rounds: 29.97 would become 30)"},
		{"fk", true, schema.Float64, "('1', 29.97), ('2', 30)", schema.Int64, "29.97", "rounds"},
		{"s", false, schema.String, "('1', '007'), ('2', '7')", schema.Int64, "from VARCHAR to BIGINT and back unchanged, so the migration is rolled back: 007", "'007' would read back as 7"},
	} {
		from := &schema.Column{Name: "v", Type: c.from}
		create := mk(c.name, c.keyed, from)
		if _, err := migrate(create); err != nil {
			t.Fatal(err)
		}
		exec1(t, h, "INSERT INTO "+c.name+" VALUES "+c.values)
		rows := read(c.name)
		plan, err := migrate(mk(c.name, c.keyed, &schema.Column{Name: "v", Type: c.to}))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
		if !strings.Contains(plan, c.plan) || !strings.Contains(plan, "the migration stops and rolls back if a value does not convert and back unchanged") {
			t.Errorf("%s: plan %q, want %q", c.name, plan, c.plan)
		}
		if got := read(c.name); got != rows {
			t.Errorf("%s: rows %q, want %q", c.name, got, rows)
		}
		live, err := d.Inspect(ctx, drv.h, []string{c.name})
		if err != nil {
			t.Fatal(err)
		}
		if typ := live.Table(c.name).Column("v").Type; typ != c.from {
			t.Errorf("%s: column type now %s", c.name, typ)
		}
		// without the value that changes, the same change goes through
		exec1(t, h, "DELETE FROM "+c.name+" WHERE id = '1'")
		if _, err := migrate(mk(c.name, c.keyed, &schema.Column{Name: "v", Type: c.to})); err != nil {
			t.Errorf("%s without the value: %v", c.name, err)
		}
		if got := read(c.name); got != "2=30" && got != "2=7" {
			t.Errorf("%s: after the change %q", c.name, got)
		}
	}
	// a widening keeps every value: no guard, no caveat
	int32To64 := diff.Change{Kind: diff.AlterColumnType, Table: "w", From: &schema.Column{Name: "v", Type: schema.Int32}, Column: &schema.Column{Name: "v", Type: schema.Int64}}
	st, err := d.Render([]diff.Change{int32To64}, mk("w", false, int32To64.From), mk("w", false, int32To64.Column))
	if err != nil || len(st) != 1 || strings.Contains(st[0].SQL, "error(") {
		t.Errorf("widening: %v %v", st, err)
	}
	if cv := d.Caveats([]diff.Change{int32To64}, mk("w", false, int32To64.From)); cv[0] != "" {
		t.Errorf("widening caveat %q", cv[0])
	}
}

// TestRebuildTableExists: a table named like a rebuild's table, outside the
// environment's scope (made by hand), is never dropped or written to: the
// rebuild's CREATE TABLE fails, the file rolls back, both tables keep their
// rows.
func TestRebuildTableExists(t *testing.T) {
	p, h := tempDB(t)
	drv0, err := (&Driver{}).Open("duckdb://" + p)
	if err != nil {
		t.Fatal(err)
	}
	drv := drv0.(*Driver)
	defer drv.Close()
	ctx := context.Background()
	d := Dialect{}
	mk := func(pk ...string) *schema.Schema {
		return &schema.Schema{Tables: []*schema.Table{{Name: "r", Columns: []*schema.Column{{Name: "id", Type: schema.String}, {Name: "v", Type: schema.Int64}},
			PrimaryKey: &schema.PrimaryKey{Columns: pk}}}}
	}
	cs := diff.Compare(&schema.Schema{}, mk("id"))
	if err := drv.Run(bytes.NewReader(render(t, cs, &schema.Schema{}, mk("id")))); err != nil {
		t.Fatal(err)
	}
	exec1(t, h, "INSERT INTO r SELECT CAST(i AS VARCHAR), i FROM range(1000) t(i)")
	exec1(t, h, "CREATE TABLE r__mxmigrate_rebuild (x VARCHAR)")
	exec1(t, h, "INSERT INTO r__mxmigrate_rebuild SELECT CAST(i AS VARCHAR) FROM range(500) t(i)")
	// the plan's scope is r alone, as generate's is
	before, err := d.Inspect(ctx, drv.h, []string{"r"})
	if err != nil {
		t.Fatal(err)
	}
	cs = diff.Compare(before, mk("id", "v"))
	err = drv.Run(bytes.NewReader(render(t, cs, before, mk("id", "v"))))
	if err == nil || !strings.Contains(err.Error(), "r__mxmigrate_rebuild") {
		t.Errorf("rebuild with the table there: %v", err)
	}
	for q, want := range map[string]int{"SELECT count(*) FROM r": 1000, "SELECT count(*) FROM r__mxmigrate_rebuild": 500} {
		var n int
		if err := h.QueryRow(q).Scan(&n); err != nil || n != want {
			t.Errorf("%s: %d %v, want %d", q, n, err, want)
		}
	}
}
