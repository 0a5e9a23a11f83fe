package mxmigrate_test

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
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

// TestProofReplaysWholeWhereTheCutFails: the proof replays only the
// statements of the touched tables; a hand-written statement that also
// needs a table the cut leaves out fails there, and the proof replays the
// directory whole instead of skipping or failing.
func TestProofReplaysWholeWhereTheCutFails(t *testing.T) {
	p, dir := clipsProject(t)
	env, err := p.Environment("dev:metaxy_features")
	if err != nil {
		t.Fatal(err)
	}
	feat := filepath.Join(dir, "migrations", "features")
	os.WriteFile(filepath.Join(feat, "000003_hand.up.sql"), []byte("UPDATE media__clips SET fps = fps WHERE EXISTS (SELECT 1 FROM media__videos);\n"), 0o644)
	os.WriteFile(filepath.Join(feat, "000003_hand.down.sql"), []byte("SELECT 1;\n"), 0o644)
	if err := p.Rehash(env); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(context.Background(), env, 0, io.Discard); err != nil {
		t.Fatal(err)
	}
	writeClips(t, dir, "float64", "string", "width")
	res, err := generate(t, dir, mxmigrate.GenerateOptions{Message: "width", DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Proof == nil || res.Proof.Skipped != "" || len(res.Proof.Findings) != 0 || res.Proof.SampleRows == 0 {
		t.Fatalf("proof after a statement the cut replay cannot run: %+v", res.Proof)
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
	r, err := p.Lint(ctx, env, mxmigrate.LintOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Clean || len(r.Files) != 2 || r.Files[1].SampleRows == 0 {
		t.Fatalf("a generated directory: %+v", r)
	}
	feat := filepath.Join(dir, "migrations", "features")
	os.WriteFile(filepath.Join(feat, "000003_hand.up.sql"), []byte("ALTER TABLE media__clips ADD COLUMN x BIGINT;\n"), 0o644)
	os.WriteFile(filepath.Join(feat, "000003_hand.down.sql"), []byte("SELECT 1;\n"), 0o644)
	r, err = p.Lint(ctx, env, mxmigrate.LintOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Clean || r.Manifest == "" {
		t.Errorf("a file mxmigrate.sum does not record: %+v", r)
	}
	if err := p.Rehash(env); err != nil {
		t.Fatal(err)
	}
	r, err = p.Lint(ctx, env, mxmigrate.LintOptions{})
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

// TestLintNamesUnsaidDrops: a hand-written file that drops or retypes data
// without a "-- DESTRUCTIVE:" comment naming it is a finding naming its
// line and statement; with the comment, or for a rename, it is not.
func TestLintNamesUnsaidDrops(t *testing.T) {
	p, dir := clipsProject(t)
	env, err := p.Environment("dev:metaxy_features")
	if err != nil {
		t.Fatal(err)
	}
	feat := filepath.Join(dir, "migrations", "features")
	os.WriteFile(filepath.Join(feat, "000002_hand.up.sql"), []byte("CREATE TABLE hand (k VARCHAR, fps DOUBLE);\n"), 0o644)
	os.WriteFile(filepath.Join(feat, "000002_hand.down.sql"), []byte("DROP TABLE hand;\n"), 0o644)
	lint := func(up, down string) []string {
		t.Helper()
		os.WriteFile(filepath.Join(feat, "000003_hand.up.sql"), []byte(up), 0o644)
		os.WriteFile(filepath.Join(feat, "000003_hand.down.sql"), []byte(down), 0o644)
		if err := p.Rehash(env); err != nil {
			t.Fatal(err)
		}
		r, err := p.Lint(context.Background(), env, mxmigrate.LintOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return r.Files[len(r.Files)-1].Findings
	}
	drop := "SELECT 1;\nALTER TABLE hand\n  DROP COLUMN fps;\n"
	restore := "ALTER TABLE hand ADD COLUMN fps DOUBLE;\n"
	f := lint(drop, restore)
	if all := strings.Join(f, "\n"); !strings.Contains(all, "000003_hand.up.sql line 2 (ALTER TABLE hand) drops column hand.fps and its data, and the file does not say so") {
		t.Errorf("an unsaid drop: %q", f)
	}
	f = lint("ALTER TABLE hand ALTER COLUMN fps TYPE BIGINT;\n", "ALTER TABLE hand ALTER COLUMN fps TYPE DOUBLE;\n")
	if all := strings.Join(f, "\n"); !strings.Contains(all, "line 1 (ALTER TABLE hand ALTER COLUMN fps TYPE BIGINT;) changes the type of hand.fps") {
		t.Errorf("an unsaid retype: %q", f)
	}
	f = lint("SELECT 1;\n-- DESTRUCTIVE: drops column hand.fps and its data\nALTER TABLE hand\n  DROP COLUMN fps;\n", restore)
	if all := strings.Join(f, "\n"); strings.Contains(all, "does not say so") {
		t.Errorf("a drop that says so: %q", f)
	}
	// said elsewhere, of another name, in a string, or renamed then dropped: unsaid
	for _, up := range []string{
		"-- DESTRUCTIVE: drops column hand.fps and its data\n" + drop,
		"SELECT 1;\n-- DESTRUCTIVE: drops column hand.fpsx and its data\nALTER TABLE hand DROP COLUMN fps;\n",
		"ALTER TABLE hand DROP COLUMN fps;\nSELECT 'RENAME fps';\n",
		"ALTER TABLE hand RENAME COLUMN fps TO fps_old;\nALTER TABLE hand DROP COLUMN fps_old;\n",
	} {
		if f := lint(up, restore); !strings.Contains(strings.Join(f, "\n"), "drops column hand.fps and its data, and the file does not say so") {
			t.Errorf("%q: %q", up, f)
		}
	}
	// renamed, then its values lost or its type changed: still seen
	f = lint("ALTER TABLE hand RENAME COLUMN fps TO w2;\nUPDATE hand SET w2 = NULL;\n", "ALTER TABLE hand RENAME COLUMN w2 TO fps;\n")
	if !strings.Contains(strings.Join(f, "\n"), "hand.fps (") {
		t.Errorf("values lost after a rename: %q", f)
	}
	f = lint("ALTER TABLE hand RENAME COLUMN fps TO w2;\nALTER TABLE hand ALTER COLUMN w2 TYPE BIGINT;\n", "ALTER TABLE hand ALTER COLUMN w2 TYPE DOUBLE;\nALTER TABLE hand RENAME COLUMN w2 TO fps;\n")
	if !strings.Contains(strings.Join(f, "\n"), "changes the type of hand.w2") {
		t.Errorf("a retype after a rename: %q", f)
	}
	// a DESTRUCTIVE comment about something else excuses nothing
	f = lint("-- DESTRUCTIVE: drops the primary key of hand (reviewed)\nUPDATE hand SET fps = 0;\n", "SELECT 1;\n")
	if !strings.Contains(strings.Join(f, "\n"), "hand.fps (") {
		t.Errorf("values lost under a comment about the key: %q", f)
	}
	f = lint("ALTER TABLE hand RENAME COLUMN fps TO frames_per_second;\n", "ALTER TABLE hand RENAME COLUMN frames_per_second TO fps;\n")
	if all := strings.Join(f, "\n"); strings.Contains(all, "does not say so") || len(f) != 0 {
		t.Errorf("a rename: %q", f)
	}
}

// TestLintBase: lint --base names this branch's migrations that are not
// after the base branch's last, versions both have under other names, and
// base migrations the branch does not have; the base itself is clean.
func TestLintBase(t *testing.T) {
	p, dir := clipsProject(t)
	env, err := p.Environment("dev:metaxy_features")
	if err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	feat := filepath.Join(dir, "migrations", "features")
	write := func(name string) {
		os.WriteFile(filepath.Join(feat, name+".up.sql"), []byte("SELECT 1;\n"), 0o644)
		os.WriteFile(filepath.Join(feat, name+".down.sql"), []byte("SELECT 1;\n"), 0o644)
	}
	lint := func() *mxmigrate.LintResult {
		t.Helper()
		if err := p.Rehash(env); err != nil {
			t.Fatal(err)
		}
		r, err := p.Lint(context.Background(), env, mxmigrate.LintOptions{Base: "base"})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	write("000002_theirs")
	write("000004_theirs_too")
	git("init", "-q")
	git("add", "-A")
	git("commit", "-qm", "base")
	git("tag", "base")
	if r := lint(); len(r.History) != 0 {
		t.Fatalf("the base against itself: %q", r.History)
	}
	os.Remove(filepath.Join(feat, "000004_theirs_too.up.sql"))
	os.Remove(filepath.Join(feat, "000004_theirs_too.down.sql"))
	os.Remove(filepath.Join(feat, "000002_theirs.up.sql"))
	os.Remove(filepath.Join(feat, "000002_theirs.down.sql"))
	write("000002_mine")
	write("000003_mine_too")
	r := lint()
	all := strings.Join(r.History, "\n")
	for _, want := range []string{
		"000002_mine: version 000002 is 000002_theirs on base: two migrations share a version",
		"000003_mine_too: this branch's migration is not after base's last, 000004_theirs_too",
		"000004_theirs_too: on base, not in this branch: merge base",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("lint --base lacks %q:\n%s", want, all)
		}
	}
	if r.Clean {
		t.Error("a history out of order is clean")
	}
	if _, err := p.Lint(context.Background(), env, mxmigrate.LintOptions{Base: "no-such-ref"}); err == nil || !strings.Contains(err.Error(), "no-such-ref") {
		t.Errorf("an unknown base: %v", err)
	}
}

// TestLintAcceptsWhatAFileSays: a destructive migration written with
// --allow-destructive (its DESTRUCTIVE comments name what it loses) lints
// clean: what it does to values is a note, not a finding, so that a
// reviewed change does not keep CI red.
func TestLintAcceptsWhatAFileSays(t *testing.T) {
	p, dir := clipsProject(t)
	writeClips(t, dir, "int64", "string")
	if _, err := generate(t, dir, mxmigrate.GenerateOptions{Message: "retype", AllowDestructive: true}); err != nil {
		t.Fatal(err)
	}
	env, err := p.Environment("dev:metaxy_features")
	if err != nil {
		t.Fatal(err)
	}
	r, err := p.Lint(context.Background(), env, mxmigrate.LintOptions{})
	if err != nil {
		t.Fatal(err)
	}
	last := r.Files[len(r.Files)-1]
	if !r.Clean || len(last.Notes) == 0 || !strings.Contains(strings.Join(last.Notes, "\n"), "said in the file (-- DESTRUCTIVE), so accepted: ") {
		t.Errorf("a reviewed destructive file: clean %v, %+v", r.Clean, last)
	}
}
