package itest

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// LDFLAGS are the Makefile's for mxmigrate's build: the DuckDB library's
// symbols are not exported (docs/performance.md).
const LDFLAGS = "-extldflags=-Wl,--exclude-libs,ALL"

// BuildBinary builds cmd/mxmigrate into a temporary directory; cleanup removes it.
func BuildBinary() (string, func(), error) {
	dir, err := os.MkdirTemp("", "mxmigrate-bin-")
	if err != nil {
		return "", nil, err
	}
	bin := filepath.Join(dir, "mxmigrate")
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(filepath.Dir(file)))
	touchSources(root)
	build := exec.Command("go", "build", "-ldflags="+LDFLAGS, "-o", bin, "./cmd/mxmigrate")
	build.Dir = root
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("build mxmigrate: %w", err)
	}
	return bin, func() { os.RemoveAll(dir) }, nil
}

// touchSources opens every Go source of the module, so that `go test`'s
// result cache, which records the files a test opens, is invalidated when
// a source the binary is built from changes.
func touchSources(root string) {
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == ".cache" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".go") || d.Name() == "go.mod" || d.Name() == "go.sum") {
			if f, err := os.Open(p); err == nil {
				f.Close()
			}
		}
		return nil
	})
}

// Result is one run of a command.
type Result struct {
	Code           int
	Stdout, Stderr string
}

// Run runs bin in dir with args, in an environment without METAXY_* and
// MXMIGRATE_* variables except those in env.
func Run(t testing.TB, bin, dir string, env []string, args ...string) Result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "METAXY_") && !strings.HasPrefix(kv, "MXMIGRATE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := Result{Stdout: out.String(), Stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.Code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return r
}

// Must fails the test unless r exited with code and its output holds every string.
func (r Result) Must(t testing.TB, code int, contains ...string) Result {
	t.Helper()
	if r.Code != code {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.Code, code, r.Stdout, r.Stderr)
	}
	for _, c := range contains {
		if !strings.Contains(r.Stdout+r.Stderr, c) {
			t.Fatalf("output lacks %q\nstdout:\n%s\nstderr:\n%s", c, r.Stdout, r.Stderr)
		}
	}
	return r
}

// CopyTree copies the directory src into dst.
func CopyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Files lists a directory's entries.
func Files(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// Read returns a file's content.
func Read(t testing.TB, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Write writes a file, creating its directory.
func Write(t testing.TB, p, body string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Append appends to a file.
func Append(t testing.TB, p, body string) {
	t.Helper()
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(body); err != nil {
		t.Fatal(err)
	}
}

// Edit rewrites a file through f.
func Edit(t testing.TB, p string, f func(string) string) {
	t.Helper()
	Write(t, p, f(Read(t, p)))
}

// Waiting is a command started by StartWaiting.
type Waiting struct {
	cmd  *exec.Cmd
	out  io.Reader
	errb *strings.Builder
}

// StartWaiting starts bin with args in dir and returns once the first thing
// it prints holds said (e.g. that it waits for a lock): the command is then
// known to be waiting, whatever the machine's load.
func StartWaiting(t testing.TB, bin, dir, said string, args ...string) *Waiting {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	w := &Waiting{cmd: cmd, out: out, errb: &strings.Builder{}}
	cmd.Stderr = w.errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	first := make([]byte, 4096)
	n, _ := out.Read(first)
	if !strings.Contains(string(first[:n]), said) {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("%v should first say %q: %q\n%s", args, said, first[:n], w.errb.String())
	}
	return w
}

// Finish waits for the command to end and fails the test unless it
// succeeded printing want.
func (w *Waiting) Finish(t testing.TB, want string) {
	t.Helper()
	rest, _ := io.ReadAll(w.out)
	if err := w.cmd.Wait(); err != nil || !strings.Contains(string(rest), want) {
		t.Fatalf("%v: %v\n%s%s", w.cmd.Args, err, rest, w.errb.String())
	}
}
