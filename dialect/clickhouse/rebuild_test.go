package clickhouse

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/plan"
	"github.com/mxmigrate/mxmigrate/schema"
)

// planTo is what generate does for one table: read it (and its scratch
// table) from the database, compare with target, annotate, render.
func planTo(t *testing.T, d Dialect, h *dialect.Handle, target *schema.Table) ([]diff.Change, []plan.Statement, error) {
	t.Helper()
	live, err := d.Inspect(context.Background(), h, []string{target.Name})
	if err != nil {
		t.Fatal(err)
	}
	after := &schema.Schema{Tables: []*schema.Table{target}}
	cs := diff.Compare(live, after)
	dialect.Annotate(d, cs, live)
	st, err := d.Render(cs, live, diff.Apply(live, cs))
	return cs, st, err
}

// run runs statements until one fails; n < 0 runs them all.
func run(h *dialect.Handle, st []plan.Statement, n int) error {
	for i, s := range st {
		if n >= 0 && i >= n {
			return nil
		}
		if _, err := h.ExecContext(context.Background(), s.SQL); err != nil {
			return err
		}
	}
	return nil
}

func count(t *testing.T, h *dialect.Handle, q string) int64 {
	t.Helper()
	var n int64
	if err := h.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func exec(t *testing.T, h *dialect.Handle, q string) {
	t.Helper()
	if _, err := h.ExecContext(context.Background(), q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func kv(name, engine string, order ...string) *schema.Table {
	return &schema.Table{Name: name, Columns: []*schema.Column{{Name: "k", Type: schema.Int64}, {Name: "v", Type: schema.Int64}},
		Storage: &schema.Storage{Engine: engine, OrderBy: order}}
}

// TestRebuildScratchExists: a table named like a rebuild's scratch table
// (made by hand, 500 rows) is never dropped. generate refuses at plan time
// (Inspect reads it beside the table), and a file rendered before it
// appeared stops at its first statement, naming it, before it changes
// anything. The file's own leftover (a run that failed part-way, before or
// after EXCHANGE TABLES) is recognised by its mark and a run again converges.
//
// It is long because it is one scenario on a real engine, step after step.
func TestRebuildScratchExists(t *testing.T) {
	ctx := context.Background()
	d := Dialect{}
	h, err := newStore(t, d).Open(ctx, dialect.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	from := kv("r", "MergeTree", "k", "v")
	if _, st, err := planTo(t, d, h, from); err != nil || run(h, st, -1) != nil {
		t.Fatal(err)
	}
	exec(t, h, "INSERT INTO r SELECT number, number FROM numbers(1000)")
	to := kv("r", "MergeTree", "v")
	// rendered while the scratch table does not exist
	_, file, err := planTo(t, d, h, to)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(file[0].SQL, "DROP") {
		t.Errorf("the file begins with %s", file[0].SQL)
	}
	exec(t, h, "CREATE TABLE r__mxmigrate_new (x String) ENGINE = MergeTree ORDER BY x")
	exec(t, h, "INSERT INTO r__mxmigrate_new SELECT toString(number) FROM numbers(500)")
	if _, _, err := planTo(t, d, h, to); err == nil || !strings.Contains(err.Error(), "through table r__mxmigrate_new, which exists in the database (500 rows)") {
		t.Errorf("plan with the scratch table there: %v", err)
	}
	if err := run(h, file, -1); err == nil || !strings.Contains(err.Error(), "mxmigrate: table r__mxmigrate_new exists and was not made by this file") {
		t.Errorf("file with the scratch table there: %v", err)
	}
	if n := count(t, h, "SELECT count() FROM r__mxmigrate_new"); n != 500 {
		t.Errorf("the scratch table made by hand has %d rows, want 500", n)
	}
	if n := count(t, h, "SELECT count() FROM r"); n != 1000 {
		t.Errorf("r has %d rows", n)
	}
	exec(t, h, "DROP TABLE r__mxmigrate_new SYNC")

	// the file's own leftovers: stopped after the copy, and after the exchange
	exchange := -1
	for i, s := range file {
		if strings.HasPrefix(s.SQL, "EXCHANGE TABLES") {
			exchange = i
		}
	}
	if exchange < 0 {
		t.Fatal("no EXCHANGE TABLES")
	}
	for _, stop := range []int{exchange - 1, exchange + 1} {
		if err := run(h, file, stop); err != nil {
			t.Fatal(err)
		}
		if err := run(h, file, -1); err != nil {
			t.Errorf("run again after %d statements: %v", stop, err)
		}
		if n := count(t, h, "SELECT count() FROM r"); n != 1000 {
			t.Errorf("after %d statements and a run again: r has %d rows", stop, n)
		}
		live, err := d.Inspect(ctx, h, []string{"r"})
		if err != nil {
			t.Fatal(err)
		}
		if got := live.Table("r"); got.Storage.Unmodeled != nil || !diff.SameStorage(got.Storage, to.Storage) {
			t.Errorf("after %d statements and a run again: %+v", stop, got.Storage)
		}
		if n := count(t, h, "SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = 'r__mxmigrate_new'"); n != 0 {
			t.Errorf("scratch table left")
		}
		// back to the first shape for the next round
		if _, st, err := planTo(t, d, h, from); err != nil || run(h, st, -1) != nil {
			t.Fatal(err)
		}
	}
}

// TestRebuildCollapse: a rebuild into an engine that merges rows sharing its
// sorting key, with a narrower ORDER BY, is destructive and says so; its
// file stops before EXCHANGE TABLES when the new table (FINAL) reads fewer
// rows, leaving the table as it was; accept_collapse = true lets it through.
//
// It is long because it is one scenario on a real engine, step after step.
func TestRebuildCollapse(t *testing.T) {
	ctx := context.Background()
	h, err := newStore(t, Dialect{}).Open(ctx, dialect.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	for _, engine := range []string{"ReplacingMergeTree", "SummingMergeTree", "AggregatingMergeTree"} {
		t.Run(engine, func(t *testing.T) {
			d := Dialect{}
			name := "c_" + strings.ToLower(engine)
			from := kv(name, "MergeTree", "k", "v")
			if _, st, err := planTo(t, d, h, from); err != nil || run(h, st, -1) != nil {
				t.Fatal(err)
			}
			exec(t, h, "INSERT INTO "+name+" SELECT number % 3000, number FROM numbers(100000)")
			to := kv(name, engine, "k")
			cs, file, err := planTo(t, d, h, to)
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != 1 || !strings.Contains(cs[0].Destructive(), "rows sharing the new sorting key (k) collapse (merge) into one under "+engine) {
				t.Errorf("plan: %q", cs[0].Destructive())
			}
			if err := run(h, file, -1); err == nil || !strings.Contains(err.Error(), "does not read the rows "+name+" reads") {
				t.Errorf("file: %v", err)
			}
			live, err := d.Inspect(ctx, h, []string{name})
			if err != nil {
				t.Fatal(err)
			}
			if st := live.Table(name).Storage; st.Engine != "MergeTree" || count(t, h, "SELECT count() FROM "+name) != 100000 {
				t.Errorf("table changed: %+v", st)
			}
			// the failed file left its copy: generate names it
			if _, _, err := planTo(t, d, h, to); err == nil || !strings.Contains(err.Error(), "left by a migration's rebuild that stopped part-way") {
				t.Errorf("plan with the leftover: %v", err)
			}
			exec(t, h, "DROP TABLE "+name+"__mxmigrate_new SYNC")
			// accepted: the rows collapse
			tuned, err := Dialect{}.Tune(map[string]any{"accept_collapse": true}, "ext.mxmigrate.clickhouse")
			if err != nil {
				t.Fatal(err)
			}
			d = tuned.(Dialect)
			cs, file, err = planTo(t, d, h, to)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(cs[0].Destructive(), "accepted (accept_collapse = true)") {
				t.Errorf("plan: %q", cs[0].Destructive())
			}
			if err := run(h, file, -1); err != nil {
				t.Fatal(err)
			}
			if n := count(t, h, "SELECT count() FROM "+name+" FINAL"); n != 3000 {
				t.Errorf("accepted collapse: %d rows, want 3000", n)
			}
		})
	}
	// every rebuild compares counts before EXCHANGE TABLES, plain ones too:
	// rows written to the table during the copy stop it
	from := kv("p", "MergeTree", "k")
	if _, st, err := planTo(t, Dialect{}, h, from); err != nil || run(h, st, -1) != nil {
		t.Fatal(err)
	}
	exec(t, h, "INSERT INTO p SELECT number, number FROM numbers(100)")
	_, file, err := planTo(t, Dialect{}, h, kv("p", "MergeTree", "v"))
	if err != nil {
		t.Fatal(err)
	}
	insert := -1
	for i, s := range file {
		if strings.HasPrefix(s.SQL, "INSERT INTO") {
			insert = i
		}
	}
	if insert < 0 || !strings.Contains(file[insert+1].SQL, "throwIf") || !strings.HasPrefix(file[insert+2].SQL, "EXCHANGE") {
		t.Fatalf("no count check between the copy and EXCHANGE TABLES: %v", file)
	}
	if err := run(h, file, insert+1); err != nil {
		t.Fatal(err)
	}
	exec(t, h, "INSERT INTO p VALUES (1000, 1000)")
	if err := run(h, file[insert+1:], -1); err == nil || !strings.Contains(err.Error(), "rows were written to p during the copy") {
		t.Errorf("rows written during the copy: %v", err)
	}
	if live, err := (Dialect{}).Inspect(ctx, h, []string{"p"}); err != nil || !diff.SameStorage(live.Table("p").Storage, from.Storage) {
		t.Errorf("p changed: %v", err)
	}
	// run again, the file converges (its leftover is its own)
	if err := run(h, file, -1); err != nil || count(t, h, "SELECT count() FROM p") != 101 {
		t.Errorf("run again: %v", err)
	}
}

// TestInspectManyNames: a scope of more names than a query may list (the
// names and their rebuilds' work tables pass max_query_size) reads exactly
// the tables asked for, scratch tables reported on their table.
func TestInspectManyNames(t *testing.T) {
	d := Dialect{}
	h, err := newStore(t, d).Open(context.Background(), dialect.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	for _, q := range []string{
		"CREATE TABLE asked_" + strings.Repeat("x", 40) + " (k String) ENGINE = MergeTree ORDER BY k",
		"CREATE TABLE other (k String) ENGINE = MergeTree ORDER BY k",
		"CREATE TABLE asked_" + strings.Repeat("x", 40) + tmpName("") + " (k String) ENGINE = MergeTree ORDER BY k",
	} {
		if _, err := h.ExecContext(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	names := []string{"asked_" + strings.Repeat("x", 40)}
	for i := 0; len(names) < 4000; i++ {
		names = append(names, fmt.Sprintf("absent_%04d_%s", i, strings.Repeat("y", 60)))
	}
	got, err := d.Inspect(context.Background(), h, names)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Tables) != 1 || got.Tables[0].Name != names[0] || len(got.Tables[0].Columns) != 1 || len(got.Tables[0].Storage.Unmodeled) == 0 {
		t.Fatalf("inspect of %d names: %+v", len(names), got.Tables)
	}
}
