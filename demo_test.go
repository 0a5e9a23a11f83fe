package mxmigrate_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate"
	"github.com/mxmigrate/mxmigrate/config"
	_ "github.com/mxmigrate/mxmigrate/dialect/duckdb"
	"github.com/mxmigrate/mxmigrate/integration/itest"
)

// TestDemoMigrationsAreCurrent fails when the committed demo migrations
// (migrations/system, migrations/features) no longer produce the schema that
// the demo's metaxy.toml, metaxy.lock and definitions/ describe, or when a
// migration file was edited without `mxmigrate rehash`.
func TestDemoMigrationsAreCurrent(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"metaxy.toml", "metaxy.lock"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, f), b, 0o644)
	}
	itest.CopyTree(t, "definitions", filepath.Join(dir, "definitions"))
	itest.CopyTree(t, "migrations", filepath.Join(dir, "migrations"))
	p, err := mxmigrate.Load(config.Options{Path: filepath.Join(dir, "metaxy.toml"), Environ: []string{}}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
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
