package itest

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/generator"
)

// HandWritten drives `mxmigrate new` through the CLI (mx runs the binary in
// the project directory dir) for env, whose migrations are applied: the empty pair applies and reverts as a no-op; an edit is
// refused until rehash records it; lint reports the edit's deleteSQL (which
// deletes every row of table, in the dialect's SQL) until a DESTRUCTIVE
// comment right above it names the table (one at the end of the file does
// not count); then it applies.
//
// It is long because it is one scenario, step after step.
func HandWritten(t *testing.T, mx func(args ...string) Result, env, dir, table, deleteSQL string) {
	t.Helper()
	mx("new", "-n", env).Must(t, 2, "-m NAME")
	mx("new", "-n", env, "-m", "!!!").Must(t, 2, "letters or digits")
	r := mx("new", "-n", env, "-m", "backfill scores").Must(t, 0, "_backfill_scores.up.sql", "_backfill_scores.down.sql", "mxmigrate rehash -n "+env)
	first, _, _ := strings.Cut(r.Stdout, "\n")
	rel, ok := strings.CutPrefix(first, "wrote ")
	if !ok || !strings.HasSuffix(rel, "_backfill_scores.up.sql") {
		t.Fatalf("new's first line: %q", first)
	}
	up := filepath.Join(dir, rel)
	if body := Read(t, up); !strings.HasPrefix(body, generator.BlankMarker) || !strings.Contains(body, "-- environment: "+env) {
		t.Fatalf("the new up file:\n%s", body)
	}
	mx("up", "-n", env).Must(t, 0, "backfill_scores.up.sql")
	mx("down", "-n", env, "1").Must(t, 0, "backfill_scores.down.sql")

	Append(t, up, deleteSQL+"\n")
	if r := mx("up", "-n", env); r.Code == 0 || !strings.Contains(r.Stdout+r.Stderr, "rehash") {
		t.Fatalf("up ran an edit mxmigrate.sum does not record (exit %d):\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	mx("rehash", "-n", env).Must(t, 0)
	mx("lint", "-n", env).Must(t, 1, filepath.Base(up), "table "+table+" keeps 0 of", "-- DESTRUCTIVE: deletes rows of table "+table)

	// a comment that is not right above the statement accepts nothing
	Append(t, up, "-- DESTRUCTIVE: deletes rows of table "+table+"\n")
	mx("rehash", "-n", env).Must(t, 0)
	mx("lint", "-n", env).Must(t, 1, "table "+table+" keeps 0 of")
	Edit(t, up, func(s string) string {
		s = strings.Replace(s, "-- DESTRUCTIVE: deletes rows of table "+table+"\n", "", 1)
		return strings.Replace(s, deleteSQL, "-- DESTRUCTIVE: deletes rows of table "+table+"\n"+deleteSQL, 1)
	})
	mx("rehash", "-n", env).Must(t, 0)
	mx("lint", "-n", env).Must(t, 0, "accepted")
	mx("up", "-n", env).Must(t, 0, "backfill_scores.up.sql")
	mx("check", "-n", env).Must(t, 0, "in sync")
}
