package clickhouse

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/plan"
	"github.com/mxmigrate/mxmigrate/proof"
	"github.com/mxmigrate/mxmigrate/schema"
)

// file renders the plan from before to after as the one file generate
// writes, its statements passed through rewrite.
func file(t *testing.T, d Dialect, name string, before, after *schema.Schema, rewrite func(dir, sql string) string) proof.File {
	t.Helper()
	steps, err := d.Plan(diff.Compare(before, after), before, after)
	if err != nil {
		t.Fatal(err)
	}
	for i := range steps {
		for _, part := range []struct {
			dir   string
			stmts []plan.Statement
		}{{"up", steps[i].Up}, {"down", steps[i].Down}} {
			for j := range part.stmts {
				part.stmts[j].SQL = rewrite(part.dir, part.stmts[j].SQL)
			}
		}
	}
	fs := generator.RenderSteps(generator.Header{Tool: "t", Environment: "e", Dialect: "clickhouse", Message: name}, steps)
	return proof.File{Name: name, Up: fs[0].Up, Down: fs[0].Down}
}

// TestProofCatchesSabotageClickHouse: a plan rewritten to drop a column's
// values, or whose down does nothing, is caught on a scratch database
// beside the live one in the chDB directory.
func TestProofCatchesSabotageClickHouse(t *testing.T) {
	d := Dialect{}
	live := newStore(t, d)
	col := func(n string, ty schema.Type, null bool) *schema.Column {
		return &schema.Column{Name: n, Type: ty, Nullable: null}
	}
	table := func(cols ...*schema.Column) *schema.Schema {
		return &schema.Schema{Tables: []*schema.Table{{Name: "clips", Columns: cols, PrimaryKey: &schema.PrimaryKey{Columns: []string{"k"}}}}}
	}
	v1 := table(col("k", schema.String, false), col("v", schema.Int64, true))
	v2 := table(col("k", schema.String, false), col("v", schema.Int64, true), col("w", schema.String, true))
	for _, s := range []*schema.Schema{v1, v2} {
		if _, _, err := d.Shape(s); err != nil {
			t.Fatal(err)
		}
	}
	same := func(_, sql string) string { return sql }
	init := file(t, d, "init", &schema.Schema{}, v1, same)
	cases := []struct {
		name    string
		rewrite func(dir, sql string) string
		want    string
	}{
		{"values dropped", func(dir, sql string) string {
			if dir == "up" && strings.Contains(sql, "ADD COLUMN") {
				return sql + "\nALTER TABLE `clips` UPDATE `v` = NULL WHERE 1 SETTINGS mutations_sync = 2;"
			}
			return sql
		}, "clips.v"},
		{"down swapped", func(dir, sql string) string {
			if dir == "down" {
				return "SELECT 1;"
			}
			return sql
		}, "the down files do not restore the schema"},
	}
	prove := func(t *testing.T, rewrite func(dir, sql string) string) (*proof.Report, error) {
		t.Helper()
		ctx := context.Background()
		dev, remove, err := d.Dev(ctx, live, "")
		if err != nil {
			t.Fatal(err)
		}
		defer remove()
		return proof.Run(ctx, proof.Input{Dialect: d, Dev: dev, Kind: "scratch", Existing: []proof.File{init},
			Live: v1, Target: v2, Plan: []proof.File{file(t, d, "w", v1, v2, rewrite)}})
	}
	t.Run("as planned", func(t *testing.T) {
		r, err := prove(t, same)
		if err != nil || len(r.Findings) != 0 || r.Skipped != "" || r.SampleRows == 0 {
			t.Fatalf("the plan as planned: %v %+v", err, r)
		}
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := prove(t, c.rewrite)
			var bug *proof.Bug
			got := ""
			if errors.As(err, &bug) {
				got = bug.Error()
			} else if err != nil {
				t.Fatal(err)
			} else {
				got = strings.Join(r.Findings, "\n")
			}
			if !strings.Contains(got, c.want) {
				t.Errorf("want %q in the proof's account, got:\n%s", c.want, got)
			}
		})
	}
}
