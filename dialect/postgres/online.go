package postgres

import (
	"fmt"
	"strings"

	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/internal/sqltext"
	"github.com/mxmigrate/mxmigrate/plan"
	"github.com/mxmigrate/mxmigrate/schema"
)

// Plan splits a plan into migration files. Every file that runs in a
// transaction starts with SET LOCAL lock_timeout (unless turned off), so that
// a statement queued behind a long transaction fails after that long instead
// of blocking every session queued behind it. With online_ddl (the default),
// changes to tables that exist take their online forms:
//
//   - an index dropped or created: DROP / CREATE INDEX CONCURRENTLY, each in
//     a file of its own (PostgreSQL runs neither in a transaction block);
//   - a primary key added: its unique index built CONCURRENTLY in a file of
//     its own, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX;
//   - SET NOT NULL: a CHECK (c IS NOT NULL) NOT VALID constraint in the
//     plan's first file, VALIDATE CONSTRAINT in a file of its own (it scans
//     without blocking writes), then SET NOT NULL, which the validated check
//     lets PostgreSQL (12+) do without a scan, and the check dropped.
//
// Files come in this order: concurrent index drops; the plan's other changes
// (and the NOT VALID checks); concurrent index builds; validation; SET NOT
// NULL and primary keys USING INDEX.
func (d Dialect) Plan(changes []diff.Change, before, after *schema.Schema) ([]plan.Step, error) {
	if d.offline {
		return d.txSteps([]group{d.plain(changes, before)}, ""), nil
	}
	var ph phases
	for _, c := range changes {
		if plan.IsNew(c, before) {
			ph.main.add(d.plainOne(c, true))
			continue
		}
		switch {
		case plan.IsObject(c):
			// constraints, defaults, triggers mxmigrate does not model:
			// their own statements, in the plan's transaction
			ph.main.add(d.plainOne(c, false))
		case c.Kind == diff.DropIndex && after.Table(c.Table) != nil:
			ph.drops = append(ph.drops, d.concurrentDrop(c))
		case c.Kind == diff.CreateIndex:
			ph.builds = append(ph.builds, d.concurrentBuild(c, c.Index))
		case c.Kind == diff.AddPrimaryKey:
			d.addPrimaryKey(&ph, c)
		case c.Kind == diff.AlterColumnNull && !c.Column.Nullable:
			d.setNotNull(&ph, c)
		default:
			ph.main.add(d.plainOne(c, false))
		}
	}
	var steps []plan.Step
	steps = append(steps, ph.drops...)
	steps = append(steps, d.txSteps([]group{ph.main}, "")...)
	steps = append(steps, ph.builds...)
	for _, s := range d.txSteps([]group{ph.validate}, "validate") {
		s.Note = "validates NOT NULL checks in a transaction of its own: it scans, holding a lock that lets reads and writes go on"
		steps = append(steps, s)
	}
	for _, s := range d.txSteps([]group{ph.final}, "set_not_null") {
		s.Note = "sets the validated columns NOT NULL and adds primary keys on their concurrently built indexes: metadata only"
		steps = append(steps, s)
	}
	return steps, nil
}

// phases are the parts of an online plan, in the order Plan writes them.
type phases struct {
	drops, builds         []plan.Step
	main, validate, final group
}

// addPrimaryKey builds the key's unique index concurrently in a file of its
// own, then adds the key USING INDEX in the final file.
func (d Dialect) addPrimaryKey(ph *phases, c diff.Change) {
	name := pkName(c.Table, c.PrimaryKey)
	ix := &schema.Index{Name: name, Columns: c.PrimaryKey.Columns, Unique: true}
	b := d.concurrentBuild(c, ix)
	b.Label = "primary_key_index"
	b.Note = fmt.Sprintf("builds the unique index of %s's primary key without blocking writes; the primary key takes it over in a later file", c.Table)
	ph.builds = append(ph.builds, b)
	t := d.Quote(c.Table)
	// undone, the key takes its index with it: the down builds it
	// again (plainly, in the file's transaction), so that the
	// state is the earlier file's, from which this one applies again
	ph.final.add(d.pair(c,
		plan.Statement{SQL: "ALTER TABLE " + t + " ADD CONSTRAINT " + d.Quote(name) + " PRIMARY KEY USING INDEX " + d.Quote(name) + ";",
			Note: "takes over the unique index built concurrently", Cost: d.cost(c, plan.MetadataOnly, lockAccessExclusive)},
		plan.Statement{SQL: "ALTER TABLE " + t + " DROP CONSTRAINT " + d.Quote(name) + ";", Cost: d.cost(c, plan.MetadataOnly, lockAccessExclusive)},
		plan.Statement{SQL: "CREATE UNIQUE INDEX " + d.Quote(name) + " ON " + t + " (" + sqltext.QuoteList(d, ix.Columns) + ");",
			Note: "the unique index the earlier file built, which dropping the key dropped", Cost: d.cost(c, plan.BuildsIndex, lockShare)}))
}

// setNotNull adds a NOT VALID check in the plan's file, validates it in a
// file of its own, then sets NOT NULL (proved by the check, no scan) and
// drops the check in the final file.
func (d Dialect) setNotNull(ph *phases, c diff.Change) {
	t := d.Quote(c.Table)
	col := d.Quote(c.Column.Name)
	chk := d.Quote(notNullCheck(c.Table, c.Column.Name))
	addCheck := plan.Statement{SQL: "ALTER TABLE " + t + " ADD CONSTRAINT " + chk + " CHECK (" + col + " IS NOT NULL) NOT VALID;",
		Note: "set not null, 1 of 3: a check for new rows only (NOT VALID: no scan)", Cost: d.cost(c, plan.MetadataOnly, lockAccessExclusive)}
	dropCheck := plan.Statement{SQL: "ALTER TABLE " + t + " DROP CONSTRAINT " + chk + ";", Cost: d.cost(c, plan.MetadataOnly, lockAccessExclusive)}
	ph.main.add(d.pair(c, addCheck, dropCheck))
	ph.validate.add(d.pair(c,
		plan.Statement{SQL: "ALTER TABLE " + t + " VALIDATE CONSTRAINT " + chk + ";",
			Note: "set not null, 2 of 3: checks the existing rows while reads and writes go on", Cost: d.cost(c, plan.Scans, lockShareUpdate)}))
	ph.final.add(d.pair(c,
		plan.Statement{SQL: "ALTER TABLE " + t + " ALTER COLUMN " + col + " SET NOT NULL;",
			Note: "set not null, 3 of 3: the validated check proves it, so PostgreSQL does not scan", Cost: d.cost(c, plan.MetadataOnly, lockAccessExclusive)},
		plan.Statement{SQL: "ALTER TABLE " + t + " ALTER COLUMN " + col + " DROP NOT NULL;", Cost: d.cost(c, plan.MetadataOnly, lockAccessExclusive)}))
	// undone, the check comes back validated, as the earlier file
	// left it, so that SET NOT NULL applies again without a scan
	ph.final.add(d.pair(c,
		plan.Statement{SQL: "ALTER TABLE " + t + " DROP CONSTRAINT " + chk + ";", Note: "the check is not needed any more", Cost: d.cost(c, plan.MetadataOnly, lockAccessExclusive)},
		plan.Statement{SQL: "ALTER TABLE " + t + " ADD CONSTRAINT " + chk + " CHECK (" + col + " IS NOT NULL);",
			Note: "the validated check the earlier files left", Cost: d.cost(c, plan.Scans, lockAccessExclusive)}))
}

// group is statements that run together, each with its undo (in order).
type group struct{ up, down [][]plan.Statement }

func (g *group) add(up, down []plan.Statement) {
	g.up = append(g.up, up)
	g.down = append(g.down, down)
}

// pair makes one up statement and its undo (none when down is omitted).
func (d Dialect) pair(c diff.Change, up plan.Statement, down ...plan.Statement) ([]plan.Statement, []plan.Statement) {
	up.Changes = []diff.Change{c}
	inv := c.Inverse()
	for i := range down {
		down[i].Changes = []diff.Change{inv}
	}
	return []plan.Statement{up}, down
}

// plain is each change in its plain form with its inverse.
func (d Dialect) plain(changes []diff.Change, before *schema.Schema) group {
	var g group
	for _, c := range changes {
		g.add(d.plainOne(c, plan.IsNew(c, before)))
	}
	return g
}

func (d Dialect) plainOne(c diff.Change, newTable bool) ([]plan.Statement, []plan.Statement) {
	inv := c.Inverse()
	if plan.IsObject(c) {
		return []plan.Statement{plan.ObjectStatement(c)}, []plan.Statement{plan.ObjectStatement(inv)}
	}
	// the inverse of creating a table drops a table the plan made: no rows
	return d.render(c, newTable), d.render(inv, newTable && c.Kind != diff.CreateTable)
}

// txSteps makes one transactional file of the groups (none when they are
// empty): up in order, down undoing it in reverse, each starting with the
// lock timeout.
func (d Dialect) txSteps(gs []group, label string) []plan.Step {
	var up, down []plan.Statement
	for _, g := range gs {
		for _, u := range g.up {
			up = append(up, u...)
		}
		for i := len(g.down) - 1; i >= 0; i-- {
			down = append(down, g.down[i]...)
		}
	}
	if len(up) == 0 {
		return nil
	}
	if set, ok := d.setLockTimeout(); ok {
		up = append([]plan.Statement{set}, up...)
		if len(down) > 0 {
			down = append([]plan.Statement{set}, down...)
		}
	}
	return []plan.Step{{Up: up, Down: down, Label: label}}
}

// setLockTimeout is the statement each transactional file starts with.
// LOCAL: it ends with the file's transaction, so that it never reaches a
// later CREATE INDEX CONCURRENTLY on the same connection (whose waits for
// older transactions it would cut short, leaving an invalid index).
func (d Dialect) setLockTimeout() (plan.Statement, bool) {
	lt := d.lockTimeoutValue()
	if lt == "" {
		return plan.Statement{}, false
	}
	return plan.Statement{SQL: "SET LOCAL lock_timeout = '" + lt + "';",
		Note: "waits at most " + lt + " for each lock, then fails (and the file rolls back) instead of making every session queue behind it"}, true
}

// concurrentBuild is CREATE [UNIQUE] INDEX CONCURRENTLY ix alone in a file,
// its down DROP INDEX CONCURRENTLY.
func (d Dialect) concurrentBuild(c diff.Change, ix *schema.Index) plan.Step {
	create := d.createConcurrently(c.Table, ix)
	return plan.Step{NoTx: true, Label: "concurrent_index",
		Note: fmt.Sprintf("builds index %s on %s without blocking writes", ix.Name, c.Table),
		Up:   []plan.Statement{{SQL: create, Changes: []diff.Change{c}, Cost: d.cost(c, plan.BuildsIndex, lockShareUpdate)}},
		Down: []plan.Statement{{SQL: "DROP INDEX CONCURRENTLY IF EXISTS " + d.Quote(ix.Name) + ";", Changes: []diff.Change{c.Inverse()},
			Cost: d.cost(c, plan.MetadataOnly, lockShareUpdate)}}}
}

// concurrentDrop is DROP INDEX CONCURRENTLY alone in a file, its down
// CREATE INDEX CONCURRENTLY.
func (d Dialect) concurrentDrop(c diff.Change) plan.Step {
	ix := c.Index
	create := d.createConcurrently(c.Table, ix)
	return plan.Step{NoTx: true, Label: "drop_index",
		Note: fmt.Sprintf("drops index %s on %s without blocking reads or writes", ix.Name, c.Table),
		Up: []plan.Statement{{SQL: "DROP INDEX CONCURRENTLY IF EXISTS " + d.Quote(ix.Name) + ";", Changes: []diff.Change{c},
			Cost: d.cost(c, plan.MetadataOnly, lockShareUpdate)}},
		Down: []plan.Statement{{SQL: create, Changes: []diff.Change{c.Inverse()}, Cost: d.cost(c, plan.BuildsIndex, lockShareUpdate)}}}
}

// cost is the cost of a statement on c's table, which exists.
func (d Dialect) cost(c diff.Change, e plan.Effect, lock string) *plan.Cost {
	return plan.ChangeCost(c, false, e, lock)
}

// createConcurrently is CREATE [UNIQUE] INDEX CONCURRENTLY ix ON table.
func (d Dialect) createConcurrently(table string, ix *schema.Index) string {
	if ix.Def != "" {
		// pg_get_indexdef: "CREATE [UNIQUE] INDEX name ON ..."
		def := strings.TrimSuffix(strings.TrimSpace(ix.Def), ";")
		if i := strings.Index(def, "INDEX "); i >= 0 && !strings.HasPrefix(def[i:], "INDEX CONCURRENTLY ") {
			def = def[:i] + "INDEX CONCURRENTLY " + def[i+len("INDEX "):]
		}
		return def + ";"
	}
	unique := ""
	if ix.Unique {
		unique = "UNIQUE "
	}
	return "CREATE " + unique + "INDEX CONCURRENTLY " + d.Quote(ix.Name) + " ON " + d.Quote(table) + " (" + sqltext.QuoteList(d, ix.Columns) + ");"
}

// notNullCheck names the temporary check of SET NOT NULL: bounded to
// PostgreSQL's 63 bytes with a hash when the names are long.
func notNullCheck(table, column string) string {
	return schema.Shorten(table+"_"+column+"_not_null", 63)
}
