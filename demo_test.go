package mxmigrate_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate"
	_ "github.com/mxmigrate/mxmigrate/dialect/duckdb"
	"github.com/mxmigrate/mxmigrate/integration/itest"
)

// TestDemoMigrationsAreCurrent fails when the committed demo migrations
// (migrations/system, migrations/features) no longer produce the schema that
// the demo's metaxy.toml, metaxy.lock and definitions/ describe, or when a
// migration file was edited without `mxmigrate rehash`.
func TestDemoMigrationsAreCurrent(t *testing.T) {
	dir := demoProject(t)
	itest.CopyTree(t, "migrations", filepath.Join(dir, "migrations"))
	p := load(t, dir)
	envs, err := p.Environments("dev")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, env := range envs {
		applied, err := p.Up(ctx, env, 0, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) == 0 {
			t.Fatalf("%s: no demo migrations", env.Name)
		}
		r, err := p.Check(ctx, env, mxmigrate.TargetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !r.InSync {
			var lines []string
			for _, c := range r.Comparison.Changes {
				lines = append(lines, c.Summary())
			}
			t.Errorf("%s: the committed demo migrations are stale; run `mxmigrate generate -n %s` at the repository root.\n%s",
				env.Name, env.Name, strings.Join(lines, "\n"))
		}
	}
}

// TestHandBuiltEnv: an Env a library caller builds from a resolved one's
// exported fields derives the same target and plans the same changes (what
// resolve derives once is derived on first use).
func TestHandBuiltEnv(t *testing.T) {
	p := load(t, demoProject(t))
	env, err := p.Environment("dev:metaxy_features")
	if err != nil {
		t.Fatal(err)
	}
	hand := &mxmigrate.Env{Name: env.Name, Target: env.Target, Store: env.Store, Dialect: env.Dialect, Conn: env.Conn, Dir: env.Dir, MigrationsTable: env.MigrationsTable}
	ctx := context.Background()
	want, err := p.Target(ctx, env, mxmigrate.TargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.Target(ctx, hand, mxmigrate.TargetOptions{})
	if err != nil {
		t.Fatalf("hand-built Env: %v", err)
	}
	if len(got.Tables) == 0 || len(got.Tables) != len(want.Tables) || got.Tables[0].Name != want.Tables[0].Name {
		t.Fatalf("hand-built Env: %d tables, resolved: %d", len(got.Tables), len(want.Tables))
	}
	a, err := p.Compare(ctx, env, mxmigrate.TargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.Compare(ctx, hand, mxmigrate.TargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Changes) == 0 || len(a.Changes) != len(b.Changes) {
		t.Errorf("changes: resolved %d, hand-built %d", len(a.Changes), len(b.Changes))
	}
}

// demoProject is a copy of the demo project (configuration, lock file,
// definitions; no migrations) in a temporary directory.
func demoProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"metaxy.toml", "metaxy.lock"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, f), b, 0o644)
	}
	itest.CopyTree(t, "definitions", filepath.Join(dir, "definitions"))
	return dir
}
