package postgres

import (
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/plan"
	"github.com/mxmigrate/mxmigrate/schema"
)

// stepsOf plans before -> after with the dialect tuned by settings.
func stepsOf(t *testing.T, settings map[string]any, before, after *schema.Schema) []plan.Step {
	t.Helper()
	sd, err := Dialect{}.Tune(settings, "ext.mxmigrate.postgresql")
	if err != nil {
		t.Fatal(err)
	}
	cs := diff.Compare(before, after)
	steps, err := dialect.PlanFiles(sd, cs, before, diff.Apply(before, cs), before)
	if err != nil {
		t.Fatal(err)
	}
	return steps
}

func onlineFixture() (before, after *schema.Schema) {
	before = &schema.Schema{Tables: []*schema.Table{{Name: "t", Columns: []*schema.Column{
		{Name: "id", Type: schema.String, Nullable: true}, {Name: "v", Type: schema.Int64, Nullable: true}},
		Indexes: []*schema.Index{{Name: "old", Columns: []string{"v"}}}}}}
	after = &schema.Schema{Tables: []*schema.Table{{Name: "t", Columns: []*schema.Column{
		{Name: "id", Type: schema.String}, {Name: "v", Type: schema.Int64, Nullable: true}},
		PrimaryKey: &schema.PrimaryKey{Name: "t_pk", Columns: []string{"id"}},
		Indexes:    []*schema.Index{{Name: "new", Columns: []string{"id", "v"}}}}}}
	return before, after
}

func sqlOf(st plan.Step) string {
	var s []string
	for _, x := range st.Up {
		s = append(s, x.SQL)
	}
	return strings.Join(s, "\n")
}

// TestOnlineSteps: the order and shape of the files of an online plan.
func TestOnlineSteps(t *testing.T) {
	before, after := onlineFixture()
	steps := stepsOf(t, map[string]any{}, before, after)
	want := []struct {
		noTx  bool
		first string
	}{
		{true, `DROP INDEX CONCURRENTLY IF EXISTS "old";`},
		{false, `SET LOCAL lock_timeout = '5s';` + "\n" + `ALTER TABLE "t" ADD CONSTRAINT "t_id_not_null" CHECK ("id" IS NOT NULL) NOT VALID;`},
		{true, `CREATE UNIQUE INDEX CONCURRENTLY "t_pk" ON "t" ("id");`},
		{true, `CREATE INDEX CONCURRENTLY "new" ON "t" ("id", "v");`},
		{false, `SET LOCAL lock_timeout = '5s';` + "\n" + `ALTER TABLE "t" VALIDATE CONSTRAINT "t_id_not_null";`},
		{false, `SET LOCAL lock_timeout = '5s';` + "\n" + `ALTER TABLE "t" ALTER COLUMN "id" SET NOT NULL;` + "\n" + `ALTER TABLE "t" DROP CONSTRAINT "t_id_not_null";` + "\n" + `ALTER TABLE "t" ADD CONSTRAINT "t_pk" PRIMARY KEY USING INDEX "t_pk";`},
	}
	if len(steps) != len(want) {
		for _, s := range steps {
			t.Log(sqlOf(s))
		}
		t.Fatalf("%d files, want %d", len(steps), len(want))
	}
	for i, w := range want {
		if steps[i].NoTx != w.noTx || sqlOf(steps[i]) != w.first {
			t.Errorf("file %d: noTx %v\n%s\nwant noTx %v\n%s", i+1, steps[i].NoTx, sqlOf(steps[i]), w.noTx, w.first)
		}
		if w.noTx && (len(steps[i].Up) != 1 || len(steps[i].Down) != 1) {
			t.Errorf("file %d: a concurrent file holds one statement each way", i+1)
		}
	}
}

// TestOnlineOffAndNoLockTimeout: online_ddl = false writes one plain file;
// lock_timeout = false sets nothing; a bad duration is refused.
func TestOnlineOffAndNoLockTimeout(t *testing.T) {
	before, after := onlineFixture()
	steps := stepsOf(t, map[string]any{"online_ddl": false, "lock_timeout": "250ms"}, before, after)
	if len(steps) != 1 || steps[0].NoTx {
		t.Fatalf("online_ddl = false: %d files", len(steps))
	}
	got := sqlOf(steps[0])
	for _, want := range []string{"SET LOCAL lock_timeout = '250ms';", `DROP INDEX IF EXISTS "old";`, `SET NOT NULL`, `ADD CONSTRAINT "t_pk" PRIMARY KEY ("id")`, `CREATE INDEX "new"`} {
		if !strings.Contains(got, want) {
			t.Errorf("online_ddl = false lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "CONCURRENTLY") || strings.Contains(got, "NOT VALID") {
		t.Errorf("online_ddl = false wrote an online form:\n%s", got)
	}
	for _, off := range []any{false, "0", int64(0)} {
		for _, st := range stepsOf(t, map[string]any{"lock_timeout": off}, before, after) {
			if strings.Contains(sqlOf(st), "lock_timeout") {
				t.Errorf("lock_timeout = %v still sets it", off)
			}
		}
	}
	for _, bad := range []any{"5 seconds", "1s; DROP TABLE t", true, 1.5, "1us", "99999999999s", "25d"} {
		if _, err := (Dialect{}).Tune(map[string]any{"lock_timeout": bad}, "x"); err == nil {
			t.Errorf("lock_timeout = %v accepted", bad)
		}
	}
}
