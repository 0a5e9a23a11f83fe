package plan

import (
	"strings"

	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/schema"
)

// A Rebuild is an existing table that a plan makes anew rather than alters
// in place: a table of its new shape is created under another name, the
// rows are copied into it, and it takes the old table's place. Dialects
// whose ALTER TABLE cannot make some changes (DuckDB: primary keys, indexed
// columns; ClickHouse: engine, sorting and partition keys) plan those
// tables through Rebuilds; the down file, the inverse planned the same way,
// rebuilds them back.
type Rebuild struct {
	// From is the table as it is, To its new shape.
	From, To *schema.Table
	// Changes are all of the table's changes: the rebuild carries them out.
	Changes []diff.Change
	// Why says what the dialect cannot do in place, for the plan's note.
	Why string
}

// Copied is a column a rebuild copies: as it is in the old table and in the
// new one (whose type, if it differs, the copy converts to).
type Copied struct {
	From, To *schema.Column
}

// Columns are the columns of the new table that the rebuild copies from
// the old one, in the new table's order: those both tables have.
func (r Rebuild) Columns() []Copied {
	var out []Copied
	for _, c := range r.To.Columns {
		if old := r.From.Column(c.Name); old != nil {
			out = append(out, Copied{From: old, To: c})
		}
	}
	return out
}

// Note is the plan's note on a rebuild: head (what the dialect does), then
// what the new table keeps and loses of what mxmigrate does not model.
func (r Rebuild) Note(head string, kept, lost []string) string {
	if len(kept) > 0 {
		head += "; the new table keeps " + strings.Join(kept, ", ")
	}
	if len(lost) > 0 {
		head += "; LOST: " + strings.Join(lost, "; ")
	}
	return head
}

// Rebuilder is a dialect's part of planning around its ALTER TABLE limits:
// which tables it cannot alter in place, and the statements of a rebuild
// and of a change made in place.
type Rebuilder interface {
	// Rebuilds returns the existing tables that changes (from before to
	// after) rebuild, and why.
	Rebuilds(changes []diff.Change, before, after *schema.Schema) map[string]string
	// Rebuild returns the statements of one rebuild: guards, which the plan
	// puts before every other statement so that a file stops before it
	// changes anything, and the rest (create, copy, swap).
	Rebuild(r Rebuild) (guards, statements []Statement)
	// InPlace returns the statements of change c made in place (none when
	// c is carried out by another change's statements), guards apart as
	// for Rebuild.
	InPlace(c diff.Change) (guards, statements []Statement)
}

// Rebuilt plans changes (from before to after): each rebuilt table once,
// where its first change is, carrying out all of its changes; every other
// change in place. Guards come first, then the statements in the changes'
// order.
func Rebuilt(d Rebuilder, changes []diff.Change, before, after *schema.Schema) []Statement {
	rebuild := d.Rebuilds(changes, before, after)
	byTable := map[string][]diff.Change{}
	for _, c := range changes {
		if _, ok := rebuild[c.Table]; ok {
			byTable[c.Table] = append(byTable[c.Table], c)
		}
	}
	var guards, out []Statement
	done := map[string]bool{}
	for _, c := range changes {
		why, ok := rebuild[c.Table]
		if !ok {
			g, st := d.InPlace(c)
			guards = append(guards, g...)
			out = append(out, st...)
			continue
		}
		if done[c.Table] {
			continue
		}
		done[c.Table] = true
		g, st := d.Rebuild(Rebuild{From: before.Table(c.Table), To: after.Table(c.Table), Changes: byTable[c.Table], Why: why})
		guards = append(guards, g...)
		out = append(out, st...)
	}
	return append(guards, out...)
}
