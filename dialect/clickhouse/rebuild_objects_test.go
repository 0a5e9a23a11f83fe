package clickhouse

import (
	"context"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/plan"
	"github.com/mxmigrate/mxmigrate/schema"
)

// planFiles is what generate writes for one table under the default policy
// (unmanaged objects kept): the changes, annotated, and the up and down
// statements.
func planFiles(t *testing.T, d Dialect, h *dialect.Handle, target *schema.Table) ([]diff.Change, []plan.Statement, []plan.Statement) {
	t.Helper()
	live, err := d.Inspect(context.Background(), h, []string{target.Name})
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := diff.Plan(live, &schema.Schema{Tables: []*schema.Table{target}}, diff.Policy{})
	dialect.Annotate(d, cs, live)
	steps, err := dialect.PlanFiles(d, cs, live, diff.Apply(live, cs), live)
	if err != nil {
		t.Fatal(err)
	}
	return cs, steps[0].Up, steps[0].Down
}

func showCreate(t *testing.T, h *dialect.Handle, table string) string {
	t.Helper()
	var s string
	if err := h.QueryRowContext(context.Background(), "SHOW CREATE TABLE "+table).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func rRows(t *testing.T, h *dialect.Handle) string {
	t.Helper()
	var s string
	if err := h.QueryRowContext(context.Background(), "SELECT toString((count(), sum(k), sum(v), sum(w), countIf(s = 'x'))) FROM r").Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRebuildKeepsUnmanagedObjects: a table with a projection, a CHECK, a
// data-skipping index, a MATERIALIZED column (its stored values older than
// its expression), a DEFAULT, a column comment and codec, a setting, a TTL
// and a comment, all made by hand, changes its ORDER BY: the rebuilt table
// has every one of them, the same rows and stored values; the plan names
// nothing as lost; down gives the table back exactly, with its rows.
//
// It is long because it is one scenario on a real engine, step after step.
func TestRebuildKeepsUnmanagedObjects(t *testing.T) {
	ctx := context.Background()
	d := Dialect{}
	h, err := newStore(t, d).Open(ctx, dialect.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	table := func(order ...string) *schema.Table {
		return &schema.Table{Name: "r", Columns: []*schema.Column{{Name: "k", Type: schema.Int64}, {Name: "v", Type: schema.Int64},
			{Name: "w", Type: schema.Int64}, {Name: "s", Type: schema.String}}, Storage: &schema.Storage{Engine: "MergeTree", OrderBy: order}}
	}
	if _, up, _ := planFiles(t, d, h, table("k")); run(h, up, -1) != nil {
		t.Fatal("create r")
	}
	for _, q := range []string{
		"ALTER TABLE r MODIFY COLUMN w Int64 MATERIALIZED v * 2",
		"ALTER TABLE r MODIFY COLUMN s String DEFAULT 'x'",
		"ALTER TABLE r COMMENT COLUMN v 'counted by hand'",
		"ALTER TABLE r MODIFY COLUMN v Int64 CODEC(ZSTD(1))",
		"ALTER TABLE r ADD PROJECTION pj_by_v (SELECT * ORDER BY v)",
		"ALTER TABLE r ADD CONSTRAINT ck_v CHECK v >= 0",
		"ALTER TABLE r ADD INDEX ix_by_hand lower(s) TYPE bloom_filter GRANULARITY 2",
		"ALTER TABLE r MODIFY SETTING min_bytes_for_wide_part = 1",
		"ALTER TABLE r MODIFY TTL toDateTime('2100-01-01 00:00:00') + toIntervalSecond(k)",
		"ALTER TABLE r MODIFY COMMENT 'made by hand'",
		"INSERT INTO r (k, v) SELECT number, number FROM numbers(100)",
		// stored values v * 2 stay; new rows would get v * 3
		"ALTER TABLE r MODIFY COLUMN w Int64 MATERIALIZED v * 3",
	} {
		exec(t, h, q)
	}
	before, rows := showCreate(t, h, "r"), rRows(t, h)
	if rows != "(100,4950,4950,9900,100)" {
		t.Fatalf("rows %s", rows)
	}
	cs, up, down := planFiles(t, d, h, table("v"))
	var file []string
	for _, s := range up {
		file = append(file, s.SQL)
	}
	for _, c := range cs {
		if why := c.Destructive(); strings.Contains(why, "cannot have") {
			t.Errorf("nothing is lost, yet: %s", why)
		}
	}
	if len(cs) != 1 || cs[0].Kind != diff.AlterStorage {
		t.Fatalf("changes: %v", cs)
	}
	if err := run(h, up, -1); err != nil {
		t.Fatalf("up: %v\n%s", err, strings.Join(file, "\n"))
	}
	want := strings.Replace(before, "ORDER BY k", "ORDER BY v", 1)
	if got := showCreate(t, h, "r"); got != want {
		t.Errorf("after the rebuild:\n%s\nwant:\n%s\nfile:\n%s", got, want, strings.Join(file, "\n"))
	}
	if got := rRows(t, h); got != rows {
		t.Errorf("after the rebuild the rows read %s, want %s", got, rows)
	}
	if n := count(t, h, "SELECT count() FROM system.projection_parts WHERE database = currentDatabase() AND table = 'r' AND name = 'pj_by_v' AND active"); n == 0 {
		t.Error("the copied rows have no projection part")
	}
	if err := run(h, down, -1); err != nil {
		t.Fatalf("down: %v", err)
	}
	if got := showCreate(t, h, "r"); got != before {
		t.Errorf("after down:\n%s\nwant:\n%s", got, before)
	}
	if got := rRows(t, h); got != rows {
		t.Errorf("after down the rows read %s, want %s", got, rows)
	}
}

// TestRebuildNamesWhatItLoses: a rebuild that drops a column cannot keep a
// CHECK, a data-skipping index and a MATERIALIZED expression that refer to
// it: the plan line names each and why; the rest is carried.
func TestRebuildNamesWhatItLoses(t *testing.T) {
	d := Dialect{}
	h, err := newStore(t, d).Open(context.Background(), dialect.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	cols := []*schema.Column{{Name: "k", Type: schema.Int64}, {Name: "v", Type: schema.Int64}, {Name: "w", Type: schema.Int64}, {Name: "s", Type: schema.String}}
	tbl := &schema.Table{Name: "r", Columns: cols, Storage: &schema.Storage{Engine: "MergeTree", OrderBy: []string{"k"}}}
	if _, up, _ := planFiles(t, d, h, tbl); run(h, up, -1) != nil {
		t.Fatal("create r")
	}
	for _, q := range []string{
		"ALTER TABLE r MODIFY COLUMN w Int64 MATERIALIZED length(s)",
		"ALTER TABLE r ADD CONSTRAINT ck_s CHECK length(s) < 10",
		"ALTER TABLE r ADD CONSTRAINT ck_v CHECK v >= 0",
		"ALTER TABLE r ADD INDEX ix_s lower(s) TYPE bloom_filter GRANULARITY 2",
		"INSERT INTO r (k, v, s) SELECT number, number, 'abc' FROM numbers(10)",
	} {
		exec(t, h, q)
	}
	to := &schema.Table{Name: "r", Columns: cols[:3], Storage: &schema.Storage{Engine: "MergeTree", OrderBy: []string{"v"}}}
	cs, up, _ := planFiles(t, d, h, to)
	var lines []string
	for _, c := range cs {
		lines = append(lines, c.Destructive())
	}
	all := strings.Join(lines, "\n")
	for _, want := range []string{
		"check ck_s on r (CHECK length(s) < 10): it refers to column s, which the new table does not have",
		"materialized w on r (MATERIALIZED length(s)): it refers to column s",
		"index ix_s on r (lower(s) TYPE bloom_filter GRANULARITY 2): it refers to column s",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the plan does not say %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "ck_v") {
		t.Errorf("ck_v is carried, not lost:\n%s", all)
	}
	if err := run(h, up, -1); err != nil {
		t.Fatal(err)
	}
	got := showCreate(t, h, "r")
	if !strings.Contains(got, "CONSTRAINT ck_v CHECK v >= 0") || strings.Contains(got, "ck_s") || strings.Contains(got, "ix_s") || strings.Contains(got, "MATERIALIZED") {
		t.Errorf("after the rebuild:\n%s", got)
	}
	if n := count(t, h, "SELECT sum(w) FROM r"); n != 30 {
		t.Errorf("w's stored values are not kept: sum %d, want 30", n)
	}
}

// TestCollapseOutSaysDuplicatesShow: a rebuild out of an engine that merges
// rows sharing its sorting key into MergeTree says that the rows not merged
// yet are copied as they are (duplicates FINAL hid show); into it, not.
func TestCollapseOutSaysDuplicatesShow(t *testing.T) {
	d := Dialect{}
	const says = "rows of ReplacingMergeTree that share its sorting key and are not merged yet are copied as they are: duplicates that FINAL (or the merges) hid become visible under MergeTree"
	for _, tc := range []struct {
		from, to string
		want     bool
	}{{"ReplacingMergeTree", "MergeTree", true}, {"MergeTree", "ReplacingMergeTree", false}} {
		before := &schema.Schema{Tables: []*schema.Table{kv("r", tc.from, "k")}}
		cs := diff.Compare(before, &schema.Schema{Tables: []*schema.Table{kv("r", tc.to, "k")}})
		dialect.Annotate(d, cs, before)
		if len(cs) != 1 || strings.Contains(cs[0].Destructive(), says) != tc.want {
			t.Errorf("%s to %s: %v", tc.from, tc.to, cs)
		}
	}
}
