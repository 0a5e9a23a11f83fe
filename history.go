package mxmigrate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/mxmigrate/mxmigrate/generator"
)

// history is lint --base: the directory's versions against the base branch's
// (a git ref), as golang-migrate will meet them. A file only this branch has
// whose version is not after the base's last would never run on a database
// the base branch already migrated (golang-migrate applies versions above
// the current one); a version both have under other names, and a base file
// this branch lost, are findings too.
func history(ctx context.Context, dir *generator.Dir, ref string) ([]string, error) {
	base, err := baseFiles(ctx, dir.Path, ref)
	if err != nil {
		return nil, err
	}
	var out []string
	var last uint64
	lastName := ""
	for v, name := range base {
		if v > last {
			last, lastName = v, name
		}
	}
	have := map[uint64]string{}
	for _, f := range dir.Files {
		name := f.Digits + "_" + f.Name
		have[f.Version] = name
		switch b, ok := base[f.Version]; {
		case ok && b != name:
			out = append(out, fmt.Sprintf("%s: version %s is %s on %s: two migrations share a version (renumber this branch's: regenerate it after merging %s)", name, f.Digits, b, ref, ref))
		case !ok && f.Version <= last:
			out = append(out, fmt.Sprintf("%s: this branch's migration is not after %s's last, %s: a database %s migrated would never apply it (regenerate it after merging %s)", name, ref, lastName, ref, ref))
		}
	}
	var lost []string
	for v, name := range base {
		if _, ok := have[v]; !ok {
			lost = append(lost, fmt.Sprintf("%s: on %s, not in this branch: merge %s (a migration databases may have applied is never deleted)", name, ref, ref))
		}
	}
	sort.Strings(lost)
	return append(out, lost...), nil
}

// baseFiles are the migrations (version -> "<digits>_<name>") that the
// directory holds at ref, read with git.
func baseFiles(ctx context.Context, path, ref string) (map[uint64]string, error) {
	if strings.HasPrefix(ref, "-") || strings.Contains(ref, ":") {
		return nil, fmt.Errorf("lint --base %q: give a branch, tag or commit (e.g. origin/main)", ref)
	}
	// git runs in the directory, or the nearest one that exists (a new
	// environment's directory may not yet)
	root, rel := path, "."
	for {
		if _, err := os.Stat(root); err == nil || filepath.Dir(root) == root {
			break
		}
		rel = filepath.Join(filepath.Base(root), rel)
		root = filepath.Dir(root)
	}
	verify := exec.CommandContext(ctx, "git", "rev-parse", "--verify", "--quiet", ref+"^{commit}")
	verify.Dir = root
	if out, err := verify.Output(); err != nil || len(out) == 0 {
		return nil, fmt.Errorf("lint --base %s: git knows no commit %s in %s (fetch the base branch: fetch-depth: 0 in CI)", ref, ref, path)
	}
	cmd := exec.CommandContext(ctx, "git", "ls-tree", "--name-only", ref, "--", rel+"/")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%s", strings.TrimSpace(string(ee.Stderr)))
		}
		return nil, fmt.Errorf("lint --base %s: git cannot list %s at %s: %v", ref, path, ref, err)
	}
	files := map[uint64]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		name := filepath.Base(line)
		stem, ok := strings.CutSuffix(name, ".up.sql")
		if !ok {
			continue
		}
		digits, rest, ok := strings.Cut(stem, "_")
		v, err := strconv.ParseUint(digits, 10, 64)
		if !ok || err != nil {
			continue
		}
		files[v] = digits + "_" + rest
	}
	return files, nil
}
