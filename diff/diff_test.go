package diff

import (
	"reflect"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/schema"
)

func col(n string, t schema.Type, null bool) *schema.Column {
	return &schema.Column{Name: n, Type: t, Nullable: null}
}

func tbl(name string, cols ...*schema.Column) *schema.Table {
	return &schema.Table{Name: name, Columns: cols}
}

func kinds(cs []Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Summary())
	}
	return out
}

func TestCompareOrderAndInverse(t *testing.T) {
	cur := &schema.Schema{Tables: []*schema.Table{
		{Name: "b", Columns: []*schema.Column{col("id", schema.String, false), col("old", schema.String, true), col("n", schema.Int64, true)},
			PrimaryKey: &schema.PrimaryKey{Columns: []string{"id"}},
			Indexes:    []*schema.Index{{Name: "ix_gone", Columns: []string{"old"}}}},
		tbl("gone", col("x", schema.String, true)),
	}}
	tgt := &schema.Schema{Tables: []*schema.Table{
		tbl("a", col("id", schema.String, false)),
		{Name: "b", Columns: []*schema.Column{col("id", schema.String, false), col("n", schema.String, false), col("new", schema.JSON, true)},
			PrimaryKey: &schema.PrimaryKey{Columns: []string{"id", "n"}},
			Indexes:    []*schema.Index{{Name: "ix_new", Columns: []string{"new"}}}},
	}}
	got := kinds(Compare(cur, tgt))
	want := []string{
		"- drop index ix_gone on b",
		"- drop primary key b (id)",
		"- drop column b.old",
		"- drop table gone",
		"+ create table a (1 columns)",
		"+ add column b.new json",
		"~ alter column b.n type int64 -> string",
		"~ alter column b.n set not null",
		"+ add primary key b (id, n)",
		"+ create index ix_new on b (new)",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
	cs := Compare(cur, tgt)
	after := Apply(cur, cs)
	if rest := Compare(after, tgt); len(rest) != 0 {
		t.Errorf("Apply(Compare) leaves %v", kinds(rest))
	}
	back := Apply(after, Inverse(cs))
	if rest := Compare(back, cur); len(rest) != 0 {
		t.Errorf("inverse does not restore: %v", kinds(rest))
	}
}

func TestDestructive(t *testing.T) {
	cur := &schema.Schema{Tables: []*schema.Table{tbl("t", col("a", schema.String, true), col("b", schema.String, true))}}
	tgt := &schema.Schema{Tables: []*schema.Table{tbl("t", col("a", schema.String, false), col("c", schema.String, false), col("d", schema.String, true))}}
	var reasons []string
	for _, c := range Destructive(Compare(cur, tgt)) {
		reasons = append(reasons, c.Summary())
	}
	want := []string{"- drop column t.b", "+ add column t.c string not null", "~ alter column t.a set not null"}
	if !reflect.DeepEqual(reasons, want) {
		t.Errorf("got %q want %q", reasons, want)
	}
	// adding a nullable column and creating tables is safe
	safe := Compare(&schema.Schema{}, tgt)
	if len(Destructive(safe)) != 0 {
		t.Error("create table marked destructive")
	}
}

func TestPrimaryKeysCompareByColumns(t *testing.T) {
	cur := &schema.Schema{Tables: []*schema.Table{{Name: "t", Columns: []*schema.Column{col("a", schema.String, false)}, PrimaryKey: &schema.PrimaryKey{Columns: []string{"a"}}}}}
	tgt := &schema.Schema{Tables: []*schema.Table{{Name: "t", Columns: []*schema.Column{col("a", schema.String, false)}, PrimaryKey: &schema.PrimaryKey{Name: "pk_t", Columns: []string{"a"}}}}}
	if cs := Compare(cur, tgt); len(cs) != 0 {
		t.Errorf("unnamed live key vs named target: %v", kinds(cs))
	}
	cur.Tables[0].PrimaryKey.Name = "t_pkey"
	if cs := Compare(cur, tgt); len(cs) != 0 {
		t.Errorf("a key named differently but on the same columns must stay: %v", kinds(cs))
	}
	tgt.Tables[0].Columns = append(tgt.Tables[0].Columns, col("b", schema.String, false))
	tgt.Tables[0].PrimaryKey.Columns = []string{"a", "b"}
	cs := Compare(cur, tgt)
	if len(cs) != 3 || cs[0].Kind != DropPrimaryKey || cs[0].PrimaryKey.Name != "t_pkey" {
		t.Errorf("a changed key is dropped by its live name: %v", kinds(cs))
	}
}

func TestDeterministic(t *testing.T) {
	var tables []*schema.Table
	for _, n := range []string{"z", "m", "a", "q"} {
		tables = append(tables, tbl(n, col("c2", schema.Int64, true), col("c1", schema.String, true)))
	}
	first := kinds(Compare(&schema.Schema{}, &schema.Schema{Tables: tables}))
	for i := 0; i < 10; i++ {
		tables[0], tables[len(tables)-1] = tables[len(tables)-1], tables[0]
		if got := kinds(Compare(&schema.Schema{}, &schema.Schema{Tables: tables})); !reflect.DeepEqual(got, first) {
			t.Fatalf("order depends on input order: %v vs %v", got, first)
		}
	}
}

// TestUniqueIndexIsGated: a hand-added unique index is a constraint; the next
// generate may not drop it silently.
func TestUniqueIndexIsGated(t *testing.T) {
	tbl := func(ix ...*schema.Index) *schema.Schema {
		return &schema.Schema{Tables: []*schema.Table{{Name: "t", Columns: []*schema.Column{{Name: "a", Type: schema.String}}, Indexes: ix}}}
	}
	u := &schema.Index{Name: "uq_t_a", Columns: []string{"a"}, Unique: true}
	if d := Destructive(Compare(tbl(u), tbl())); len(d) != 1 || !strings.Contains(d[0].Destructive(), "unique") {
		t.Errorf("dropping a unique index: %v", d)
	}
	plain := &schema.Index{Name: "ix_t_a", Columns: []string{"a"}}
	if d := Destructive(Compare(tbl(plain), tbl())); len(d) != 0 {
		t.Errorf("dropping a plain index is not destructive: %v", d)
	}
}

func TestCaveat(t *testing.T) {
	cur := &schema.Schema{Tables: []*schema.Table{tbl("t", col("a", schema.String, true))}}
	tgt := &schema.Schema{Tables: []*schema.Table{tbl("t", col("a", schema.String, false), col("d", schema.String, true))}}
	cs := Compare(cur, tgt)
	var got []string
	for _, c := range cs {
		got = append(got, c.Destructive())
	}
	// without caveats: the nullable add is safe, the set-not-null is not
	if len(got) != 2 || got[0] != "" || !strings.Contains(got[1], "fails if a row holds NULL") {
		t.Fatalf("%q", got)
	}
	// a caveat replaces the reason, and makes a safe change destructive
	cs[0].Caveat, cs[1].Caveat = "rebuilds the table", "the dialect's account"
	got = nil
	for _, c := range cs {
		got = append(got, c.Destructive())
	}
	if want := []string{"rebuilds the table", "the dialect's account"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q want %q", got, want)
	}
	for _, c := range Inverse(cs) {
		if c.Caveat != "" {
			t.Errorf("inverse of %s kept the caveat", c.Summary())
		}
	}
}

// TestWideningIsNotDestructive: int32 -> int64 and float32 -> float64 keep
// every value; the way back, and other type changes, are gated.
func TestWideningIsNotDestructive(t *testing.T) {
	for _, c := range []struct {
		from, to schema.Type
		gated    bool
	}{
		{schema.Int32, schema.Int64, false},
		{schema.Float32, schema.Float64, false},
		{schema.Int32, schema.Float64, false},
		{schema.Int64, schema.Int32, true},
		{schema.Float64, schema.Float32, true},
		{schema.Int64, schema.Float64, true},
		{schema.Int32, schema.Float32, true},
		{schema.Raw("smallint"), schema.Int64, true},
	} {
		cur := &schema.Schema{Tables: []*schema.Table{tbl("t", col("n", c.from, true))}}
		tgt := &schema.Schema{Tables: []*schema.Table{tbl("t", col("n", c.to, true))}}
		cs := Compare(cur, tgt)
		if len(cs) != 1 || cs[0].Kind != AlterColumnType {
			t.Fatalf("%s -> %s: %v", c.from, c.to, kinds(cs))
		}
		if got := cs[0].Destructive() != ""; got != c.gated {
			t.Errorf("%s -> %s: destructive %v (%q), want %v", c.from, c.to, got, cs[0].Destructive(), c.gated)
		}
	}
}

// TestIndexesCompareByDefinition: a live index with the target's columns
// under another name (Alembic's metaxy_idx, another truncation) serves it;
// one that a target index claims by name is not borrowed for another.
func TestIndexesCompareByDefinition(t *testing.T) {
	live := &schema.Table{Name: "t", Columns: []*schema.Column{col("a", schema.String, false), col("b", schema.String, false)},
		Indexes: []*schema.Index{{Name: "metaxy_idx", Columns: []string{"a", "b"}}, {Name: "ix_t_b", Columns: []string{"a"}}}}
	tgt := &schema.Table{Name: "t", Columns: live.Columns,
		Indexes: []*schema.Index{{Name: "ix_t_a", Columns: []string{"a", "b"}}, {Name: "ix_t_b", Columns: []string{"b"}}, {Name: "ix_t_c", Columns: []string{"a"}}}}
	got := kinds(Compare(&schema.Schema{Tables: []*schema.Table{live}}, &schema.Schema{Tables: []*schema.Table{tgt}}))
	want := []string{"- drop index ix_t_b on t", "+ create index ix_t_b on t (b)", "+ create index ix_t_c on t (a)"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
	tgt.Indexes = tgt.Indexes[:1]
	live.Indexes = live.Indexes[:1]
	if cs := Compare(&schema.Schema{Tables: []*schema.Table{live}}, &schema.Schema{Tables: []*schema.Table{tgt}}); len(cs) != 0 {
		t.Errorf("metaxy_idx on (a, b) serves ix_t_a: %v", kinds(cs))
	}
	tgt.Indexes[0].Unique = true
	if got := kinds(Compare(&schema.Schema{Tables: []*schema.Table{live}}, &schema.Schema{Tables: []*schema.Table{tgt}})); len(got) != 2 {
		t.Errorf("a unique target is not served by a plain index: %v", got)
	}
}

func TestDatabaseTypesWidenToLogical(t *testing.T) {
	for _, tc := range []struct {
		from schema.Type
		to   schema.Type
		safe bool
	}{
		{schema.Raw("character varying(200)"), schema.String, true},
		{schema.Raw("varchar(10)"), schema.String, true},
		{schema.Raw("timestamp(3) without time zone"), schema.Timestamp, true},
		{schema.Raw("timestamp(3) with time zone"), schema.TimestampTZ, true},
		{schema.Raw("time(0) without time zone"), schema.Time, true},
		{schema.Raw("character(5)"), schema.String, false},
		{schema.Raw("timestamp(3) with time zone"), schema.Timestamp, false},
		{schema.Raw("numeric(10,2)"), schema.Float64, false},
		{schema.Int32, schema.Int64, true},
		{schema.Int64, schema.Int32, false},
	} {
		c := Change{Kind: AlterColumnType, Table: "t", From: &schema.Column{Name: "c", Type: tc.from}, Column: &schema.Column{Name: "c", Type: tc.to}}
		if got := c.Destructive() == ""; got != tc.safe {
			t.Errorf("%s -> %s: safe %v, want %v (%s)", tc.from, tc.to, got, tc.safe, c.Destructive())
		}
	}
}
