package stores

import (
	"github.com/mxmigrate/mxmigrate/diff"
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

// withObjects renders changes through render, which knows no objects: the
// objects' drops come first (phase 0), their creations last, and the down
// statements (render of the inverse) undo them in reverse.
func withObjects(changes []diff.Change, render func([]diff.Change) ([]Statement, []Statement, error)) ([]Statement, []Statement, error) {
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
