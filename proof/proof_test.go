package proof

import (
	"errors"
	"strings"
	"testing"

	"github.com/golang-migrate/migrate/v4/database"

	"github.com/mxmigrate/mxmigrate/schema"
)

func TestGuardMessage(t *testing.T) {
	orig := errors.New("Invalid Input Error: mxmigrate: a value of t.c does not convert from VARCHAR to BIGINT and back unchanged, so the migration is rolled back: 007")
	err := &database.Error{OrigErr: orig, Err: "migration failed (rolled back)", Query: []byte("SELECT error(...)")}
	if got := guardMessage(err); got != "mxmigrate: a value of t.c does not convert from VARCHAR to BIGINT and back unchanged, so the migration is rolled back, on the value '007'" {
		t.Errorf("got %q", got)
	}
	if guardMessage(errors.New("Conversion Error: Could not convert string '' to INT64")) != "" {
		t.Error("another error is no guard's")
	}
}

func TestAllRows(t *testing.T) {
	got := allRows([]string{`INSERT INTO "t" ("a") VALUES (1)`, `INSERT INTO "t" ("a") VALUES (2)`})
	if got != "INSERT INTO \"t\" (\"a\") VALUES\n(1),\n(2)" {
		t.Errorf("got %q", got)
	}
}

// TestDescribe: values that change are paired by the columns kept as they
// are; merges are said.
func TestDescribe(t *testing.T) {
	s := func(v string) *string { return &v }
	before := &tableRows{cols: []string{"id", "code"}, types: map[string]schema.Type{"id": schema.String, "code": schema.String},
		rows: [][]*string{{s("a"), s("007")}, {s("b"), s("7")}, {s("c"), nil}}}
	after := &tableRows{cols: []string{"id", "code"}, types: map[string]schema.Type{"id": schema.String, "code": schema.Int64},
		rows: [][]*string{{s("a"), s("7")}, {s("b"), s("7")}, {s("c"), nil}}}
	got := describe(before, after, 1, 1)
	if !strings.Contains(got, "'007' -> '7'") || !strings.Contains(got, "distinct values merge (3 distinct before, 2 after)") {
		t.Errorf("got %q", got)
	}
	if d := describe(before, before, 1, 1); d != "" {
		t.Errorf("the same values: %q", d)
	}
}

// TestTouched: only the tables the plan changes, creates or drops are in
// scope.
func TestTouched(t *testing.T) {
	col := func(n string, ty schema.Type) *schema.Column { return &schema.Column{Name: n, Type: ty} }
	live := &schema.Schema{Tables: []*schema.Table{
		{Name: "same", Columns: []*schema.Column{col("a", schema.String)}},
		{Name: "changed", Columns: []*schema.Column{col("a", schema.String)}},
		{Name: "dropped", Columns: []*schema.Column{col("a", schema.String)}},
	}}
	target := &schema.Schema{Tables: []*schema.Table{
		{Name: "same", Columns: []*schema.Column{col("a", schema.String)}},
		{Name: "changed", Columns: []*schema.Column{col("a", schema.Int64)}},
		{Name: "created", Columns: []*schema.Column{col("a", schema.String)}},
	}}
	l, tg, names := touched(live, target)
	if strings.Join(names, " ") != "changed created dropped" || len(l.Tables) != 2 || len(tg.Tables) != 2 {
		t.Errorf("names %v, live %d, target %d", names, len(l.Tables), len(tg.Tables))
	}
}

// TestSamplesAreDistinct: every type's samples tell rows apart (bool
// aside), so that keys over them hold.
func TestSamplesAreDistinct(t *testing.T) {
	for ty, vs := range samples {
		if len(vs) != sampleRows {
			t.Errorf("%s: %d samples", ty, len(vs))
		}
		seen := map[string]bool{}
		for _, v := range vs {
			if seen[v] && ty != schema.Bool {
				t.Errorf("%s: %q twice", ty, v)
			}
			seen[v] = true
		}
	}
}
