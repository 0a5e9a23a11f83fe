package plan

import (
	"reflect"
	"testing"

	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/schema"
)

// recorder rebuilds table "r" and writes every statement as a label.
type recorder struct{}

func (recorder) Rebuilds(changes []diff.Change, before, after *schema.Schema) map[string]string {
	return map[string]string{"r": "cannot in place"}
}

func (recorder) Rebuild(r Rebuild) (guards, statements []Statement) {
	var cols string
	for _, c := range r.Columns() {
		cols += c.From.Name
	}
	return []Statement{{SQL: "guard " + r.To.Name}}, []Statement{{SQL: "rebuild " + r.To.Name + " copying " + cols + " for " + r.Why, Changes: r.Changes}}
}

func (recorder) InPlace(c diff.Change) (guards, statements []Statement) {
	return nil, []Statement{{SQL: "alter " + c.Table + " " + c.Column.Name}}
}

// TestRebuilt: a rebuilt table is planned once, where its first change is,
// carrying all of its changes; guards come first; other changes in place.
func TestRebuilt(t *testing.T) {
	col := func(n string) *schema.Column { return &schema.Column{Name: n, Type: schema.String} }
	before := &schema.Schema{Tables: []*schema.Table{
		{Name: "a", Columns: []*schema.Column{col("x")}},
		{Name: "r", Columns: []*schema.Column{col("k"), col("old")}},
	}}
	after := &schema.Schema{Tables: []*schema.Table{
		{Name: "a", Columns: []*schema.Column{col("x"), col("y")}},
		{Name: "r", Columns: []*schema.Column{col("k"), col("new")}},
	}}
	changes := []diff.Change{
		{Kind: diff.AddColumn, Table: "r", Column: col("new")},
		{Kind: diff.AddColumn, Table: "a", Column: col("y")},
		{Kind: diff.DropColumn, Table: "r", Column: col("old")},
	}
	var got []string
	var carried int
	for _, st := range Rebuilt(recorder{}, changes, before, after) {
		got = append(got, st.SQL)
		carried += len(st.Changes)
	}
	want := []string{"guard r", "rebuild r copying k for cannot in place", "alter a y"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if carried != 2 {
		t.Errorf("the rebuild carries both changes of r, got %d", carried)
	}
	r := Rebuild{To: &schema.Table{Name: "t"}}
	if n := r.Note("rebuild t", []string{"check c"}, []string{"index i: gone"}); n != "rebuild t; the new table keeps check c; LOST: index i: gone" {
		t.Errorf("note: %q", n)
	}
}
