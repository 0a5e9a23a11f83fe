package dialecttest

import (
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/internal/rowcmp"
	"github.com/mxmigrate/mxmigrate/schema"
)

func TestComparison(t *testing.T) {
	for _, c := range []struct {
		from, to schema.Type
		a, b     string
		ok, same bool
	}{
		{schema.Int64, schema.Int64, "5", "5", true, true},
		{schema.Int64, schema.Float64, "5", "5.0", true, true},
		{schema.Int64, schema.Float64, "9007199254740993", "9007199254740992.0", true, false},
		{schema.Float32, schema.Float64, "1.5", "1.5", true, true},
		{schema.Int64, schema.String, "5", "5", true, true},
		{schema.TimestampTZ, schema.String, "2020-01-01 00:00:01+00", "2020-01-01 00:00:00+00", true, false},
		{schema.Float64, schema.Int64, "", "", false, false},
		{schema.String, schema.Int64, "", "", false, false},
		{schema.Timestamp, schema.TimestampTZ, "", "", false, false},
		{schema.Date, schema.Timestamp, "", "", false, false},
	} {
		norm, ok := rowcmp.Comparison(c.from, c.to)
		if ok != c.ok {
			t.Errorf("%s -> %s: compared %v, want %v", c.from, c.to, ok, c.ok)
			continue
		}
		if ok && (norm(c.a) == norm(c.b)) != c.same {
			t.Errorf("%s -> %s: %q and %q equal %v, want %v", c.from, c.to, c.a, c.b, !c.same, c.same)
		}
	}
}

func text(vals ...string) []*string {
	out := make([]*string, len(vals))
	for i, v := range vals {
		if v != "NULL" {
			out[i] = &v
		}
	}
	return out
}

// TestSameValues: rows compare as multisets over the columns that survive;
// a changed value, a value turned NULL and a swap between rows fail, naming
// the column; order, dropped tables and dropped columns do not.
func TestSameValues(t *testing.T) {
	tbl := func(types map[string]schema.Type, cols []string, rows ...[]*string) *tableRows {
		return &tableRows{cols: cols, types: types, rows: rows}
	}
	types := map[string]schema.Type{"id": schema.String, "at": schema.TimestampTZ, "n": schema.Int64}
	before := snapshot{"v": tbl(types, []string{"id", "at", "n"}, text("a", "2020-01-01 00:00:01+00", "1"), text("b", "2020-01-01 00:00:02+00", "2")),
		"gone": tbl(types, []string{"id"}, text("x"))}
	wide := map[string]schema.Type{"id": schema.String, "at": schema.TimestampTZ, "n": schema.Float64}
	for _, c := range []struct {
		name  string
		after snapshot
		want  string // "" passes
	}{
		{"same rows, other order, widened, a column dropped, a table dropped", snapshot{"v": tbl(wide, []string{"n", "id"}, text("2.0", "b"), text("1", "a"))}, ""},
		{"truncated timestamp", snapshot{"v": tbl(types, []string{"id", "at", "n"}, text("a", "2020-01-01 00:00:00+00", "1"), text("b", "2020-01-01 00:00:00+00", "2"))}, "column v.at"},
		{"nulled", snapshot{"v": tbl(wide, []string{"id", "at", "n"}, text("a", "2020-01-01 00:00:01+00", "NULL"), text("b", "2020-01-01 00:00:02+00", "NULL"))}, "column v.n"},
		{"swapped between rows", snapshot{"v": tbl(types, []string{"id", "at", "n"}, text("a", "2020-01-01 00:00:01+00", "2"), text("b", "2020-01-01 00:00:02+00", "1"))}, "in table v"},
		{"table gone", snapshot{}, "table v is gone"},
	} {
		r := Record(t, func(tb testing.TB) { sameValues(tb, "step", before, c.after, nil, map[string]bool{"gone": true}) })
		msgs := strings.Join(r.Messages(), "\n")
		switch {
		case c.want == "" && r.Failed():
			t.Errorf("%s: failed: %s", c.name, msgs)
		case c.want != "" && (!r.Failed() || !strings.Contains(msgs, c.want) || !strings.Contains(msgs, ValuesDiffer)):
			t.Errorf("%s: want a failure naming %q, got %v: %s", c.name, c.want, r.Failed(), msgs)
		}
	}
	// after down: a column the up file converted with loss is not compared
	lossy := snapshot{"v": tbl(map[string]schema.Type{"id": schema.String, "at": schema.String, "n": schema.Int32}, []string{"id", "at", "n"})}
	down := snapshot{"v": tbl(types, []string{"id", "at", "n"}, text("a", "2020-01-01 00:00:01+00", "7"), text("b", "2020-01-01 00:00:02+00", "8"))}
	if r := Record(t, func(tb testing.TB) { sameValues(tb, "down", before, down, lossy, map[string]bool{"gone": true}) }); r.Failed() {
		t.Errorf("a column narrowed by up is compared after down: %v", r.Messages())
	}
	if r := Record(t, func(tb testing.TB) { sameValues(tb, "down", before, down, before, map[string]bool{"gone": true}) }); !r.Failed() {
		t.Error("a down that does not restore n passed")
	}
}
