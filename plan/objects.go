package plan

import (
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/schema"
)

// ObjectStatement renders a DropObject or CreateObject change with the
// statements introspection recorded on its object (schema.Object): every
// dialect drops and creates again what it does not model that way.
func ObjectStatement(c diff.Change) Statement {
	o := c.Object
	st := Statement{Changes: []diff.Change{c}, Cost: &Cost{Table: c.Table, Effect: MetadataOnly, Lock: o.Lock}}
	if c.Kind == diff.DropObject {
		st.SQL = o.DropSQL
		return st
	}
	st.SQL = o.CreateSQL
	switch o.Kind {
	case "check", "foreign key":
		st.Cost.Effect = Scans
	case "unique", "exclusion", "projection":
		st.Cost.Effect = BuildsIndex
	}
	return st
}

// IsObject reports whether c drops or creates an object mxmigrate does not
// model.
func IsObject(c diff.Change) bool {
	return c.Kind == diff.DropObject || c.Kind == diff.CreateObject
}

// WithObjects renders changes through render, which knows no objects: the
// objects' drops come first (phase 0), their creations last, and the down
// statements (render of the inverse) undo them in reverse.
func WithObjects(changes []diff.Change, render func([]diff.Change) ([]Statement, []Statement, error)) ([]Statement, []Statement, error) {
	var first, last, rest []diff.Change
	for _, c := range changes {
		switch c.Kind {
		case diff.DropObject:
			first = append(first, c)
		case diff.CreateObject:
			last = append(last, c)
		default:
			rest = append(rest, c)
		}
	}
	up, down, err := render(rest)
	if err != nil || len(first)+len(last) == 0 {
		return up, down, err
	}
	var u, d []Statement
	for _, c := range first {
		u = append(u, ObjectStatement(c))
	}
	u = append(u, up...)
	for _, c := range last {
		u = append(u, ObjectStatement(c))
	}
	for i := len(last) - 1; i >= 0; i-- {
		d = append(d, ObjectStatement(last[i].Inverse()))
	}
	d = append(d, down...)
	for i := len(first) - 1; i >= 0; i-- {
		d = append(d, ObjectStatement(first[i].Inverse()))
	}
	return u, d, nil
}

// RebuildObjects are the objects mxmigrate does not model that a rebuild of
// table from (as it is) into to (the new shape) creates again on the new
// table: those of to that from has too. An object dropped on purpose
// (manage_unknown = "drop", or with its column) is not in to; one created
// by a down file after the rebuild (WithObjects) is not in from.
func RebuildObjects(from, to *schema.Table) []*schema.Object {
	var out []*schema.Object
	for _, o := range to.Objects {
		for _, x := range from.Objects {
			if o.Same(x) {
				out = append(out, o)
				break
			}
		}
	}
	return out
}

// Lost names an object a rebuild cannot create again, and why, for plan
// lines: "check ck on t (CHECK (m > 0)): it refers to column m, which the
// new table does not have".
func Lost(table string, o *schema.Object, why string) string {
	s := o.Kind + " " + o.ID() + " on " + table
	if o.Name == "" {
		s = o.Kind + " on " + table
	}
	if o.Definition != "" {
		s += " (" + o.Definition + ")"
	}
	return s + ": " + why
}

// OneFile is the plan of a dialect that writes one file per plan: render of
// changes (applied to before, giving after) up, and of their inverse down,
// with the objects mxmigrate does not model around them (WithObjects).
func OneFile(render func(changes []diff.Change, before, after *schema.Schema) ([]Statement, error), changes []diff.Change, before, after *schema.Schema) ([]Step, error) {
	up, down, err := WithObjects(changes, func(cs []diff.Change) ([]Statement, []Statement, error) {
		up, err := render(cs, before, after)
		if err != nil {
			return nil, nil, err
		}
		down, err := render(diff.Inverse(cs), after, before)
		return up, down, err
	})
	if err != nil {
		return nil, err
	}
	return []Step{{Up: up, Down: down}}, nil
}
