package dialect

import (
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/internal/testhook"
	"github.com/mxmigrate/mxmigrate/plan"
	"github.com/mxmigrate/mxmigrate/schema"
)

// Stepper is a dialect that splits a plan into several files, where some
// statements must run in a transaction of their own or outside any
// (PostgreSQL's online forms: CREATE INDEX CONCURRENTLY, VALIDATE
// CONSTRAINT after the NOT VALID constraint is committed). Others write one
// file: Render of the changes, and of their inverse for down.
type Stepper interface {
	Steps(changes []diff.Change, before, after *schema.Schema) ([]plan.Step, error)
}

// Plan splits changes (applied to before, giving after) into the files the
// dialect writes, and prices each up statement with live's table sizes.
func Plan(d Dialect, changes []diff.Change, before, after, live *schema.Schema) ([]plan.Step, error) {
	var steps []plan.Step
	if s, ok := d.(Stepper); ok {
		var err error
		if steps, err = s.Steps(changes, before, after); err != nil {
			return nil, err
		}
	} else {
		up, down, err := plan.WithObjects(changes, func(cs []diff.Change) ([]plan.Statement, []plan.Statement, error) {
			up, err := d.Render(cs, before, after)
			if err != nil {
				return nil, nil, err
			}
			down, err := d.Render(diff.Inverse(cs), after, before)
			return up, down, err
		})
		if err != nil {
			return nil, err
		}
		steps = []plan.Step{{Up: up, Down: down}}
	}
	if rw := testhook.RewriteStatement; rw != nil {
		for i := range steps {
			for j := range steps[i].Up {
				steps[i].Up[j].SQL = rw(d.Name(), "up", steps[i].Up[j].SQL)
			}
			for j := range steps[i].Down {
				steps[i].Down[j].SQL = rw(d.Name(), "down", steps[i].Down[j].SQL)
			}
		}
	}
	for i := range steps {
		plan.Price(steps[i].Up, live)
	}
	return steps, nil
}
