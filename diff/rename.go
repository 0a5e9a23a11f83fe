package diff

import (
	"fmt"
	"maps"
	"slices"

	"github.com/mxmigrate/mxmigrate/schema"
)

// RenameSpec names the tables and columns the target has under another
// name than the live database: Tables maps an old table name to its new one;
// Columns maps a table (by its new name) to its columns' old names and new
// ones. Names are physical.
type RenameSpec struct {
	Tables  map[string]string
	Columns map[string]map[string]string
}

// Renames returns the renames of spec that the live database needs, table
// renames first: a table is renamed where current has the old name and not
// the new one, and the target the new one and not the old; a column
// likewise (in its table's new name). A rename made already, or whose old
// name the database does not have (a table or column it never had), is no
// change, so that a setting can stay after it ran. A rename whose new name
// the target does not have is an error: a mistyped setting; so is one
// the database cannot make as asked (its new name taken already: a swap of
// two names, say). One whose old name and new name the database both lack
// is a warning (a typo?).
func Renames(current, target *schema.Schema, spec RenameSpec) ([]Change, []string, error) {
	cur, tgt := current.Index(), target.Index()
	var out []Change
	var warnings []string
	olds := slices.Sorted(maps.Keys(spec.Tables))
	liveName := map[string]string{} // new table name -> its live name
	for _, old := range olds {
		to := spec.Tables[old]
		switch {
		case tgt[to] == nil:
			return nil, nil, fmt.Errorf("rename of table %s to %s: the target has no table %s", old, to, to)
		case cur[old] != nil && (cur[to] != nil || tgt[old] != nil):
			return nil, nil, fmt.Errorf("rename of table %s to %s: the database has both (or the definitions keep %s): mxmigrate does not swap or merge tables", old, to, old)
		case cur[old] != nil:
			out = append(out, Change{Kind: RenameTable, Table: to, OldTable: old})
			liveName[to] = old
		case cur[to] == nil:
			warnings = append(warnings, fmt.Sprintf("rename of table %s to %s: the database has neither: nothing to rename (a typo?)", old, to))
		}
	}
	tables := slices.Sorted(maps.Keys(spec.Columns))
	for _, t := range tables {
		tt := tgt[t]
		if tt == nil {
			return nil, nil, fmt.Errorf("rename of columns of %s: the target has no table %s", t, t)
		}
		live := cur[t]
		if n, ok := liveName[t]; ok {
			live = cur[n]
		}
		cols := slices.Sorted(maps.Keys(spec.Columns[t]))
		for _, old := range cols {
			to := spec.Columns[t][old]
			switch {
			case tt.Column(to) == nil:
				return nil, nil, fmt.Errorf("rename of column %s.%s to %s: the target's table %s has no column %s", t, old, to, t, to)
			case live == nil:
				continue // a new table
			case live.Column(old) != nil && (live.Column(to) != nil || tt.Column(old) != nil):
				return nil, nil, fmt.Errorf("rename of column %s.%s to %s: the database's %s has both columns (or the definitions keep %s): mxmigrate does not swap columns; rename through a third name in two migrations", t, old, to, t, old)
			case live.Column(old) == nil:
				if live.Column(to) == nil {
					warnings = append(warnings, fmt.Sprintf("rename of column %s.%s to %s: the database's %s has neither: nothing to rename (a typo?)", t, old, to, t))
				}
				continue
			}
			from := *live.Column(old)
			renamed := from
			renamed.Name = to
			out = append(out, Change{Kind: RenameColumn, Table: t, Column: &renamed, From: &from})
		}
	}
	return out, warnings, nil
}

// Hint is a drop and an add that look like a rename: a table dropped and
// one created with the same columns, or in one table a column dropped and
// one added of the same type (the only such pair).
type Hint struct {
	Table    string // the (new) table
	Old, New string // columns, or tables when Column is false
	Column   bool
}

// RenameHints are the drops and adds of cs that look like renames.
func RenameHints(cs []Change) []Hint {
	var out []Hint
	drops, adds := map[string][]*schema.Column{}, map[string][]*schema.Column{}
	var dropped, created []*schema.Table
	for _, c := range cs {
		switch c.Kind {
		case DropColumn:
			drops[c.Table] = append(drops[c.Table], c.Column)
		case AddColumn:
			adds[c.Table] = append(adds[c.Table], c.Column)
		case DropTable:
			if c.Def != nil {
				dropped = append(dropped, c.Def)
			}
		case CreateTable:
			created = append(created, c.Def)
		}
	}
	sameType := func(list []*schema.Column, col *schema.Column) []*schema.Column {
		var m []*schema.Column
		for _, x := range list {
			if x.Type == col.Type {
				m = append(m, x)
			}
		}
		return m
	}
	tables := slices.Sorted(maps.Keys(drops))
	for _, t := range tables {
		for _, d := range drops[t] {
			if m := sameType(adds[t], d); len(m) == 1 && len(sameType(drops[t], m[0])) == 1 {
				out = append(out, Hint{Table: t, Old: d.Name, New: m[0].Name, Column: true})
			}
		}
	}
	for _, d := range dropped {
		var match []*schema.Table
		for _, c := range created {
			if sameColumns(d, c) {
				match = append(match, c)
			}
		}
		if len(match) == 1 {
			out = append(out, Hint{Table: match[0].Name, Old: d.Name, New: match[0].Name})
		}
	}
	return out
}

// sameColumns reports whether a and b have columns of the same names and
// types.
func sameColumns(a, b *schema.Table) bool {
	if len(a.Columns) != len(b.Columns) {
		return false
	}
	for _, c := range a.Columns {
		x := b.Column(c.Name)
		if x == nil || x.Type != c.Type {
			return false
		}
	}
	return true
}
