package diff

import (
	"slices"
	"sort"
	"strings"

	"github.com/mxmigrate/mxmigrate/schema"
)

// Policy says what Plan does with what a live table has that the target does
// not derive from the definitions (decision 40): indexes that no target index
// needs and that mxmigrate did not name, and objects (constraints, defaults,
// triggers, comments, projections, settings).
type Policy struct {
	// Drop ([ext.mxmigrate] manage_unknown = "drop") plans dropping them,
	// with inverses that create them again exactly. Otherwise no statement
	// touches them and they are listed.
	Drop bool
	// Ignore reports whether table.name is ignored ([ext.mxmigrate] ignore):
	// neither listed nor dropped.
	Ignore func(table, name string) bool
	// Owned reports whether a live index that no target index needs is
	// mxmigrate's own (named by the naming convention for its columns):
	// such an index is dropped whatever the policy, as before. nil: none is.
	Owned func(table string, ix *schema.Index) bool
}

// Unmanaged is one object a live table has that mxmigrate does not manage,
// as check and generate list it.
type Unmanaged struct {
	Table      string `json:"table"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	Definition string `json:"definition"`
	// Note says why it is kept when manage_unknown = "drop" asked for its
	// drop and the dialect cannot drop it in place.
	Note string `json:"note"`
}

// Plan returns the changes that turn current into target under p, and the
// unmanaged objects it keeps (not ignored), sorted by table, kind and name.
// An unmanaged object that depends on a column the plan drops is dropped
// first whatever the policy (the database would drop it with the column), so
// that the down file restores it.
func Plan(current, target *schema.Schema, p Policy) ([]Change, []Unmanaged) {
	all := Compare(current, target)
	tgt := target.Index()
	dropped := map[string]map[string]bool{} // table -> columns the plan drops
	for _, c := range all {
		if c.Kind == DropColumn {
			if dropped[c.Table] == nil {
				dropped[c.Table] = map[string]bool{}
			}
			dropped[c.Table][c.Column.Name] = true
		}
	}
	var out []Change
	var kept []Unmanaged
	for _, c := range all {
		u, cols, droppable, ok := unmanagedOf(c, tgt, p)
		switch {
		case !ok:
			out = append(out, c)
		case droppable && slices.ContainsFunc(cols, func(col string) bool { return dropped[c.Table][col] }):
			out = append(out, c) // goes with its column: the down restores it
		case p.Ignore != nil && p.Ignore(u.Table, u.Name):
		case p.Drop && droppable:
			out = append(out, c)
		default:
			kept = append(kept, u)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool {
		a, b := kept[i], kept[j]
		if a.Table != b.Table {
			return a.Table < b.Table
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Name < b.Name
	})
	return out, kept
}

// unmanagedOf says whether c drops something mxmigrate did not create (ok),
// which, the columns it refers to, and whether a plan can drop it (its
// statement is known) and create it again.
func unmanagedOf(c Change, tgt map[string]*schema.Table, p Policy) (u Unmanaged, cols []string, droppable, ok bool) {
	switch {
	case c.Kind == DropObject:
		o := c.Object
		u = Unmanaged{Table: c.Table, Kind: o.Kind, Name: o.ID(), Definition: o.Definition}
		if o.DropSQL == "" {
			u.Note = o.Keep
			return u, o.Columns, false, true
		}
		return u, o.Columns, true, true
	case c.Kind == DropIndex && tgt[c.Table] != nil && tgt[c.Table].Index(c.Index.Name) == nil:
		pk := tgt[c.Table].PrimaryKey
		if c.Index.Invalid && pk != nil && pk.Name == c.Index.Name ||
			p.Owned != nil && p.Owned(c.Table, c.Index) {
			// mxmigrate's: named by the convention, or what is left of the
			// concurrent build of the target key's index
			return u, nil, false, false
		}
		u = Unmanaged{Table: c.Table, Kind: IndexKind(c.Index), Name: c.Index.Name, Definition: IndexDefinition(c.Index)}
		return u, c.Index.Columns, true, true
	}
	return u, nil, false, false
}

// IndexKind names a live index's kind in listings: "index", "unique index",
// "invalid index".
func IndexKind(ix *schema.Index) string {
	switch {
	case ix.Invalid:
		return "invalid index"
	case ix.Unique:
		return "unique index"
	}
	return "index"
}

// IndexDefinition is how listings show an index: its own definition when
// introspection read one, else its columns (and ClickHouse's TYPE).
func IndexDefinition(ix *schema.Index) string {
	if ix.Def != "" {
		return ix.Def
	}
	s := "(" + strings.Join(ix.Columns, ", ") + ")"
	if ix.Using != "" {
		s += " " + ix.Using
	}
	return s
}

// Summary is the listing line of u: "index ix_hand on t: CREATE INDEX ...".
func (u Unmanaged) Summary() string {
	s := u.Kind + " " + u.Name + " on " + u.Table
	if u.Name == u.Kind {
		s = u.Kind + " on " + u.Table // the table's own comment
	}
	if u.Definition != "" {
		s += ": " + u.Definition
	}
	if u.Note != "" {
		s += " (" + u.Note + ")"
	}
	return s
}
