package diff

import (
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/schema"
)

func unmanagedLive() (cur, tgt *schema.Schema) {
	t := func() *schema.Table {
		return &schema.Table{Name: "t", Columns: []*schema.Column{{Name: "id", Type: schema.String}, {Name: "fps", Type: schema.Int64, Nullable: true}, {Name: "old", Type: schema.String, Nullable: true}},
			Indexes: []*schema.Index{{Name: "ix_t_id", Columns: []string{"id"}}}}
	}
	c := t()
	c.Indexes = append(c.Indexes,
		&schema.Index{Name: "ix_hand", Columns: []string{"fps"}, Def: "CREATE INDEX ix_hand ON t USING btree (fps) WHERE (fps > 0)"},
		&schema.Index{Name: "uq_hand", Columns: []string{"id", "fps"}, Unique: true},
		&schema.Index{Name: "ix_t_fps", Columns: []string{"fps"}}, // named by the convention: mxmigrate's
		&schema.Index{Name: "ix_old", Columns: []string{"old"}})
	c.Objects = []*schema.Object{
		{Kind: "check", Name: "ck_fps", Definition: "CHECK ((fps > 0))", Columns: []string{"fps"}, DropSQL: "ALTER TABLE t DROP CONSTRAINT ck_fps;", CreateSQL: "ALTER TABLE t ADD CONSTRAINT ck_fps CHECK ((fps > 0));", Destructive: true},
		{Kind: "comment", Name: "", Definition: "'hello'", DropSQL: "COMMENT ON TABLE t IS NULL;", CreateSQL: "COMMENT ON TABLE t IS 'hello';"},
		{Kind: "default", Name: "fps", Definition: "DEFAULT 0", Columns: []string{"fps"}, DropSQL: "x", CreateSQL: "y", Destructive: true},
		{Kind: "check", Name: "ck_fixed", Definition: "CHECK (id <> '')", Keep: "cannot drop in place", Destructive: true},
	}
	g := t()
	g.Columns = g.Columns[:2] // old is dropped
	return &schema.Schema{Tables: []*schema.Table{c}}, &schema.Schema{Tables: []*schema.Table{g}}
}

func owned(table string, ix *schema.Index) bool {
	return ix.Name == "ix_"+table+"_"+strings.Join(ix.Columns, "_")
}

func summaries(cs []Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Summary())
	}
	return out
}

func TestPlanKeepsAndListsUnmanaged(t *testing.T) {
	cur, tgt := unmanagedLive()
	cs, kept := Plan(cur, tgt, Policy{Owned: owned})
	got := strings.Join(summaries(cs), "\n")
	want := "- drop index ix_old on t\n- drop index ix_t_fps on t\n- drop column t.old"
	if got != want {
		t.Fatalf("changes:\n%s\nwant:\n%s", got, want)
	}
	var names []string
	for _, u := range kept {
		names = append(names, u.Kind+":"+u.Name)
	}
	if g, w := strings.Join(names, " "), "check:ck_fixed check:ck_fps comment:comment default:fps index:ix_hand unique index:uq_hand"; g != w {
		t.Fatalf("kept %s, want %s", g, w)
	}
	if kept[0].Note != "cannot drop in place" || !strings.Contains(kept[0].Summary(), "cannot drop in place") {
		t.Fatalf("the kept check says why: %+v", kept[0])
	}
	for _, c := range Destructive(cs) {
		if c.Kind == DropIndex {
			t.Fatalf("a non-unique index drop is not gated: %s", c.Summary())
		}
	}
}

func TestPlanIgnore(t *testing.T) {
	cur, tgt := unmanagedLive()
	ignore := func(table, name string) bool {
		return table == "t" && (name == "ix_hand" || strings.HasPrefix(name, "ck_"))
	}
	for _, drop := range []bool{false, true} {
		cs, kept := Plan(cur, tgt, Policy{Owned: owned, Ignore: ignore, Drop: drop})
		for _, u := range kept {
			if u.Name == "ix_hand" || strings.HasPrefix(u.Name, "ck_") {
				t.Fatalf("drop=%v: ignored %s listed", drop, u.Name)
			}
		}
		for _, c := range cs {
			if c.Index != nil && c.Index.Name == "ix_hand" || c.Object != nil && strings.HasPrefix(c.Object.Name, "ck_") {
				t.Fatalf("drop=%v: ignored object planned: %s", drop, c.Summary())
			}
		}
	}
}

func TestPlanManageDrop(t *testing.T) {
	cur, tgt := unmanagedLive()
	cs, kept := Plan(cur, tgt, Policy{Owned: owned, Drop: true})
	if len(kept) != 1 || kept[0].Name != "ck_fixed" {
		t.Fatalf("only the object that cannot be dropped stays listed, got %+v", kept)
	}
	gated := map[string]bool{}
	for _, c := range Destructive(cs) {
		gated[c.Summary()] = true
	}
	for _, c := range cs {
		s := c.Summary()
		wantGated := false
		switch {
		case c.Kind == DropObject && c.Object.Kind != "comment", c.Kind == DropColumn, c.Kind == DropIndex && c.Index.Unique:
			wantGated = true
		}
		if gated[s] != wantGated {
			t.Errorf("%s: gated %v, want %v", s, gated[s], wantGated)
		}
	}
	// the plan applied and reverted gives back the live schema exactly
	after := Apply(cur, cs)
	if rest, _ := Plan(after, tgt, Policy{Owned: owned, Drop: true}); len(rest) != 0 {
		t.Fatalf("after the plan: %v", summaries(rest))
	}
	back := Apply(after, Inverse(cs))
	if rest := Compare(back, cur); len(rest) != 0 {
		t.Fatalf("down does not restore the live schema: %v", summaries(rest))
	}
	for _, c := range Inverse(cs) {
		if c.Kind == CreateIndex && c.Index.Name == "ix_hand" && c.Index.Def == "" {
			t.Fatal("the inverse of dropping ix_hand lost its definition")
		}
	}
}

func TestPlanDropsObjectsOfDroppedColumns(t *testing.T) {
	cur, tgt := unmanagedLive()
	cur.Tables[0].Objects = append(cur.Tables[0].Objects, &schema.Object{Kind: "default", Name: "old", Definition: "DEFAULT 'x'", Columns: []string{"old"}, DropSQL: "d", CreateSQL: "c", Destructive: true})
	cur.Tables[0].SortObjects()
	cs, kept := Plan(cur, tgt, Policy{Owned: owned})
	var sawDefault bool
	for _, c := range cs {
		sawDefault = sawDefault || c.Kind == DropObject && c.Object.Name == "old"
	}
	if !sawDefault {
		t.Fatalf("the default of a dropped column is dropped with it (so down restores it): %v", summaries(cs))
	}
	for _, u := range kept {
		if u.Name == "old" {
			t.Fatal("the default of a dropped column is not listed as kept")
		}
	}
}

func TestCompareObjectsBothWays(t *testing.T) {
	cur, _ := unmanagedLive()
	empty := cur.Clone()
	empty.Tables[0].Objects = nil
	if cs := Compare(empty, cur); len(cs) != len(cur.Tables[0].Objects) || cs[0].Kind != CreateObject {
		t.Fatalf("missing objects are created: %v", summaries(cs))
	}
	changed := cur.Clone()
	changed.Tables[0].Objects[1].Definition = "CHECK ((fps > 1))"
	cs := Compare(changed, cur)
	if len(cs) != 2 || cs[0].Kind != DropObject || cs[1].Kind != CreateObject {
		t.Fatalf("a changed object is dropped and created: %v", summaries(cs))
	}
}

func TestPlanDropsTheInvalidIndexOfTheTargetKey(t *testing.T) {
	cur, tgt := unmanagedLive()
	tgt.Tables[0].PrimaryKey = &schema.PrimaryKey{Name: "pk_t", Columns: []string{"id"}}
	cur.Tables[0].Indexes = append(cur.Tables[0].Indexes, &schema.Index{Name: "pk_t", Columns: []string{"id"}, Unique: true, Invalid: true},
		&schema.Index{Name: "ix_building", Columns: []string{"fps"}, Invalid: true})
	cs, kept := Plan(cur, tgt, Policy{Owned: owned})
	var dropped, listed bool
	for _, c := range cs {
		dropped = dropped || c.Kind == DropIndex && c.Index.Name == "pk_t"
	}
	for _, u := range kept {
		listed = listed || u.Name == "ix_building" && u.Kind == "invalid index"
	}
	if !dropped || !listed {
		t.Fatalf("the key's failed build is dropped (%v), another invalid index kept and listed (%v): %v %+v", dropped, listed, summaries(cs), kept)
	}
}
