package dialect

import (
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/internal/testhook"
	"github.com/mxmigrate/mxmigrate/plan"
	"github.com/mxmigrate/mxmigrate/schema"
)

// Annotate puts the dialect's account on changes (applied to before) before
// they are shown or planned: column types as the database names them, and
// its caveats.
func Annotate(d Dialect, cs []diff.Change, before *schema.Schema) {
	caveats := d.Caveats(cs, before)
	for i := range cs {
		c := &cs[i]
		if c.From != nil {
			c.FromType = d.DisplayType(c.From.Type)
		}
		if c.Column != nil {
			c.ToType = d.DisplayType(c.Column.Type)
		}
		if i < len(caveats) {
			c.Caveat = caveats[i]
		}
	}
}

// PlanFiles is the dialect's Plan of changes (applied to before, giving
// after), with each up statement priced with live's table sizes.
func PlanFiles(d Dialect, changes []diff.Change, before, after, live *schema.Schema) ([]plan.Step, error) {
	steps, err := d.Plan(changes, before, after)
	if err != nil {
		return nil, err
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
