package mxmigrate

import (
	"fmt"
	"strings"

	"github.com/mxmigrate/mxmigrate/generator"
)

// NewOptions are the options of New.
type NewOptions struct {
	Message string
	// Format is the version style, as for Generate.
	Format string
}

// New writes an empty migration, the next version of env's directory, for
// a change the definitions do not say (a backfill, a data fix): a file
// pair that applies as a no-op until a person writes its SQL, recorded in
// mxmigrate.sum (golang-migrate's create, Atlas's migrate new, Alembic's
// revision). After the edit, rehash records the files as they are, and
// lint proves them like generated ones. It reads no database.
func (p *Project) New(env *Env, o NewOptions) (generator.File, error) {
	if strings.TrimSpace(o.Message) == "" {
		return generator.File{}, fmt.Errorf("%s: new needs -m NAME: the file's name says what it does (e.g. -m backfill_scores)", env.Name)
	}
	unlock, err := generator.Lock(env.Dir)
	if err != nil {
		return generator.File{}, err
	}
	defer unlock()
	dir, err := p.readDir(env)
	if err != nil {
		return generator.File{}, err
	}
	h := generator.Header{Tool: "mxmigrate " + Version, Environment: env.Name, Dialect: env.Dialect.Name(),
		Message: o.Message, Transactional: env.Dialect.Transactional()}
	up := h
	up.Direction = "up"
	down := h
	down.Direction = "down"
	return generator.WriteLocked(env.Dir, generator.Migration{Name: generator.Slug(o.Message), Format: o.Format,
		Up: generator.Blank(up), Down: generator.Blank(down), Identity: env.Identity(), BasedOn: dir.Latest()})
}
