package release

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/integration/itest"
)

// TestStaticBinaryInScratchContainer builds the linux/amd64 release, checks
// that `file` and `ldd` call it statically linked, builds the Dockerfile's
// image (FROM scratch) and runs the demo flow in it: version, up, check, a
// new column generated and applied, check again.
//
// It is long because it is one scenario on a real engine, step after step.
func TestStaticBinaryInScratchContainer(t *testing.T) {
	root, _ := filepath.Abs("../..")
	for _, tool := range []string{"docker", "file", "ldd"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed (make test provisions Docker; file and ldd come with Debian's file and libc-bin): %v", tool, err)
		}
	}
	run := func(dir string, name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	dist := t.TempDir()
	cmd := exec.Command("bash", "scripts/release.sh")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "ARCHS=amd64", "OUT="+dist, "VERSION=0.0.0-test")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("release: %v\n%s", err, out)
	}
	bin := filepath.Join(dist, "mxmigrate_0.0.0-test_linux_amd64", "mxmigrate")
	if out := run(dist, "file", bin); !strings.Contains(out, "statically linked") {
		t.Errorf("file: %s", out)
	}
	if out, _ := exec.Command("ldd", bin).CombinedOutput(); !strings.Contains(string(out), "not a dynamic executable") {
		t.Errorf("ldd: %s", out)
	}
	if sums := itest.Read(t, filepath.Join(dist, "SHA256SUMS")); !strings.Contains(sums, "mxmigrate_0.0.0-test_linux_amd64.tar.gz") {
		t.Errorf("SHA256SUMS: %s", sums)
	}

	image := fmt.Sprintf("mxmigrate-release-test:%d", os.Getpid())
	run(root, "docker", "build", "-q", "--build-arg", "VERSION=0.0.0-test", "-t", image, "-f", filepath.Join(root, "Dockerfile"), dist)
	defer exec.Command("docker", "rmi", "-f", image).Run()
	// nothing but the binary: not even a shell
	if out, err := exec.Command("docker", "run", "--rm", "--entrypoint", "/bin/sh", image, "-c", "true").CombinedOutput(); err == nil {
		t.Errorf("the image has a shell:\n%s", out)
	}

	demo := t.TempDir()
	for _, f := range []string{"metaxy.toml", "metaxy.lock"} {
		itest.Write(t, filepath.Join(demo, f), itest.Read(t, filepath.Join(root, f)))
	}
	itest.CopyTree(t, filepath.Join(root, "definitions"), filepath.Join(demo, "definitions"))
	itest.CopyTree(t, filepath.Join(root, "migrations"), filepath.Join(demo, "migrations"))
	mx := func(args ...string) string {
		t.Helper()
		return run(demo, "docker", append([]string{"run", "--rm", "--network", "none", "-v", demo + ":/work", image}, args...)...)
	}
	if out := mx("version"); !strings.Contains(out, "mxmigrate 0.0.0-test") || !strings.Contains(out, "statically linked") || !strings.Contains(out, "DuckDB:          v1.") {
		t.Errorf("version:\n%s", out)
	}
	mx("up", "-n", "dev")
	if out := mx("check", "-n", "dev"); strings.Count(out, "in sync") != 2 {
		t.Errorf("check after up:\n%s", out)
	}
	itest.Append(t, filepath.Join(demo, "definitions", "thumbnails.toml"), "\n  [[feature.column]]\n  name = \"blurhash\"\n  type = \"string\"\n  nullable = true\n")
	if out := mx("generate", "-n", "dev:metaxy_features", "-m", "blurhash"); !strings.Contains(out, "+ add column media__thumbnails.blurhash VARCHAR") {
		t.Errorf("generate:\n%s", out)
	}
	mx("up", "-n", "dev:metaxy_features")
	if out := mx("check", "-n", "dev"); strings.Count(out, "in sync") != 2 {
		t.Errorf("check after the new migration:\n%s", out)
	}
}
