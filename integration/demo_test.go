package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/integration/itest"
)

// TestMakeDemo runs scripts/demo.sh (what `make demo` runs after building)
// in a git repository holding the demo project: it shows a generated
// migration, applies it, ends in sync, and leaves `git status` clean.
func TestMakeDemo(t *testing.T) {
	root, _ := filepath.Abs("..")
	dir := t.TempDir()
	for _, f := range []string{"metaxy.toml", "metaxy.lock", ".gitignore", "scripts/demo.sh"} {
		itest.Write(t, filepath.Join(dir, f), itest.Read(t, filepath.Join(root, f)))
	}
	for _, d := range []string{"definitions", "migrations"} {
		itest.CopyTree(t, filepath.Join(root, d), filepath.Join(dir, d))
	}
	if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(binary, filepath.Join(dir, "bin", "mxmigrate")); err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) string {
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main"}, args...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-qm", "demo")

	cmd := exec.Command("bash", "scripts/demo.sh")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	for _, want := range []string{
		"wrote migrations/features/000003_captions.up.sql",
		"+ create table media__captions",
		`ALTER TABLE "media__thumbnails" ADD COLUMN "blurhash" VARCHAR;`,
		"dev:metaxy_features: applied 000003_captions.up.sql",
		"dev:metaxy_features: in sync",
		"No changes detected",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "\x1b[") {
		t.Errorf("colour without a terminal:\n%q", out)
	}
	if n := strings.Count(string(out), "\n"); n > 70 {
		t.Errorf("demo prints %d lines", n)
	}
	if st := git("status", "--porcelain"); st != "" {
		t.Errorf("git status after the demo:\n%s", st)
	}
}
