package clickhouse

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/schema"
)

// TestRetypeGuard: a value that does not convert stops the file before the
// column changes, in place (MODIFY COLUMN) and in a rebuild; ClickHouse alone
// would turn it into NULL (Nullable target) or leave an unreadable table.
func TestRetypeGuard(t *testing.T) {
	ctx := context.Background()
	h, err := newStore(t, Dialect{}).Open(ctx, dialect.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	d := Dialect{}
	table := func(v *schema.Column, engine string) *schema.Table {
		return &schema.Table{Name: "r", Columns: []*schema.Column{{Name: "id", Type: schema.String}, v},
			Storage: &schema.Storage{Engine: engine, OrderBy: []string{"id"}}}
	}
	apply := func(from, to *schema.Table) error { return applyTable(t, h, from, to) }
	text := &schema.Column{Name: "v", Type: schema.String, Nullable: true}
	if err := apply(nil, table(text, "MergeTree")); err != nil {
		t.Fatal(err)
	}
	if _, err := h.ExecContext(ctx, "INSERT INTO r VALUES ('1', 'abc'), ('2', '5'), ('3', NULL)"); err != nil {
		t.Fatal(err)
	}
	want := "1=abc 2=5 3=<nil>"
	for _, tc := range []struct {
		name   string
		to     *schema.Column
		engine string
	}{
		{"nullable in place", &schema.Column{Name: "v", Type: schema.Int64, Nullable: true}, "MergeTree"},
		{"non-null in place", &schema.Column{Name: "v", Type: schema.Int64}, "MergeTree"},
		{"rebuild", &schema.Column{Name: "v", Type: schema.Int64, Nullable: true}, "ReplacingMergeTree"},
	} {
		err := apply(table(text, "MergeTree"), table(tc.to, tc.engine))
		if err == nil || !strings.Contains(err.Error(), "a value of r.v does not convert from String to Int64") {
			t.Errorf("%s: %v", tc.name, err)
		}
		if got := rowsOf(t, h, d); got != want {
			t.Errorf("%s: rows %q, want %q", tc.name, got, want)
		}
		live, err := d.Inspect(ctx, h, []string{"r"})
		if err != nil {
			t.Fatal(err)
		}
		if typ := d.columnType(live.Table("r").Column("v")); typ != "Nullable(String)" {
			t.Errorf("%s: column type now %s", tc.name, typ)
		}
	}
	// without the value that does not convert, the retype goes through
	if _, err := h.ExecContext(ctx, "ALTER TABLE r DELETE WHERE id = '1' SETTINGS mutations_sync = 1"); err != nil {
		t.Fatal(err)
	}
	if err := apply(table(text, "MergeTree"), table(&schema.Column{Name: "v", Type: schema.Int64, Nullable: true}, "MergeTree")); err != nil {
		t.Fatal(err)
	}
	if got := rowsOf(t, h, d); got != "2=5 3=<nil>" {
		t.Errorf("after the retype: %q", got)
	}
}

// TestRetypeGuardLossy: values that CAST would clamp or cut stop the file
// too, values that survive go through, and a NULL in a rebuilt key column
// becomes the new type's default.
//
// It is long because it is one scenario on a real engine, step after step.
func TestRetypeGuardLossy(t *testing.T) {
	ctx := context.Background()
	h, err := newStore(t, Dialect{}).Open(ctx, dialect.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	d := Dialect{}
	tbl := func(name string, v *schema.Column, order string) *schema.Table {
		return &schema.Table{Name: name, Columns: []*schema.Column{{Name: "id", Type: schema.String}, v},
			Storage: &schema.Storage{Engine: "MergeTree", OrderBy: []string{order}}}
	}
	apply := func(from, to *schema.Table) error { return applyTable(t, h, from, to) }
	for i, c := range []struct {
		from, to schema.Type
		value    string
		ok       bool
	}{
		{schema.String, schema.Date, "'2024-13-45'", false},
		{schema.String, schema.Date, "'9999-01-01'", false},
		{schema.String, schema.Date, "'2024-02-29'", true},
		{schema.TimestampTZ, schema.Date, "toDateTime64('2024-01-01 13:14:15.123456', 6, 'UTC')", false},
		{schema.TimestampTZ, schema.Date, "toDateTime64('2024-01-01 00:00:00', 6, 'UTC')", true},
		{schema.Int64, schema.Bool, "2", false},
		{schema.Int64, schema.Bool, "1", true},
		{schema.Int64, schema.Float64, "9007199254740993", false},
		{schema.Float64, schema.Int64, "29.97", false},
		{schema.Float64, schema.String, "29.97", true},
		// text that another text of the same number would merge with
		{schema.String, schema.Int64, "'007'", false},
		{schema.String, schema.Int64, "'7'", true},
		{schema.String, schema.Float64, "'1.50'", false},
		{schema.String, schema.Float64, "'1.5'", true},
		{schema.String, schema.Bool, "'1'", false},
		{schema.String, schema.Bool, "'true'", true},
	} {
		name := fmt.Sprintf("l%d", i)
		from := tbl(name, &schema.Column{Name: "v", Type: c.from}, "id")
		if err := apply(nil, from); err != nil {
			t.Fatal(err)
		}
		if _, err := h.ExecContext(ctx, "INSERT INTO "+name+" VALUES ('1', "+c.value+")"); err != nil {
			t.Fatal(err)
		}
		err := apply(from, tbl(name, &schema.Column{Name: "v", Type: c.to}, "id"))
		if c.ok != (err == nil) || err != nil && !strings.Contains(err.Error(), "mxmigrate: a value of "+name+".v does not") {
			t.Errorf("%s -> %s of %s: %v", c.from, c.to, c.value, err)
		}
	}
	// a rebuilt key column from Nullable(String) to Int64: NULL becomes 0
	from := tbl("k", &schema.Column{Name: "v", Type: schema.String, Nullable: true}, "id")
	from.Storage.Settings = map[string]string{"allow_nullable_key": "1"}
	from.Storage.OrderBy = []string{"v"}
	if err := apply(nil, from); err != nil {
		t.Fatal(err)
	}
	if _, err := h.ExecContext(ctx, "INSERT INTO k VALUES ('1', '5'), ('2', NULL)"); err != nil {
		t.Fatal(err)
	}
	to := tbl("k", &schema.Column{Name: "v", Type: schema.Int64}, "v")
	to.Storage.Settings = map[string]string{"allow_nullable_key": "1"}
	if err := apply(from, to); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	rows, err := d.ReadText(ctx, h, "k", []string{"id", "v"})
	for _, r := range rows {
		got[*r[0]] = *r[1]
	}
	if err != nil || len(got) != 2 || got["1"] != "5" || got["2"] != "0" {
		t.Errorf("rebuilt key column: %v %v", got, err)
	}
}

// applyTable renders the change of one table from (nil: none) to, and runs
// the statements until one fails (its error is returned).
func applyTable(t *testing.T, h *dialect.Handle, from, to *schema.Table) error {
	t.Helper()
	before, after := &schema.Schema{}, &schema.Schema{Tables: []*schema.Table{to}}
	if from != nil {
		before.Tables = []*schema.Table{from}
	}
	stmts, err := Dialect{}.Render(diff.Compare(before, after), before, after)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stmts {
		if _, err := h.ExecContext(context.Background(), s.SQL); err != nil {
			return err
		}
	}
	return nil
}

func rowsOf(t *testing.T, h *dialect.Handle, d Dialect) string {
	t.Helper()
	rows, err := d.ReadText(context.Background(), h, "r", []string{"id", "v"})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		v := "<nil>"
		if r[1] != nil {
			v = *r[1]
		}
		out = append(out, *r[0]+"="+v)
	}
	return strings.Join(out, " ")
}
