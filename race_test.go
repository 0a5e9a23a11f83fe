package mxmigrate

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/dialect"
	_ "github.com/mxmigrate/mxmigrate/dialect/duckdb"
	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/internal/testhook"
)

// raceProject is a DuckDB project whose features directory holds two
// recorded migrations: 1 creates table a, 2 creates table b.
func raceProject(t *testing.T) (*Project, *Env) {
	t.Helper()
	dir := t.TempDir()
	cfg := "project = \"p\"\n[stores.dev]\ntype = \"metaxy.ext.duckdb.DuckDBMetadataStore\"\nconfig = { database = \"r.duckdb\" }\n"
	if err := os.WriteFile(filepath.Join(dir, "metaxy.toml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Load(config.Options{Path: filepath.Join(dir, "metaxy.toml"), Environ: []string{}}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	env, err := p.Environment("dev:metaxy_features")
	if err != nil {
		t.Fatal(err)
	}
	for i, tbl := range []string{"a", "b"} {
		_, err := generator.Write(env.Dir, generator.Migration{Name: "create_" + tbl,
			Up: []byte("CREATE TABLE " + tbl + " (x INTEGER);\n"), Down: []byte("DROP TABLE " + tbl + ";\n"),
			Creates: []string{tbl}, Identity: env.Identity(), BasedOn: uint64(i)})
		if err != nil {
			t.Fatal(err)
		}
	}
	return p, env
}

// TestConcurrentUpOnlyGoesUp: another `up` applies every migration (and a row
// lands in b) between this run's first look at the version and its lock.
// This run must decide under the lock: apply nothing, never run b's down
// file, and say what happened instead of claiming the database is dirty.
func TestConcurrentUpOnlyGoesUp(t *testing.T) {
	p, env := raceProject(t)
	ctx := context.Background()
	raced := false
	testhook.BeforeLock = func() {
		if raced {
			return
		}
		raced = true
		if _, err := p.Up(ctx, env, 0, io.Discard); err != nil {
			t.Errorf("the other run: %v", err)
		}
		h, err := env.Conn.Open(ctx, dialect.OpenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close()
		if _, err := h.Exec("INSERT INTO b VALUES (42)"); err != nil {
			t.Fatal(err)
		}
	}
	defer func() { testhook.BeforeLock = nil }()
	var out bytes.Buffer
	applied, err := p.Up(ctx, env, 0, &out)
	if err != nil || len(applied) != 0 {
		t.Fatalf("the late run applied %v, err %v\n%s", applied, err, out.String())
	}
	for _, want := range []string{"another run moved the database from version none (nothing applied) to 2", "no pending migrations (at version 2)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "dirty") || strings.Contains(out.String(), "revert") {
		t.Errorf("output must not claim dirt or reverts:\n%s", out.String())
	}
	h, err := env.Conn.Open(ctx, dialect.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	var n int
	if err := h.QueryRow("SELECT count(*) FROM b").Scan(&n); err != nil || n != 1 {
		t.Fatalf("table b must keep its row (no down ran): %d %v", n, err)
	}
	st, err := p.Status(ctx, env)
	if err != nil || st.Version != 2 || st.Dirty {
		t.Errorf("status %+v %v", st, err)
	}
}
