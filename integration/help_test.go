package integration

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestHelpSaysWhatCodeDoes (issue 22): bare mxmigrate is a usage error; each
// command's help shows -n as required exactly where running it without -n
// is refused; --dry-run's help says what a refused plan prints, and it does.
func TestHelpSaysWhatCodeDoes(t *testing.T) {
	dir := project(t, "media")
	bare := mx(t, dir).Must(t, 2, "COMMANDS:", "generate")
	if bare.Stdout != "" {
		t.Errorf("bare mxmigrate printed help on stdout, not stderr:\n%s", bare.Stdout)
	}

	usage := regexp.MustCompile(`(?m)^USAGE:\n\s+(.*)$`)
	for _, c := range []struct {
		cmd      string
		args     []string // what it needs besides -n
		required bool
	}{
		{"generate", []string{"--dry-run"}, true},
		{"new", []string{"-m", "backfill"}, true},
		{"url", nil, true},
		{"force", []string{"1"}, true},
		{"squash", nil, true},
		{"up", nil, false},
		{"down", nil, false},
		{"status", nil, false},
		{"check", nil, false},
		{"lint", nil, false},
		{"rehash", nil, false},
	} {
		help := mx(t, dir, c.cmd, "--help").Must(t, 0).Stdout
		m := usage.FindStringSubmatch(help)
		if m == nil {
			t.Fatalf("%s --help has no USAGE line:\n%s", c.cmd, help)
		}
		saysRequired := strings.Contains(m[1], " -n STORE:TARGET") && !strings.Contains(m[1], "[-n") &&
			strings.Contains(help, "(required)")
		saysOptional := strings.Contains(m[1], "[-n STORE[:TARGET]]") && !strings.Contains(help, "(required)")
		run := mx(t, dir, append([]string{c.cmd}, c.args...)...)
		refused := run.Code == 2 && strings.Contains(run.Stderr, "needs -n")
		switch {
		case refused != c.required:
			t.Errorf("%s without -n: exit %d, refused %v, want %v\n%s", c.cmd, run.Code, refused, c.required, run.Stderr)
		case c.required && !saysRequired, !c.required && !saysOptional:
			t.Errorf("%s: the help does not say -n is %s:\n%s", c.cmd, map[bool]string{true: "required", false: "optional"}[c.required], help)
		}
	}
	if help := mx(t, dir, "generate", "--help").Must(t, 0).Stdout; !strings.Contains(usage.FindStringSubmatch(help)[1], "[--format STYLE]") ||
		!strings.Contains(help, "refused as destructive prints the plan and the refusal, without SQL") {
		t.Errorf("generate --help:\n%s", help)
	}

	// what --dry-run's help says: a plan with the SQL; a refused plan, without
	mx(t, dir, "generate", "-n", "dev:metaxy_system", "-m", "init").Must(t, 0)
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	mx(t, dir, "up", "-n", "dev").Must(t, 0)
	editLock(t, dir, func(s string) string {
		return strings.Replace(s, `"is_public":{"default":false,"title":"Is Public","type":"boolean"}}`,
			`"is_public":{"default":false,"title":"Is Public","type":"boolean"},"codec":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null}}`, 1)
	})
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run").Must(t, 0, "+ add column media__videos.codec", "Proof on ", "-- ---- up ----", `ADD COLUMN "codec"`)
	editLock(t, dir, func(s string) string { return s[:strings.Index(s, `[features."media/videos".data]`)] })
	r := mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run").Must(t, 1, "- drop table media__videos", "nothing was written", "--allow-destructive")
	if strings.Contains(r.Stdout, "-- ---- up") || strings.Contains(r.Stdout, "DROP TABLE") {
		t.Errorf("a refused dry run printed SQL:\n%s", r.Stdout)
	}
	if got := strings.Join(files(t, filepath.Join(dir, "migrations", "features")), " "); got != "000001_init.down.sql 000001_init.up.sql mxmigrate.sum" {
		t.Errorf("dry runs wrote files: %s", got)
	}
}
