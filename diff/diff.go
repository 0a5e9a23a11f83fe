package diff

import (
	"slices"
	"sort"

	"github.com/mxmigrate/mxmigrate/schema"
)

// Compare returns the changes that turn current into target, in application
// order: every difference, objects mxmigrate does not model and indexes no
// target index needs included (Plan applies the policy for those). current
// must hold only the tables in scope: any table in current that target lacks
// is dropped.
func Compare(current, target *schema.Schema) []Change {
	var out []Change
	cur := current.Index()
	tgt := target.Index()
	for _, t := range target.Tables {
		c, ok := cur[t.Name]
		if !ok {
			out = append(out, Change{Kind: CreateTable, Table: t.Name, Def: t})
			continue
		}
		out = append(out, compareTable(c, t)...)
	}
	for _, c := range current.Tables {
		if _, ok := tgt[c.Name]; !ok {
			out = append(out, Change{Kind: DropTable, Table: c.Name, Def: c})
		}
	}
	Sort(out)
	return out
}

// compareTable is the changes from the live table cur to its target tgt, in
// the order Sort keeps: columns, storage, primary key, indexes, objects.
func compareTable(cur, tgt *schema.Table) []Change {
	out := compareColumns(cur, tgt)
	name := tgt.Name
	if !SameStorage(cur.Storage, tgt.Storage) {
		out = append(out, Change{Kind: AlterStorage, Table: name, FromStorage: cur.Storage.Clone(), Storage: tgt.Storage.Clone()})
	}
	if !samePK(cur.PrimaryKey, tgt.PrimaryKey) {
		if cur.PrimaryKey != nil {
			out = append(out, Change{Kind: DropPrimaryKey, Table: name, PrimaryKey: cur.PrimaryKey})
		}
		if tgt.PrimaryKey != nil {
			out = append(out, Change{Kind: AddPrimaryKey, Table: name, PrimaryKey: tgt.PrimaryKey})
		}
	}
	out = append(out, compareIndexes(cur, tgt)...)
	return append(out, compareObjects(cur, tgt)...)
}

// compareColumns: columns added, retyped (then made (not) null), dropped.
func compareColumns(cur, tgt *schema.Table) []Change {
	if equalColumns(cur.Columns, tgt.Columns) {
		return nil // most tables of a plan: no map of their columns
	}
	var out []Change
	name := tgt.Name
	curCols := make(map[string]*schema.Column, len(cur.Columns))
	for _, c := range cur.Columns {
		curCols[c.Name] = c
	}
	tgtCols := make(map[string]bool, len(tgt.Columns))
	for _, t := range tgt.Columns {
		tgtCols[t.Name] = true
		c, ok := curCols[t.Name]
		if !ok {
			out = append(out, Change{Kind: AddColumn, Table: name, Column: t})
			continue
		}
		if c.Type != t.Type {
			after := &schema.Column{Name: t.Name, Type: t.Type, Nullable: c.Nullable}
			out = append(out, Change{Kind: AlterColumnType, Table: name, From: c, Column: after})
			c = after
		}
		if c.Nullable != t.Nullable {
			out = append(out, Change{Kind: AlterColumnNull, Table: name, From: c, Column: &schema.Column{Name: t.Name, Type: t.Type, Nullable: t.Nullable}})
		}
	}
	for _, c := range cur.Columns {
		if !tgtCols[c.Name] {
			out = append(out, Change{Kind: DropColumn, Table: name, Column: c})
		}
	}
	return out
}

// equalColumns says whether a and b are equal column by column.
func equalColumns(a, b []*schema.Column) bool {
	return slices.EqualFunc(a, b, func(x, y *schema.Column) bool { return *x == *y })
}

// compareIndexes: target indexes no live index serves (dropping a live one
// of the same name first), then live indexes nothing needs.
func compareIndexes(cur, tgt *schema.Table) []Change {
	var out []Change
	name := tgt.Name
	kept, used := servingIndexes(cur, tgt)
	for _, ix := range tgt.Indexes {
		if kept[ix] {
			continue
		}
		if ci := cur.Index(ix.Name); ci != nil {
			out = append(out, Change{Kind: DropIndex, Table: name, Index: ci})
		}
		out = append(out, Change{Kind: CreateIndex, Table: name, Index: ix})
	}
	for _, ci := range cur.Indexes {
		if tgt.Index(ci.Name) == nil && !used[ci] {
			out = append(out, Change{Kind: DropIndex, Table: name, Index: ci})
		}
	}
	return out
}

// compareObjects: objects mxmigrate does not model that differ, dropped
// then created (a ClickHouse setting the target sets is storage).
func compareObjects(cur, tgt *schema.Table) []Change {
	var out []Change
	name := tgt.Name
	for _, co := range cur.Objects {
		if co.Kind == "setting" && tgt.Storage != nil {
			if _, set := tgt.Storage.Settings[co.Name]; set {
				continue // the target's own setting: compared as storage
			}
		}
		if to := tgt.Object(co.Kind, co.Name); to == nil || !to.Same(co) {
			out = append(out, Change{Kind: DropObject, Table: name, Object: co})
		}
	}
	for _, to := range tgt.Objects {
		if co := cur.Object(to.Kind, to.Name); co == nil || !co.Same(to) {
			out = append(out, Change{Kind: CreateObject, Table: name, Object: to})
		}
	}
	return out
}

// servingIndexes pairs each target index that needs nothing (kept) with the
// live index that serves it (used): the live index of its name, when that has
// its definition, else a live index with its definition under another name
// that no target index claims (Alembic's, or another convention's, or one cut
// to the identifier limit by another algorithm). Like primary keys, indexes
// are compared by what they index: renaming or rebuilding one that works, on
// a table of millions of rows, buys nothing.
func servingIndexes(cur, tgt *schema.Table) (kept, used map[*schema.Index]bool) {
	kept, used = map[*schema.Index]bool{}, map[*schema.Index]bool{}
	for _, ix := range tgt.Indexes {
		if ci := cur.Index(ix.Name); ci != nil && sameIndex(ci, ix) {
			kept[ix], used[ci] = true, true
		}
	}
	for _, ix := range tgt.Indexes {
		if kept[ix] {
			continue
		}
		for _, ci := range cur.Indexes {
			if !used[ci] && tgt.Index(ci.Name) == nil && sameIndex(ci, ix) {
				kept[ix], used[ci] = true, true
				break
			}
		}
	}
	return kept, used
}

// samePK compares primary keys by their columns only: DuckDB keeps no
// constraint names, and renaming a key that Metaxy or another tool created
// (say "t_pkey") would rebuild its index for nothing.
func samePK(cur, tgt *schema.PrimaryKey) bool {
	if cur == nil || tgt == nil {
		return cur == nil && tgt == nil
	}
	return slices.Equal(cur.Columns, tgt.Columns)
}

// sameIndex reports whether live index a serves target index b; an invalid
// index (a failed concurrent build) serves nothing.
func sameIndex(a, b *schema.Index) bool {
	return !a.Invalid && a.Unique == b.Unique && a.Using == b.Using && slices.Equal(a.Columns, b.Columns)
}

// Sort orders changes by phase, then table, then kind, then column or index
// name, so that the same inputs always give the same files.
func Sort(cs []Change) {
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if pa, pb := a.Kind.Phase(), b.Kind.Phase(); pa != pb {
			return pa < pb
		}
		if a.Table != b.Table {
			return a.Table < b.Table
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.sortName() < b.sortName()
	})
}

// Inverse returns the changes that undo cs: each change's inverse, in reverse order.
func Inverse(cs []Change) []Change {
	out := make([]Change, len(cs))
	for i, c := range cs {
		out[len(cs)-1-i] = c.Inverse()
	}
	return out
}

// Destructive returns the changes that may destroy data or fail on rows.
func Destructive(cs []Change) []Change {
	var out []Change
	for _, c := range cs {
		if c.Destructive() != "" {
			out = append(out, c)
		}
	}
	return out
}

// Apply returns s with cs applied (s itself is not modified). It is the
// model of what a migration does, used by planners and tests. The tables
// no change touches are s's own, shared: the result is read, never
// written, like s (a plan of 1,000 changes on 10,000 tables copies the
// tables it changes, not the others).
// It is long because it has one short case per change kind, which read best
// side by side with the kinds.
func Apply(s *schema.Schema, cs []Change) *schema.Schema {
	out := &schema.Schema{Tables: append([]*schema.Table(nil), s.Tables...)}
	pos := make(map[string]int, len(out.Tables))
	for i, t := range out.Tables {
		pos[t.Name] = i
	}
	copied := map[string]bool{}
	dropped := false
	for _, c := range cs {
		if c.Kind == RenameTable {
			if i, ok := pos[c.OldTable]; ok {
				out.Tables[i] = out.Tables[i].Clone()
				out.Tables[i].Name = c.Table
				for _, ix := range out.Tables[i].Indexes {
					ix.Def = "" // its text names the old table: made again from its columns
				}
				delete(pos, c.OldTable)
				pos[c.Table] = i
				copied[c.Table] = true
			}
			continue
		}
		i, ok := pos[c.Table]
		switch c.Kind {
		case CreateTable:
			pos[c.Table] = len(out.Tables)
			copied[c.Table] = true
			out.Tables = append(out.Tables, c.Def.Clone())
			continue
		case DropTable:
			if ok {
				out.Tables[i] = nil
				delete(pos, c.Table)
				dropped = true
			}
			continue
		}
		if !ok {
			continue
		}
		if !copied[c.Table] {
			out.Tables[i] = out.Tables[i].Clone()
			copied[c.Table] = true
		}
		t := out.Tables[i]
		switch c.Kind {
		case RenameColumn:
			renameColumn(t, c.From.Name, c.Column.Name)
		case AddColumn:
			cc := *c.Column
			t.Columns = append(t.Columns, &cc)
		case DropColumn:
			for i, x := range t.Columns {
				if x.Name == c.Column.Name {
					t.Columns = append(t.Columns[:i], t.Columns[i+1:]...)
					break
				}
			}
		case AlterColumnType, AlterColumnNull:
			if col := t.Column(c.Column.Name); col != nil {
				col.Type, col.Nullable = c.Column.Type, c.Column.Nullable
			}
		case AlterStorage:
			t.Storage = c.Storage.Clone()
		case AddPrimaryKey:
			t.PrimaryKey = &schema.PrimaryKey{Name: c.PrimaryKey.Name, Columns: append([]string(nil), c.PrimaryKey.Columns...)}
		case DropPrimaryKey:
			t.PrimaryKey = nil
		case CreateIndex:
			t.Indexes = append(t.Indexes, &schema.Index{Name: c.Index.Name, Columns: append([]string(nil), c.Index.Columns...), Unique: c.Index.Unique, Using: c.Index.Using, Def: c.Index.Def})
		case CreateObject:
			o := *c.Object
			o.Columns = append([]string(nil), c.Object.Columns...)
			t.Objects = append(t.Objects, &o)
			t.SortObjects()
		case DropObject:
			for i, x := range t.Objects {
				if x.Kind == c.Object.Kind && x.Name == c.Object.Name {
					t.Objects = append(t.Objects[:i], t.Objects[i+1:]...)
					break
				}
			}
		case DropIndex:
			for i, x := range t.Indexes {
				if x.Name == c.Index.Name {
					t.Indexes = append(t.Indexes[:i], t.Indexes[i+1:]...)
					break
				}
			}
		}
	}
	if dropped {
		out.Tables = slices.DeleteFunc(out.Tables, func(t *schema.Table) bool { return t == nil })
	}
	return out
}

// renameColumn renames column from of t (a copy) to to, where the database
// follows it too: the key, indexes, the sorting key and id columns.
func renameColumn(t *schema.Table, from, to string) {
	if col := t.Column(from); col != nil {
		col.Name = to
	}
	rename := func(list []string) {
		for i, x := range list {
			if x == from {
				list[i] = to
			}
		}
	}
	if t.PrimaryKey != nil {
		rename(t.PrimaryKey.Columns)
	}
	for _, ix := range t.Indexes {
		if slices.Contains(ix.Columns, from) {
			ix.Def = "" // its text names the old column: made again from its columns
		}
		rename(ix.Columns)
	}
	for _, o := range t.Objects {
		rename(o.Columns)
	}
	rename(t.IDColumns)
	if t.Storage != nil {
		rename(t.Storage.OrderBy)
	}
}
