package diff

import (
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/schema"
)

func table(name string, cols ...string) *schema.Table {
	t := &schema.Table{Name: name}
	for _, c := range cols {
		t.Columns = append(t.Columns, &schema.Column{Name: c, Type: schema.String})
	}
	return t
}

// TestRenames: a rename is planned where the live database has the old
// name and the target the new one; once made (or never possible) it is no
// change; a new name the target lacks is an error; Apply carries it out.
func TestRenames(t *testing.T) {
	live := &schema.Schema{Tables: []*schema.Table{table("a", "x", "y")}}
	target := &schema.Schema{Tables: []*schema.Table{table("b", "x2", "y")}}
	spec := RenameSpec{Tables: map[string]string{"a": "b"}, Columns: map[string]map[string]string{"b": {"x": "x2", "gone": "y"}}}
	cs, _, err := Renames(live, target, spec)
	if err != nil || len(cs) != 2 || cs[0].Summary() != "~ rename table a to b" || cs[1].Summary() != "~ rename column b.x to x2" {
		t.Fatalf("%v %v", cs, err)
	}
	after := Apply(live, cs)
	if rest := Compare(after, target); len(rest) != 0 || live.Table("a").Column("x") == nil {
		t.Errorf("after the renames: %v; the live schema changed: %v", rest, live.Table("a"))
	}
	if inv := Apply(after, Inverse(cs)); len(Compare(inv, live)) != 0 {
		t.Errorf("the inverse does not restore: %v", Compare(inv, live))
	}
	if cs, _, err := Renames(after, target, spec); err != nil || len(cs) != 0 {
		t.Errorf("a rename made already: %v %v", cs, err)
	}
	if _, _, err := Renames(live, target, RenameSpec{Columns: map[string]map[string]string{"b": {"x": "nope"}}}); err == nil || !strings.Contains(err.Error(), "has no column nope") {
		t.Errorf("a new name the target lacks: %v", err)
	}
	if _, _, err := Renames(live, target, RenameSpec{Tables: map[string]string{"a": "c"}}); err == nil || !strings.Contains(err.Error(), "no table c") {
		t.Errorf("a new table the target lacks: %v", err)
	}
	// a swap: both names in the database
	swapLive := &schema.Schema{Tables: []*schema.Table{table("b", "p", "q")}}
	swapTarget := &schema.Schema{Tables: []*schema.Table{table("b", "p", "q")}}
	if _, _, err := Renames(swapLive, swapTarget, RenameSpec{Columns: map[string]map[string]string{"b": {"p": "q", "q": "p"}}}); err == nil || !strings.Contains(err.Error(), "does not swap") {
		t.Errorf("a swap: %v", err)
	}
	// a typo: neither name in the database
	if _, w, err := Renames(live, target, RenameSpec{Columns: map[string]map[string]string{"b": {"nope": "x2"}}, Tables: map[string]string{"a": "b"}}); err != nil || len(w) != 1 || !strings.Contains(w[0], "neither") {
		t.Errorf("a typo: %v %v", w, err)
	}
}

// TestRenameHints: a column dropped and one of the same type added, alone
// in their table, look like a rename; two candidates do not.
func TestRenameHints(t *testing.T) {
	live := &schema.Schema{Tables: []*schema.Table{table("a", "x", "y"), table("old", "k")}}
	target := &schema.Schema{Tables: []*schema.Table{table("a", "x2", "y"), table("new", "k")}}
	hs := RenameHints(Compare(live, target))
	if len(hs) != 2 || hs[0] != (Hint{Table: "a", Old: "x", New: "x2", Column: true}) || hs[1] != (Hint{Table: "new", Old: "old", New: "new"}) {
		t.Errorf("%+v", hs)
	}
	target.Tables[0] = table("a", "x2", "x3", "y")
	if hs := RenameHints(Compare(live, target)); len(hs) != 1 {
		t.Errorf("two candidates: %+v", hs)
	}
}
