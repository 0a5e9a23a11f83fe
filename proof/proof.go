package proof

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/golang-migrate/migrate/v4/database"

	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/internal/redact"
	"github.com/mxmigrate/mxmigrate/internal/sqltext"
	"github.com/mxmigrate/mxmigrate/schema"
)

// File is one migration file, up and down.
type File struct {
	Name     string // for messages: "000003_videos.up.sql"
	Up, Down []byte
}

// Input is what a proof needs: the dialect and its dev database, the
// directory's files (replayed first), the live tables the plan starts from
// and the target it must reach (both in scope), and the plan's new files.
type Input struct {
	Dialect dialect.Dialect
	Dev     dialect.Store
	// Kind says what the dev database is, for the report.
	Kind string
	// MigrationsTable is the dev database's own migrations table
	// (DevMigrationsTable when ""): a plain name every driver writes.
	MigrationsTable string
	Scope           []string
	Existing        []File
	Live, Target    *schema.Schema
	Plan            []File
	Policy          diff.Policy
	// Lint proves a committed file (Plan) after the files before it
	// (Existing) without a live database or a target (mxmigrate lint): the
	// dev database is emptied first, every table gets sample rows, the
	// schema after up is taken as it is, and what a file does to values is a
	// finding, never a Bug.
	Lint bool
}

// DevMigrationsTable is the migrations table of a dev database mxmigrate
// made: golang-migrate's ClickHouse driver writes its name unquoted, and
// the live one's may not be plain.
const DevMigrationsTable = "mxmigrate_dev_migrations"

// Report is what the proof found.
type Report struct {
	Dev string `json:"dev_database"`
	// Skipped, when set, says why the data checks did not run.
	Skipped string `json:"skipped"`
	// SampleRows counts the rows put into the tables the plan touches.
	SampleRows int     `json:"sample_rows"`
	Checks     []Check `json:"checks"`
	// Findings are what the plan would do to data (values that change,
	// merge or go, rows lost, a down that does not restore): they make the
	// plan destructive.
	Findings []string `json:"findings"`
	// Notes are what the plan would do on rows like the samples without
	// changing data: a file that stops there and rolls back (its own
	// value check, a key the rows break).
	Notes []string `json:"notes"`
	// Phases says where the proof's time went (for --verbose), in order.
	Phases []Phase `json:"-"`
}

// Phase is the duration of one part of a proof.
type Phase struct {
	Name     string
	Duration time.Duration
}

// Check is one check and its result: "pass", "fail" or "skipped".
type Check struct {
	Name   string `json:"name"`
	Result string `json:"result"`
	Detail string `json:"detail"`
}

// Bug is a plan that does not do what it says on the dev database: a file
// that fails, a schema that is not the target. Nothing may be written.
type Bug struct {
	Check, File string
	Err         error
}

func (b *Bug) Error() string {
	return fmt.Sprintf("the plan failed its proof on the dev database (%s, %s): %v. This is a bug of mxmigrate: nothing was written; please report it with the plan (generate --dry-run), or pass --no-proof to write it unproved", b.Check, b.File, b.Err)
}

// Run proves in's plan. The dev database is the caller's to remove.
func Run(ctx context.Context, in Input) (*Report, error) {
	r := &Report{Dev: in.Kind, Findings: []string{}, Notes: []string{}}
	h, err := in.Dev.Open(ctx, dialect.OpenOptions{})
	if err != nil {
		return nil, fmt.Errorf("open the dev database (%s): %s", in.Kind, redact.MaskPassword(err.Error()))
	}
	defer h.Close()
	if in.MigrationsTable == "" {
		in.MigrationsTable = DevMigrationsTable
	}
	p := &prover{in: in, ctx: ctx, h: h, r: r, noRows: map[string]string{}}
	if !in.Lint {
		p.all = in.Scope
		p.in.Live, p.in.Target, p.in.Scope = touched(in.Live, in.Target)
	}
	err = p.run()
	if in.Lint && len(in.Plan) == 1 {
		r.Findings, r.Notes = accepted(in.Plan[0], r.Findings, r.Notes)
	}
	return r, err
}

type prover struct {
	in  Input
	ctx context.Context
	h   *dialect.Handle
	r   *Report
	// tables are the tables given sample rows, as before the plan.
	tables []*schema.Table
	// noRows: tables that get no sample rows, and why.
	noRows map[string]string
	// kept is set when a column the plan keeps as it is lost values.
	kept *Bug
	// all are the tables in scope before the proof kept those the plan
	// touches (Input.Scope): what the directory's files may name.
	all []string
	// renamed (lint): the columns ("table.column") the file renames, to
	// their new names, where their values are compared.
	renamed map[string]string
}

func (p *prover) run() error {
	lap := p.stopwatch()
	if p.in.Lint {
		if err := p.empty(); err != nil {
			return err
		}
	}
	before, err := p.prepare()
	lap("replay the directory")
	if err != nil || p.r.Skipped != "" {
		return err
	}
	p.fill(before)
	if !p.in.Lint {
		p.conversions()
	}
	rowsBefore, err := p.read(p.tables)
	lap("sample rows and conversions")
	if err != nil {
		return err
	}
	stopped, err := p.applyPlan()
	lap("up")
	if err != nil || p.r.Skipped != "" {
		return err
	}
	if stopped {
		rowsBefore = map[string]*tableRows{}
	}
	after, err := p.inspect()
	if err != nil {
		return err
	}
	if p.in.Lint {
		p.unsaid(p.in.Plan[0], before, after)
		p.in.Target = after
		p.conversions()
	} else {
		p.renamed = planRenames(p.in.Plan, before, after)
		if cs, _ := diff.Plan(after, p.in.Target, p.in.Policy); len(cs) > 0 {
			return &Bug{Check: "the schema after up is the target", File: "up", Err: fmt.Errorf("%s", summaries(cs))}
		}
		p.pass("up: the schema is the target", "")
	}
	p.compareRows("up", p.tables, rowsBefore, after, false)
	lap("check the schema and rows")
	if p.kept != nil && !p.in.Lint {
		return p.kept
	}
	restored, err := p.down(before, rowsBefore)
	lap("down and its checks")
	if err != nil || !restored {
		return err
	}
	if err := p.apply(p.in.Plan, false); err != nil {
		return err
	}
	lap("up again")
	p.pass("up again after down", "")
	return nil
}

// stopwatch returns a function that records the time since its last call
// (or since stopwatch) as the phase named.
func (p *prover) stopwatch() func(name string) {
	last := time.Now()
	return func(name string) {
		now := time.Now()
		p.r.Phases = append(p.r.Phases, Phase{name, now.Sub(last)})
		last = now
	}
}

// mirror makes the dev database's tables (before, as the directory's files
// build them) the live ones, through the dialect's own statements, so that
// the plan meets what it meets live: what the live tables have that
// mxmigrate did not create (indexes, constraints, defaults, comments), and
// what differs from the files (drift: a table adopted before its baseline,
// a column added by hand). Where that cannot be done the proof is skipped
// (Skipped says why).
func (p *prover) mirror(before *schema.Schema) (*schema.Schema, error) {
	var extra []diff.Change
	drift := 0
	for _, c := range diff.Compare(before, p.in.Live) {
		if c.Kind != diff.CreateIndex && c.Kind != diff.CreateObject {
			drift++
		}
		if c.Kind == diff.CreateObject && c.Object.CreateSQL == "" {
			// the dialect cannot make it in place (a DuckDB CHECK): the
			// table gets no sample rows, which it might refuse live
			p.noRows[c.Table] = c.Object.Kind + " " + c.Object.ID() + " of the live table cannot be made on the dev database"
			continue
		}
		extra = append(extra, c)
	}
	if drift > 0 {
		p.pass("dev database made like the live tables", fmt.Sprintf("%d difference(s) from what the directory's files build", drift))
	}
	if len(extra) == 0 {
		return before, nil
	}
	steps, err := p.in.Dialect.Plan(extra, before, p.in.Live)
	if err == nil {
		var files []File
		for i, st := range steps {
			var sql []string
			for _, s := range st.Up {
				sql = append(sql, s.SQL)
			}
			files = append(files, File{Name: fmt.Sprintf("the live database's own objects (%d)", i+1), Up: []byte(strings.Join(sql, "\n"))})
		}
		err = p.apply(files, false)
	}
	if err != nil {
		p.r.Skipped = fmt.Sprintf("the dev database cannot be made like the live tables (%v)", cause(err))
		return before, nil
	}
	return p.inspect()
}

// prepare makes the dev database the live one as the plan starts from it:
// the directory's files replayed, then made like the live tables (mirror).
// Where it cannot, Skipped says why.
func (p *prover) prepare() (*schema.Schema, error) {
	if !p.in.Lint && len(p.all) > 0 {
		if before, ok := p.replayScoped(); ok {
			return p.mirror(before)
		}
	}
	if err := p.apply(p.in.Existing, false); err != nil {
		p.r.Skipped = fmt.Sprintf("the directory's files do not replay on the dev database: %v", cause(err))
		return nil, nil
	}
	before, err := p.inspect()
	if err != nil || p.in.Lint {
		p.in.Live = before
		return before, err
	}
	return p.mirror(before)
}

// replayScoped replays the statements of the directory's files that build
// the tables the plan touches (scoped), and reports whether that made every
// live table the plan starts from; where not, the dev database is emptied
// for the whole replay.
func (p *prover) replayScoped() (*schema.Schema, bool) {
	err := p.apply(scoped(p.in.Existing, p.in.Scope, p.all), false)
	var before *schema.Schema
	if err == nil {
		before, err = p.inspect()
	}
	if err == nil {
		have := before.Index()
		for _, t := range p.in.Live.Tables {
			if have[t.Name] == nil {
				err = fmt.Errorf("no table %s", t.Name)
				break
			}
		}
	}
	if err != nil {
		p.empty() // a failure shows in the whole replay that follows
		return nil, false
	}
	return before, true
}

// empty drops every table of the dev database (mxmigrate made it: nothing
// else is there): for lint's proof of one file after the ones before it,
// and to prove a plan again without sample rows.
func (p *prover) empty() error { return Empty(p.ctx, p.in.Dialect, p.h) }

// Empty drops every view, table and sequence of a dev database h
// (mxmigrate made it: nothing else is there), so that files replayed on it
// again find nothing of theirs.
func Empty(ctx context.Context, d dialect.Dialect, h *dialect.Handle) error {
	rels := Relations(ctx, h)
	drop := func(kind, stmt string) error {
		for _, r := range rels {
			if name, ok := strings.CutPrefix(r, kind+" "); ok {
				if _, err := h.ExecContext(ctx, stmt+d.Quote(name)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := drop("view", "DROP VIEW IF EXISTS "); err != nil {
		return err
	}
	all, err := d.Inspect(ctx, h, nil)
	if err != nil {
		return fmt.Errorf("introspect the dev database: %w", err)
	}
	for _, t := range all.Tables {
		if _, err := h.ExecContext(ctx, "DROP TABLE IF EXISTS "+d.Quote(t.Name)); err != nil {
			return err
		}
	}
	return drop("sequence", "DROP SEQUENCE IF EXISTS ")
}

// Relations are what the current schema of h holds, "kind name": its
// tables ("table t") and views ("view v") as information_schema lists
// them, and its sequences (DuckDB's duckdb_sequences(), else
// information_schema's); none where the database lists none of them.
func Relations(ctx context.Context, h *dialect.Handle) []string {
	var out []string
	for _, r := range listed(ctx, h,
		"SELECT lower(table_type) || ' ' || table_name FROM information_schema.tables WHERE table_schema = current_schema()",
		"SELECT lower(table_type) || ' ' || table_name FROM information_schema.tables WHERE table_schema = currentDatabase()") {
		out = append(out, strings.TrimPrefix(r, "base "))
	}
	return append(out, listed(ctx, h,
		"SELECT 'sequence ' || sequence_name FROM duckdb_sequences() WHERE database_name = current_database() AND schema_name = current_schema()",
		"SELECT 'sequence ' || sequence_name FROM information_schema.sequences WHERE sequence_schema = current_schema()")...)
}

// listed runs the first of queries the database understands and returns
// its one column (none when it understands none).
func listed(ctx context.Context, h *dialect.Handle, queries ...string) []string {
	for _, q := range queries {
		rows, err := h.QueryContext(ctx, q)
		if err != nil {
			continue
		}
		var out []string
		for rows.Next() {
			var n string
			if rows.Scan(&n) == nil {
				out = append(out, n)
			}
		}
		rows.Close()
		return out
	}
	return nil
}

// applyPlan applies the plan's up files. One that fails on the sample rows
// (its own value check, SET NOT NULL on a NULL, a unique key on equal
// values) is a finding: the tables are made again without rows and the
// files applied to them, so that the schema is still proved (stopped is
// then true); failing there is a bug.
func (p *prover) applyPlan() (stopped bool, err error) {
	err = p.apply(p.in.Plan, false)
	var bug *Bug
	if err == nil || len(p.tables) == 0 || !errors.As(err, &bug) {
		p.pass("up: the sample rows go through", "")
		return false, err
	}
	why := firstLine(origError(bug.Err).Error())
	if g := guardMessage(bug.Err); g != "" {
		why = "as its check says: " + g
	}
	p.fail("up: the sample rows go through", why)
	p.r.Notes = append(p.r.Notes, "up: "+bug.File+" stops on the sample rows, "+why+" (on the live database it stops where rows like that are, and changes nothing)")
	// the tables are made again without rows (DuckDB's ALTER TYPE still
	// converts the values of deleted rows, so DELETE would not do)
	if err := p.empty(); err != nil {
		return true, err
	}
	if _, err := p.prepare(); err != nil || p.r.Skipped != "" {
		return true, err
	}
	p.tables = nil
	if err := p.apply(p.in.Plan, false); err != nil {
		// it fails on empty tables too: not the rows' doing
		p.r.Notes = p.r.Notes[:len(p.r.Notes)-1]
		p.r.Checks = p.r.Checks[:len(p.r.Checks)-1]
		return true, err
	}
	return true, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// guardMarker starts the message of every check mxmigrate writes into a
// file (a value that would not convert, rows a rebuild would merge).
const guardMarker = "mxmigrate: "

// down applies the plan's down files (last first) and checks that the
// schema, and the values of the columns that can be restored, are back.
func (p *prover) down(before *schema.Schema, rowsBefore map[string]*tableRows) (restored bool, err error) {
	var downs []File
	for i := len(p.in.Plan) - 1; i >= 0; i-- {
		downs = append(downs, File{Name: strings.Replace(p.in.Plan[i].Name, ".up.", ".down.", 1), Up: p.in.Plan[i].Down})
	}
	if err := p.apply(downs, true); err != nil {
		return false, err
	}
	back, err := p.inspect()
	if err != nil {
		return false, err
	}
	if cs, _ := diff.Plan(back, before, p.in.Policy); len(cs) > 0 {
		if !p.in.Lint {
			// generate's down files are mxmigrate's own: one that does not
			// undo its up is a bug, not a finding to allow
			return false, &Bug{Check: "the schema after down is the one before", File: "down",
				Err: fmt.Errorf("the down files do not restore the schema (getting back would still take: %s)", summaries(cs))}
		}
		p.fail("down: the schema is back", summaries(cs))
		p.r.Checks = append(p.r.Checks, Check{Name: "up again after down", Result: "skipped", Detail: "down did not restore the schema"})
		p.r.Findings = append(p.r.Findings, "the down files do not restore the schema (getting back would still take: "+summaries(cs)+")")
		return false, nil
	}
	p.pass("down: the schema is back", "")
	p.compareRows("down", p.tables, rowsBefore, back, true)
	return true, nil
}

func (p *prover) pass(name, detail string) {
	p.r.Checks = append(p.r.Checks, Check{Name: name, Result: "pass", Detail: detail})
}

func (p *prover) fail(name, detail string) {
	p.r.Checks = append(p.r.Checks, Check{Name: name, Result: "fail", Detail: detail})
}

// apply runs files on the dev database through the dialect's golang-migrate
// driver, as up runs them. A failure is a Bug (or, for the directory's own
// files, the caller's to report).
func (p *prover) apply(files []File, down bool) error {
	return withDriver(p.ctx, p.in.Dialect, p.in.Dev, p.in.MigrationsTable, func(drv database.Driver) error {
		f, err := runAll(drv, files)
		if err == nil {
			return nil
		}
		check := "up applies"
		if down {
			check = "down applies"
		}
		return &Bug{Check: check, File: f.Name, Err: statementError(err)}
	})
}

// withDriver runs fn on the dialect's golang-migrate driver for dev.
func withDriver(ctx context.Context, d dialect.Dialect, dev dialect.Store, migrationsTable string, fn func(database.Driver) error) error {
	h, err := dev.Open(ctx, dialect.OpenOptions{})
	if err != nil {
		return err
	}
	drv, err := d.MigrateDriver(h, migrationsTable)
	if err != nil {
		return err
	}
	defer drv.Close()
	return fn(drv)
}

// runAll runs files' up bodies through drv, as up runs them, and returns
// the one that fails.
func runAll(drv database.Driver, files []File) (File, error) {
	for _, f := range files {
		if err := drv.Run(bytes.NewReader(f.Up)); err != nil {
			return f, err
		}
	}
	return File{}, nil
}

// statementError is err with the statement golang-migrate's driver names.
func statementError(err error) error {
	var de *database.Error
	if e, ok := err.(*database.Error); ok {
		de = e
	} else if e, ok := err.(database.Error); ok {
		de = &e
	}
	if de != nil && len(de.Query) > 0 {
		return fmt.Errorf("%w\n  statement: %s", err, strings.TrimSpace(string(de.Query)))
	}
	return err
}

// inspect reads the dev database's tables in scope.
func (p *prover) inspect() (*schema.Schema, error) {
	s, err := p.in.Dialect.Inspect(p.ctx, p.h, p.in.Scope)
	if err != nil {
		return nil, fmt.Errorf("introspect the dev database: %w", err)
	}
	out := &schema.Schema{}
	for _, t := range s.Tables {
		if t.Name != p.in.MigrationsTable {
			out.Tables = append(out.Tables, t)
		}
	}
	out.Sort()
	return out, nil
}

// fill puts sample rows into every existing table the plan touches.
func (p *prover) fill(before *schema.Schema) {
	// before holds the tables in scope only: those the plan changes or
	// drops (touched), or, for lint, every table
	var skipped []string
	for _, t := range before.Tables {
		n := t.Name
		if why := p.noRows[n]; why != "" {
			skipped = append(skipped, n+": "+why)
			continue
		}
		var key []string
		if !p.in.Lint {
			key = newKey(t, p.in.Target.Table(n))
		}
		qs, why := sampleInserts(t, key, p.in.Dialect.Quote, p.in.Dialect.TypeSQL)
		if qs == nil {
			skipped = append(skipped, n+": "+why)
			continue
		}
		rows := len(qs)
		if _, err := p.h.ExecContext(p.ctx, allRows(qs)); err != nil {
			// one row at a time: those a live constraint refuses are left out
			rows = 0
			for _, q := range qs {
				if _, err := p.h.ExecContext(p.ctx, q); err == nil {
					rows++
				}
			}
		}
		if rows == 0 {
			skipped = append(skipped, n+": the table refuses every sample row")
			continue
		}
		p.tables = append(p.tables, t)
		p.r.SampleRows += rows
	}
	detail := fmt.Sprintf("%d table(s), %d rows", len(p.tables), p.r.SampleRows)
	if len(skipped) > 0 {
		// what those tables do to rows is not proved: the check says so
		p.r.Checks = append(p.r.Checks, Check{Name: "sample rows", Result: "skipped", Detail: detail + "; none in " + strings.Join(skipped, "; ")})
		return
	}
	p.pass("sample rows", detail)
}

func summaries(cs []diff.Change) string {
	var out []string
	for i, c := range cs {
		if i == 3 {
			out = append(out, fmt.Sprintf("and %d more", len(cs)-3))
			break
		}
		out = append(out, c.Summary())
	}
	return strings.Join(out, "; ")
}

// withoutObjects is s without what mxmigrate does not model (which the live
// database may have and the directory's files do not make).
func withoutObjects(s *schema.Schema) *schema.Schema {
	out := &schema.Schema{}
	for _, t := range s.Tables {
		c := t.Clone()
		c.Objects = nil
		out.Tables = append(out.Tables, c)
	}
	return out
}

// guardMessage is the message of mxmigrate's value check that err reports
// ("" when it is another error): from the marker to the end of its line,
// without the driver's wrapping.
func guardMessage(err error) string {
	s := origError(err).Error()
	i := strings.Index(s, guardMarker)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.IndexAny(s, "\n"); j >= 0 {
		s = s[:j]
	}
	if j := strings.Index(s, ": while executing "); j >= 0 {
		s = s[:j] // ClickHouse's account of where throwIf ran
	}
	s = strings.TrimSuffix(strings.TrimSpace(s), ")") + " "
	// the check ends its message with the value that failed
	if k := strings.LastIndex(s, "rolled back: "); k >= 0 {
		v := strings.TrimSuffix(s[k+len("rolled back: "):], " ")
		s = s[:k+len("rolled back")] + ", on the value " + quoteValue(&v)
	}
	return strings.TrimSpace(s)
}

// touched limits live and target to the tables the plan changes, creates
// or drops, and names them (the scope of every introspection): the other
// tables are not the plan's, and the proof's cost follows the change, not
// the project.
func touched(live, target *schema.Schema) (*schema.Schema, *schema.Schema, []string) {
	lt, tt := live.Index(), target.Index()
	var names []string
	for n, t := range tt {
		if l := lt[n]; l == nil || len(diff.Compare(&schema.Schema{Tables: []*schema.Table{l}}, &schema.Schema{Tables: []*schema.Table{t}})) > 0 {
			names = append(names, n)
		}
	}
	for n := range lt {
		if tt[n] == nil {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	pick := func(idx map[string]*schema.Table) *schema.Schema {
		out := &schema.Schema{}
		for _, n := range names {
			if t := idx[n]; t != nil {
				out.Tables = append(out.Tables, t)
			}
		}
		return out
	}
	return pick(lt), pick(tt), names
}

// planRenames are the columns the plan's up files rename (as lint reads
// them from a file): their values are compared under the new names.
func planRenames(files []File, before, after *schema.Schema) map[string]string {
	var stmts []sqltext.Stmt
	for _, f := range files {
		stmts = append(stmts, sqltext.Split(string(f.Up))...)
	}
	return renames(stmts, diff.Compare(before, after))
}

// Replay applies files to an empty dev database through the dialect's
// golang-migrate driver and records the last one's version as applied,
// as up leaves a database (generate --offline plans against it).
func Replay(ctx context.Context, d dialect.Dialect, dev dialect.Store, migrationsTable string, files []File, version int) error {
	if len(files) == 0 {
		return nil
	}
	return withDriver(ctx, d, dev, migrationsTable, func(drv database.Driver) error {
		if f, err := runAll(drv, files); err != nil {
			return fmt.Errorf("%s: %w", f.Name, statementError(err))
		}
		return drv.SetVersion(version, false)
	})
}

// newKey is the key (primary key, or the columns of a sorting key) that
// the plan gives the live table t where it differs from t's, nil
// otherwise.
func newKey(t, target *schema.Table) []string {
	if target == nil {
		return nil
	}
	key := func(x *schema.Table) []string {
		if x.Storage != nil && len(x.Storage.OrderBy) > 0 {
			return x.Storage.OrderBy
		}
		if x.PrimaryKey != nil {
			return x.PrimaryKey.Columns
		}
		return nil
	}
	from, to := key(t), key(target)
	if len(to) == 0 || strings.Join(from, "\x00") == strings.Join(to, "\x00") {
		return nil
	}
	return to
}

// cause is what went wrong in err, without a Bug's advice: where the proof
// is skipped, the plan is still written.
func cause(err error) error {
	var b *Bug
	if errors.As(err, &b) {
		return fmt.Errorf("%s: %s", b.File, firstLine(b.Err.Error()))
	}
	return err
}

// origError is the database's own error in err (golang-migrate's drivers
// wrap it, by pointer or by value), or err.
func origError(err error) error {
	var dp *database.Error
	if errors.As(err, &dp) && dp.OrigErr != nil {
		return dp.OrigErr
	}
	var dv database.Error
	if errors.As(err, &dv) && dv.OrigErr != nil {
		return dv.OrigErr
	}
	return err
}
