package itest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate"
	"github.com/mxmigrate/mxmigrate/internal/testhook"
)

// Sabotage is one corruption of a plan's rendered SQL (through
// testhook.RewriteStatement) and what generate's refusal must name.
type Sabotage struct {
	Name    string
	Rewrite func(direction, sql string) string
	Want    string
}

// DownSwapped is the sabotage every dialect shares: down files that do
// nothing.
var DownSwapped = Sabotage{Name: "down swapped", Rewrite: func(dir, sql string) string {
	if dir == "down" {
		return "SELECT 1;"
	}
	return sql
}, Want: "the down files do not restore the schema"}

// RefusesSabotage runs, for each case, setup (a project whose next plan is
// a change called "retype", and the directory generate writes it to), then
// generate with the rewrite in place and --allow-destructive: it must fail
// naming Want, and write nothing.
func RefusesSabotage(t *testing.T, cases []Sabotage, setup func(t *testing.T) (*mxmigrate.Project, *mxmigrate.Env, string)) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			p, env, dir := setup(t)
			testhook.RewriteStatement = func(_, direction, sql string) string { return c.Rewrite(direction, sql) }
			defer func() { testhook.RewriteStatement = nil }()
			_, err := p.Generate(context.Background(), env, mxmigrate.GenerateOptions{Message: "retype", AllowDestructive: true})
			if err == nil || !strings.Contains(err.Error(), c.Want) {
				t.Fatalf("want a refusal naming %q, got %v", c.Want, err)
			}
			if m, _ := filepath.Glob(filepath.Join(dir, "*retype*")); len(m) != 0 {
				t.Errorf("a sabotaged plan wrote %v", m)
			}
		})
	}
}
