package mxmigrate

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/internal/redact"
	"github.com/mxmigrate/mxmigrate/proof"
	"github.com/mxmigrate/mxmigrate/schema"
)

// SquashOptions say which migrations squash replaces.
type SquashOptions struct {
	// To is the last version replaced (0: the directory's latest).
	To uint64
	// Message names the new file ("" : "squashed").
	Message string
	// DevURL overrides the environment's dev database.
	DevURL string
	// DryRun writes nothing.
	DryRun bool
}

// SquashResult is what squash did, or would do on a dry run.
type SquashResult struct {
	Env string
	// Replaced are the files replaced; Written is the file written in their
	// place (its paths are where it would be written on a dry run).
	Replaced []generator.File
	Written  generator.File
	Up, Down []byte
	// Tables are the tables the new file creates.
	Tables []string
	// Checked are the databases squash read the version of ("prod:metaxy_features
	// at version 5"); Unchecked those it could not reach, and why.
	Checked, Unchecked []string
	// Dev is the dev database the files were replayed on.
	Dev string
}

// ErrSquashRefused marks a squash refused for a database's sake (exit 1).
var ErrSquashRefused = errors.New("squash refused")

// Squash replaces env's migrations 1..To with one file at version To that
// creates the schema they leave on a dev database (Atlas's `migrate
// checkpoint`): databases at To or later need nothing, new ones apply one
// file. It refuses while a database it can reach (every environment whose
// directory this is) is below To or dirty, when the files leave rows (a
// data migration the new file would not carry), and when the new file does
// not replay to the same schema. The directory is locked throughout.
func (p *Project) Squash(ctx context.Context, env *Env, o SquashOptions) (*SquashResult, error) {
	env = p.complete(env)
	unlock, err := generator.Lock(env.Dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	dir, err := p.readDir(env)
	if err != nil {
		return nil, err
	}
	to, n, err := squashRange(env, dir, o.To)
	if err != nil {
		return nil, err
	}
	res := &SquashResult{Env: env.Name, Replaced: dir.Files[:n]}
	if err := p.squashable(ctx, env, to, res); err != nil {
		return res, err
	}
	devURL := o.DevURL
	if devURL == "" {
		devURL = env.DevURL
	}
	dev, remove, err := env.Dialect.Dev(ctx, env.Conn, devURL)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%s: squash needs a dev database to replay the files on: %s", env.Name, redact.MaskPassword(err.Error()))
	}
	res.Dev = devKind(dev)
	// one connection pool for every read and the emptying, held open until
	// the dev database is removed (an engine in this process, chDB, is not
	// restarted between the steps); the replays run through the store
	pin, err := dev.Open(ctx, dialect.OpenOptions{ExitSoon: p.ExitSoon})
	if err != nil {
		remove()
		return nil, fmt.Errorf("%s: open the dev database: %s", env.Name, redact.MaskPassword(err.Error()))
	}
	defer func() {
		remove()
		pin.Close()
	}()
	files, err := dirFiles(dir)
	if err != nil {
		return nil, err
	}
	old, err := replayed(ctx, env, dev, pin, files[:n], to)
	if err != nil {
		return nil, err
	}
	if err := noRows(ctx, env, pin, old, res.Replaced); err != nil {
		return res, err
	}
	oldObjects := catalogObjects(ctx, env, pin)
	if err := p.squashFile(env, dir, old, o, res); err != nil {
		return nil, err
	}
	// the proof: the new file alone, on the emptied dev database, leaves
	// the schema the old ones left
	if err := proof.Empty(ctx, env.Dialect, pin); err != nil {
		return nil, err
	}
	name := res.Written.Base() + ".up.sql"
	now, err := replayed(ctx, env, dev, pin, []proof.File{{Name: name, Up: res.Up, Down: res.Down}}, to)
	if err != nil {
		return nil, fmt.Errorf("%s: the squashed file does not apply on the dev database (a bug; nothing was written): %w", env.Name, err)
	}
	if lost := notCarried(ctx, env, pin, oldObjects); len(lost) > 0 {
		return nil, fmt.Errorf("%w: %s..%s make %s, which the squashed file would not make (mxmigrate writes tables and what is on them, not views or sequences): squash only the versions before the file that makes them (--to), or write them again in a later migration",
			ErrSquashRefused, res.Replaced[0].Base(), res.Replaced[n-1].Base(), strings.Join(lost, ", "))
	}
	if cs := diff.Compare(now, old); len(cs) > 0 {
		var lines []string
		for _, c := range cs {
			lines = append(lines, "  "+c.Summary())
		}
		return nil, fmt.Errorf("%s: the squashed file leaves a schema that differs from what %s..%s leave (nothing was written):\n%s",
			env.Name, res.Replaced[0].Base(), res.Replaced[n-1].Base(), strings.Join(lines, "\n"))
	}
	if o.DryRun {
		return res, nil
	}
	written, _, err := generator.SquashLocked(env.Dir, to, generator.Migration{Name: res.Written.Name,
		Up: res.Up, Down: res.Down, Creates: res.Tables, Identity: env.Identity()})
	if err != nil {
		return nil, err
	}
	res.Written = written
	return res, nil
}

// squashRange is the last version replaced (to; the latest when 0) and
// how many files are replaced.
func squashRange(env *Env, dir *generator.Dir, to uint64) (uint64, int, error) {
	if len(dir.Files) == 0 {
		return 0, 0, fmt.Errorf("%s: %s has no migrations to squash", env.Name, env.Dir)
	}
	if to == 0 {
		to = dir.Latest()
	}
	if _, ok := dir.Find(to); !ok {
		var vs []string
		for _, f := range dir.Files {
			vs = append(vs, f.Digits)
		}
		return 0, 0, fmt.Errorf("%s: --to %d is not a version of %s (it has %s)", env.Name, to, env.Dir, strings.Join(vs, ", "))
	}
	n := 0
	for _, f := range dir.Files {
		if f.Version <= to {
			n++
		}
	}
	if n < 2 {
		return 0, 0, fmt.Errorf("%s: nothing to squash: %s is the only migration at or below version %d", env.Name, dir.Files[0].Base(), to)
	}
	return to, n, nil
}

// squashable reads the version of every database whose environment uses
// env's directory (the same target of every store that shares it) and
// refuses while one is below to or dirty; those it cannot reach are listed
// in res.Unchecked.
func (p *Project) squashable(ctx context.Context, env *Env, to uint64, res *SquashResult) error {
	stores := slices.Sorted(maps.Keys(p.Config.Stores))
	var below []string
	for _, name := range stores {
		e, err := p.Environment(name + ":" + env.Target)
		if err != nil || e.Dir != env.Dir || e.Identity() != env.Identity() {
			continue // not an environment that uses this directory
		}
		st, err := p.Status(ctx, e)
		var busy *dialect.InUseError
		switch {
		case errors.As(err, &busy):
			below = append(below, fmt.Sprintf("%s cannot be read: %s", e.Name, busy.Msg))
		case err != nil:
			why, _, _ := strings.Cut(redact.MaskPassword(err.Error()), "\n")
			res.Unchecked = append(res.Unchecked, e.Name+": "+why)
		case st.Dirty:
			below = append(below, fmt.Sprintf("%s is dirty at version %d (repair it first: `mxmigrate status -n %s`)", e.Name, st.Version, e.Name))
		case st.Version >= 0 && uint64(st.Version) < to:
			line := fmt.Sprintf("%s is at version %d: apply the files up to %d there first (`mxmigrate up -n %s`)", e.Name, st.Version, to, e.Name)
			if st.Applied >= 2 {
				line += fmt.Sprintf(", or squash only what it has applied (--to %d)", st.Version)
			}
			below = append(below, line)
		case st.Version < 0:
			res.Checked = append(res.Checked, e.Name+" has applied none (it will apply the squashed file)")
		default:
			res.Checked = append(res.Checked, fmt.Sprintf("%s at version %d", e.Name, st.Version))
		}
	}
	if len(below) > 0 {
		return fmt.Errorf("%w: %d database(s) have not applied the files squash would replace (or cannot say), and golang-migrate could not go on from a version that is no longer a file:\n  %s",
			ErrSquashRefused, len(below), strings.Join(below, "\n  "))
	}
	return nil
}

// replayed applies files to dev (emptied before) and returns the schema
// they leave, read on h (dev's), without the migrations table, with the definitions of the
// objects mxmigrate does not model.
func replayed(ctx context.Context, env *Env, dev dialect.Store, h *dialect.Handle, files []proof.File, to uint64) (*schema.Schema, error) {
	if err := proof.Replay(ctx, env.Dialect, dev, env.MigrationsTable, files, int(to)); err != nil {
		return nil, fmt.Errorf("%s: replay on the dev database: %s", env.Name, redact.MaskPassword(err.Error()))
	}
	s, err := env.Dialect.Inspect(ctx, h, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: introspect the dev database: %w", env.Name, err)
	}
	kept := s.Tables[:0]
	var names []string
	for _, t := range s.Tables {
		if t.Name != env.MigrationsTable {
			kept = append(kept, t)
			names = append(names, t.Name)
		}
	}
	s.Tables = kept
	if len(names) > 0 {
		if err := env.Dialect.Complete(ctx, h, s, dialect.Need{Definitions: names}); err != nil {
			return nil, fmt.Errorf("%s: read the dev database's definitions: %w", env.Name, err)
		}
	}
	return s, nil
}

// noRows refuses when the replayed files left rows in a table: a data
// migration (a backfill, seed rows), which a file that creates the schema
// would not carry to new databases.
func noRows(ctx context.Context, env *Env, h *dialect.Handle, s *schema.Schema, files []generator.File) error {
	var with []string
	for _, t := range s.Tables {
		var n int64
		if err := h.QueryRowContext(ctx, "SELECT count(*) FROM "+env.Dialect.Quote(t.Name)).Scan(&n); err != nil {
			return fmt.Errorf("%s: count the rows of %s on the dev database: %w", env.Name, t.Name, err)
		}
		if n > 0 {
			with = append(with, fmt.Sprintf("%s (%d row(s))", t.Name, n))
		}
	}
	if len(with) > 0 {
		return fmt.Errorf("%w: %s..%s leave rows in %s on an empty database (a data migration): the squashed file creates only the schema, so new databases would not get them. Squash only the versions before that file (--to), or move the rows into a later migration",
			ErrSquashRefused, filepath.Base(files[0].Up), filepath.Base(files[len(files)-1].Up), strings.Join(with, ", "))
	}
	return nil
}

// squashFile renders the file that creates s from nothing, as a baseline
// is rendered, into res (Up, Down, Written's name and paths, Tables).
func (p *Project) squashFile(env *Env, dir *generator.Dir, s *schema.Schema, o SquashOptions, res *SquashResult) error {
	empty := &schema.Schema{}
	cmp := &Comparison{Env: env, Dir: dir, Target: s, Current: empty}
	cmp.Changes = diff.Compare(empty, s)
	if err := cmp.render(empty); err != nil {
		return fmt.Errorf("%s: %w", env.Name, err)
	}
	if len(cmp.Steps) != 1 {
		return fmt.Errorf("%s: the schema takes %d files to create on this dialect, and a squash writes one", env.Name, len(cmp.Steps))
	}
	first, last := res.Replaced[0], res.Replaced[len(res.Replaced)-1]
	msg := o.Message
	if msg == "" {
		msg = "squashed"
	}
	h := generator.Header{Tool: "mxmigrate " + Version, Environment: env.Name, Dialect: env.Dialect.Name(),
		Message: msg, Transactional: env.Dialect.Transactional()}
	cmp.Steps[0].Note = fmt.Sprintf("squash of %s..%s: the schema they leave, as replayed on a dev database", first.Base(), last.Base())
	pair := generator.RenderSteps(h, cmp.Steps)[0]
	res.Up, res.Down = pair.Up, pair.Down
	// the scope stays what it was: tables the replaced entries record as
	// created (and not dropped); those a hand-written file made are carried
	// in the file and stay out of it (decision 45)
	managed := dir.ManagedUpTo(last.Version) // sorted
	for _, t := range managed {
		if s.Table(t) != nil {
			res.Tables = append(res.Tables, t)
		}
	}
	w := generator.File{Version: last.Version, Digits: last.Digits, Name: generator.Slug(msg)}
	w.Up = filepath.Join(env.Dir, w.Base()+".up.sql")
	w.Down = filepath.Join(env.Dir, w.Base()+".down.sql")
	res.Written = w
	return nil
}

// catalogObjects are the relations of the dev database (proof.Relations:
// tables, views, sequences), "kind name", without the migrations table.
func catalogObjects(ctx context.Context, env *Env, h *dialect.Handle) map[string]bool {
	out := map[string]bool{}
	for _, o := range proof.Relations(ctx, h) {
		if o != "table "+env.MigrationsTable {
			out[o] = true
		}
	}
	return out
}

// notCarried are the objects of before that the dev database does not hold
// now, sorted.
func notCarried(ctx context.Context, env *Env, h *dialect.Handle, before map[string]bool) []string {
	now := catalogObjects(ctx, env, h)
	var out []string
	for o := range before {
		if !now[o] {
			out = append(out, o)
		}
	}
	sort.Strings(out)
	return out
}
