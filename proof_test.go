package mxmigrate_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate"
	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/internal/testhook"
	"github.com/mxmigrate/mxmigrate/proof"
)

// clipsProject is a DuckDB project with one feature (clip_id, fps float64,
// code string), its system and feature migrations generated and applied.
func clipsProject(t *testing.T) (*mxmigrate.Project, string) {
	t.Helper()
	dir := demoProject(t)
	writeClips(t, dir, "float64", "string")
	p := load(t, dir)
	ctx := context.Background()
	for _, name := range []string{"dev:metaxy_system", "dev:metaxy_features"} {
		env, err := p.Environment(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Generate(ctx, env, mxmigrate.GenerateOptions{Message: "init"}); err != nil {
			t.Fatal(err)
		}
		if _, err := p.Up(ctx, env, 0, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	return p, dir
}

func load(t *testing.T, dir string) *mxmigrate.Project {
	t.Helper()
	p, err := mxmigrate.Load(config.Options{Path: filepath.Join(dir, "metaxy.toml"), Environ: []string{}}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func writeClips(t *testing.T, dir, fps, code string, extra ...string) {
	t.Helper()
	os.MkdirAll(filepath.Join(dir, "definitions"), 0o755)
	def := `[[feature]]
key = "media/clips"
project = "media_pipeline"
id_columns = ["clip_id"]
  [[feature.column]]
  name = "clip_id"
  type = "string"
  [[feature.column]]
  name = "fps"
  type = "` + fps + `"
  nullable = true
  [[feature.column]]
  name = "code"
  type = "` + code + `"
  nullable = true
`
	for _, c := range extra {
		def += "  [[feature.column]]\n  name = \"" + c + "\"\n  type = \"int64\"\n  nullable = true\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "definitions", "clips.toml"), []byte(def), 0o644); err != nil {
		t.Fatal(err)
	}
}

// generate runs generate on the feature environment of the project in dir,
// as the CLI does (a fresh Project: what the definitions say now).
func generate(t *testing.T, dir string, o mxmigrate.GenerateOptions) (*mxmigrate.GenerateResult, error) {
	t.Helper()
	p := load(t, dir)
	env, err := p.Environment("dev:metaxy_features")
	if err != nil {
		t.Fatal(err)
	}
	return p.Generate(context.Background(), env, o)
}

func files(t *testing.T, dir string) int {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "migrations", "features", "*.up.sql"))
	return len(m)
}

// TestProofShowsWhatValuesDo: the conversions whose data loss shapes alone
// cannot show (a float rounded to an integer, '007' and '7' merged into
// one id) are findings of the proof, in the refusal and in the result,
// before anything is written.
func TestProofShowsWhatValuesDo(t *testing.T) {
	_, dir := clipsProject(t)
	writeClips(t, dir, "int64", "int64")
	before := files(t, dir)
	res, err := generate(t, dir, mxmigrate.GenerateOptions{Message: "retype"})
	var de *mxmigrate.DestructiveError
	if !errors.As(err, &de) {
		t.Fatalf("want a refusal, got %v", err)
	}
	if files(t, dir) != before {
		t.Fatal("a refused plan wrote a file")
	}
	if res == nil || res.Proof == nil || res.Proof.Skipped != "" {
		t.Fatalf("no proof: %+v", res)
	}
	all := strings.Join(res.Proof.Findings, "\n")
	for _, want := range []string{
		"media__clips.fps (float64 -> int64):", "'29.97' becomes '30'",
		"media__clips.code (string -> int64):", "'007' and '7' all become '7'",
	} {
		if !strings.Contains(all, want) || !strings.Contains(err.Error(), want) {
			t.Errorf("findings and refusal lack %q:\n%s", want, all)
		}
	}
	if res.Proof.SampleRows == 0 || !strings.HasPrefix(res.Proof.Dev, "duckdb::memory:") {
		t.Errorf("proof report: %+v", res.Proof)
	}
}

// TestProofPassesAGoodPlan: adding a column proves clean, and the file is
// written as without the proof (no header line); --no-proof says so in the
// file.
func TestProofPassesAGoodPlan(t *testing.T) {
	_, dir := clipsProject(t)
	writeClips(t, dir, "float64", "string", "width")
	res, err := generate(t, dir, mxmigrate.GenerateOptions{Message: "width", DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Proof == nil || len(res.Proof.Findings) != 0 || res.Proof.Skipped != "" || res.Proof.SampleRows == 0 {
		t.Fatalf("proof of an added column: %+v", res.Proof)
	}
	for _, c := range res.Proof.Checks {
		if c.Result != "pass" {
			t.Errorf("check %s: %s (%s)", c.Name, c.Result, c.Detail)
		}
	}
	if strings.Contains(string(res.Up), "-- proof:") {
		t.Error("a proved file carries no proof line")
	}
	res, err = generate(t, dir, mxmigrate.GenerateOptions{Message: "width", DryRun: true, NoProof: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(res.Up), "-- proof:       none (written with --no-proof") || res.Proof.Skipped == "" {
		t.Errorf("--no-proof: %s / %+v", res.Up, res.Proof)
	}
}

// TestProofCatchesSabotage: a plan rewritten to lose values, to make a
// column of another type than the target, or to leave the schema changed
// after down, is not written.
func TestProofCatchesSabotage(t *testing.T) {
	cases := []struct {
		name    string
		rewrite func(direction, sql string) string
		want    string // in the error
	}{
		{"values dropped", func(dir, sql string) string {
			if dir == "up" && strings.Contains(sql, "ADD COLUMN") {
				return sql + "\nUPDATE \"media__clips\" SET \"fps\" = NULL;"
			}
			return sql
		}, "media__clips.fps (float64 -> float64)"},
		{"type narrowed", func(dir, sql string) string {
			if dir == "up" {
				return strings.Replace(sql, `"width" BIGINT`, `"width" INTEGER`, 1)
			}
			return sql
		}, "the schema after up is the target"},
		{"down swapped", func(dir, sql string) string {
			if dir == "down" {
				return "SELECT 1;"
			}
			return sql
		}, "the down files do not restore the schema"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, dir := clipsProject(t)
			writeClips(t, dir, "float64", "string", "width")
			testhook.RewriteStatement = func(dialect, direction, sql string) string { return c.rewrite(direction, sql) }
			defer func() { testhook.RewriteStatement = nil }()
			before := files(t, dir)
			_, err := generate(t, dir, mxmigrate.GenerateOptions{Message: "width"})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want an error naming %q, got %v", c.want, err)
			}
			var bug *proof.Bug
			var de *mxmigrate.DestructiveError
			if !errors.As(err, &bug) && !errors.As(err, &de) {
				t.Errorf("neither a proof bug nor a refusal: %T", err)
			}
			if files(t, dir) != before {
				t.Error("a sabotaged plan was written")
			}
		})
	}
}

// TestLint: a generated directory lints clean; a hand-written file whose
// down does not restore the schema is a finding, and the manifest's view of
// a hand edit is too.
func TestLint(t *testing.T) {
	p, dir := clipsProject(t)
	writeClips(t, dir, "float64", "string", "width")
	if _, err := generate(t, dir, mxmigrate.GenerateOptions{Message: "width"}); err != nil {
		t.Fatal(err)
	}
	env, err := p.Environment("dev:metaxy_features")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r, err := p.Lint(ctx, env, "")
	if err != nil {
		t.Fatal(err)
	}
	if !r.Clean || len(r.Files) != 2 || r.Files[1].SampleRows == 0 {
		t.Fatalf("a generated directory: %+v", r)
	}
	feat := filepath.Join(dir, "migrations", "features")
	os.WriteFile(filepath.Join(feat, "000003_hand.up.sql"), []byte("ALTER TABLE media__clips ADD COLUMN x BIGINT;\n"), 0o644)
	os.WriteFile(filepath.Join(feat, "000003_hand.down.sql"), []byte("SELECT 1;\n"), 0o644)
	r, err = p.Lint(ctx, env, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Clean || r.Manifest == "" {
		t.Errorf("a file mxmigrate.sum does not record: %+v", r)
	}
	if err := p.Rehash(env); err != nil {
		t.Fatal(err)
	}
	r, err = p.Lint(ctx, env, "")
	if err != nil {
		t.Fatal(err)
	}
	last := r.Files[len(r.Files)-1]
	if r.Clean || r.Manifest != "" || last.File != "000003_hand.up.sql" || len(last.Findings) == 0 ||
		!strings.Contains(last.Findings[0], "the down files do not restore the schema") || !strings.Contains(last.Findings[0], "drop column media__clips.x") {
		t.Errorf("a down that does not restore: %+v", r)
	}
}

// TestOfflineMatchesOnline: generate --offline, planning against the
// committed files replayed on an in-memory DuckDB, writes the files an
// online generate writes when the live database is at the directory's head,
// without opening the live file.
func TestOfflineMatchesOnline(t *testing.T) {
	_, dir := clipsProject(t)
	writeClips(t, dir, "float64", "string", "width")
	online, err := generate(t, dir, mxmigrate.GenerateOptions{Message: "width", DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	live := filepath.Join(dir, "demo.duckdb")
	if err := os.Rename(live, live+".away"); err != nil {
		t.Fatal(err)
	}
	offline, err := generate(t, dir, mxmigrate.GenerateOptions{Message: "width", DryRun: true, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(live); !os.IsNotExist(err) {
		t.Error("--offline created or opened the live database file")
	}
	if string(online.Up) != string(offline.Up) || string(online.Down) != string(offline.Down) || len(online.Up) == 0 {
		t.Errorf("offline files differ from online ones:\n--- online\n%s\n--- offline\n%s", online.Up, offline.Up)
	}
}

// TestNamedDevURLMustWork: a dev database the user names that cannot be
// had is an error, and nothing is written (the proof is not skipped).
func TestNamedDevURLMustWork(t *testing.T) {
	_, dir := clipsProject(t)
	writeClips(t, dir, "float64", "string", "width")
	before := files(t, dir)
	_, err := generate(t, dir, mxmigrate.GenerateOptions{Message: "width", DevURL: "garbage"})
	if err == nil || !strings.Contains(err.Error(), "dev_url") {
		t.Fatalf("want an error naming dev_url, got %v", err)
	}
	if files(t, dir) != before {
		t.Error("a plan whose dev database could not be had was written")
	}
}
