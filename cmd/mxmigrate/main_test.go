package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

func runCLI(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	var out, errb bytes.Buffer
	code := run(append([]string{"mxmigrate"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestNormalizeArgs(t *testing.T) {
	got := normalizeArgs([]string{"mxmigrate", "generate", "--definitions-from-store", "--definitions-from-store=prod"})
	if strings.Join(got, " ") != "mxmigrate generate --definitions-from-store=. --definitions-from-store=prod" {
		t.Errorf("%v", got)
	}
}

func TestHelpListsEveryCommand(t *testing.T) {
	code, out, _ := runCLI(t, t.TempDir(), "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, c := range []string{"generate", "up", "down", "status", "check", "url", "force", "rehash", "init", "version", "completion", "--config", "--verbose", "--no-color"} {
		if !strings.Contains(out, c) {
			t.Errorf("--help lacks %s", c)
		}
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "metaxy.toml"), []byte("project = \"p\"\n[stores.dev]\ntype = \"metaxy.ext.duckdb.DuckDBMetadataStore\"\nconfig = { database = \"d.duckdb\" }\n"), 0o644)
	if code, _, errs := runCLI(t, dir, "generate", "-n", "dev:metaxy_features", "--inject-index", "--no-inject-index"); code != 2 || !strings.Contains(errs, "exclude each other") {
		t.Errorf("conflicting flags: %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, dir, "force", "-n", "dev:metaxy_features"); code != 2 || !strings.Contains(errs, "VERSION") {
		t.Errorf("force without version: %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, dir, "generate", "-n", "dev:metaxy_features", "--json"); code != 2 || !strings.Contains(errs, "--dry-run") {
		t.Errorf("--json without --dry-run: %d %s", code, errs)
	}
	if code, out, _ := runCLI(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run"); code != 0 || !strings.Contains(out, "No changes detected") {
		t.Errorf("empty project: %d %s", code, out)
	}
	if code, _, errs := runCLI(t, dir, "generate", "-n", "nosuch:metaxy_features"); code != 2 || !strings.Contains(errs, `no store "nosuch"`) {
		t.Errorf("unknown store: %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, dir, "status", "-n", "dev:features"); code != 2 || !strings.Contains(errs, `unknown target "features"`) {
		t.Errorf("unknown target: %d %s", code, errs)
	}
	if code, out, _ := runCLI(t, dir, "help", "up"); code != 0 || !strings.Contains(out, "apply pending migrations") {
		t.Errorf("help up: %d %s", code, out)
	}
	if code, _, errs := runCLI(t, dir, "bogus"); code != 2 || !strings.Contains(errs, `unknown command "bogus"`) {
		t.Errorf("unknown command: %d %s", code, errs)
	}
}

func TestForceNegativeVersion(t *testing.T) {
	for _, in := range [][]string{
		{"mxmigrate", "force", "-n", "dev:metaxy_features", "-1"},
		{"mxmigrate", "force", "-1", "-n", "dev:metaxy_features"},
	} {
		got := strings.Join(normalizeArgs(in), " ")
		if !strings.HasSuffix(got, "-- -1") || !strings.Contains(got, "-n dev:metaxy_features") {
			t.Errorf("%v -> %s", in, got)
		}
	}
	if got := strings.Join(normalizeArgs([]string{"mxmigrate", "up", "-n", "dev", "-1"}), " "); strings.Contains(got, "--") {
		t.Errorf("only force takes a negative VERSION: %s", got)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "metaxy.toml"), []byte("project = \"p\"\n[stores.dev]\ntype = \"metaxy.ext.duckdb.DuckDBMetadataStore\"\nconfig = { database = \"d.duckdb\" }\n"), 0o644)
	if code, out, errs := runCLI(t, dir, "force", "-n", "dev:metaxy_features", "-1"); code != 0 || !strings.Contains(out, "version forced to -1") {
		t.Errorf("force -n ENV -1: %d %s %s", code, out, errs)
	}
	if code, _, errs := runCLI(t, dir, "url", "-n", "dev:metaxy_features", "--port", "99999"); code != 2 || !strings.Contains(errs, "out of range") {
		t.Errorf("--port out of range is a usage error: %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, dir, "status", "-n", ":metaxy_system"); code != 2 || !strings.Contains(errs, "names no store") {
		t.Errorf("empty store name: %d %s", code, errs)
	}
}

// TestHelpPlaceholders: urfave/cli takes the first back-quoted word of a
// flag's usage as its placeholder (`--baseline mxmigrate force` once); every
// placeholder must be one meant as such, and every command's help prints.
func TestHelpPlaceholders(t *testing.T) {
	app := newApp(io.Discard, io.Discard)
	meant := regexp.MustCompile(`^(\[=[A-Z]+\]|[A-Z][A-Z_.=]*|<[a-z]+>(:<[a-z]+>|\[:<[a-z]+>\])?)$`)
	checkFlags := func(where string, flags []cli.Flag) {
		for _, f := range flags {
			df, ok := f.(cli.DocGenerationFlag)
			if !ok {
				continue
			}
			// the first back-quoted span, as urfave/cli's unquoteUsage reads it
			name := ""
			if _, rest, ok := strings.Cut(df.GetUsage(), "`"); ok {
				name, _, _ = strings.Cut(rest, "`")
			}
			if name != "" && !meant.MatchString(name) {
				t.Errorf("%s --%s: placeholder %q from a back-quoted word in %q", where, f.Names()[0], name, df.GetUsage())
			}
		}
	}
	checkFlags("global", app.Flags)
	for _, c := range app.Commands {
		if c.Hidden {
			continue
		}
		checkFlags(c.Name, c.Flags)
		code, out, errs := runCLI(t, t.TempDir(), c.Name, "--help")
		if code != 0 || !strings.Contains(out, "mxmigrate "+c.Name) {
			t.Errorf("%s --help: exit %d\n%s%s", c.Name, code, out, errs)
		}
		if strings.Contains(out, "`") {
			t.Errorf("%s --help shows a back quote:\n%s", c.Name, out)
		}
	}
}

// TestKeyInVerbose: [ext.mxmigrate] key shapes the injected key, and
// --verbose says which key was used (and, by default, how to match Metaxy's
// SQLModel integration).
func TestKeyInVerbose(t *testing.T) {
	dir := t.TempDir()
	conf := "project = \"p\"\n[stores.dev]\ntype = \"metaxy.ext.duckdb.DuckDBMetadataStore\"\nconfig = { database = \"d.duckdb\" }\n" +
		"[ext.sqlalchemy]\ninject_primary_key = true\n[ext.mxmigrate]\ndefinitions = [\"defs.toml\"]\n"
	os.WriteFile(filepath.Join(dir, "defs.toml"), []byte("[[feature]]\nkey = \"a/b\"\nid_columns = [\"sample_id\"]\n[[feature.column]]\nname = \"sample_id\"\ntype = \"string\"\n"), 0o644)
	for _, c := range []struct{ key, note, pk string }{
		{"", "injected primary key on ({id_columns}, metaxy_created_at, metaxy_data_version), the default; Metaxy's SQLModel integration uses (metaxy_feature_version, {id_columns}, metaxy_updated_at)",
			`PRIMARY KEY ("sample_id", "metaxy_created_at", "metaxy_data_version")`},
		{"key = [\"metaxy_feature_version\", \"{id_columns}\", \"metaxy_updated_at\"]\n", "injected primary key on (metaxy_feature_version, {id_columns}, metaxy_updated_at), from [ext.mxmigrate] key",
			`PRIMARY KEY ("metaxy_feature_version", "sample_id", "metaxy_updated_at")`},
	} {
		os.WriteFile(filepath.Join(dir, "metaxy.toml"), []byte(conf+c.key), 0o644)
		code, out, errs := runCLI(t, dir, "--verbose", "generate", "-n", "dev:metaxy_features", "--dry-run")
		if code != 0 || !strings.Contains(errs, "dev:metaxy_features: "+c.note) || !strings.Contains(out, c.pk) {
			t.Errorf("key %q: exit %d\nstdout:\n%s\nstderr:\n%s", c.key, code, out, errs)
		}
	}
}

// TestMain lets the test binary act as mxmigrate (for shells that run it).
func TestMain(m *testing.M) {
	if os.Getenv("MXMIGRATE_TEST_AS_CLI") == "1" {
		os.Exit(run(os.Args, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestCompletion: what the hidden __complete answers, and bash really
// completing through the script `completion bash` prints (a colon in the
// environment name included).
func TestCompletion(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "metaxy.toml"), []byte("project = \"p\"\n[stores.prod]\ntype = \"metaxy.ext.duckdb.DuckDBMetadataStore\"\nconfig = { database = \"d.duckdb\" }\n"), 0o644)
	for line, want := range map[string]string{
		// a command that needs one environment is offered <store>:<target> only
		"mxmigrate generate -n ":                       "prod:metaxy_features prod:metaxy_system",
		"mxmigrate url --name=":                        "--name=prod:metaxy_features --name=prod:metaxy_system",
		"mxmigrate force -n prod":                      "prod:metaxy_features prod:metaxy_system",
		"mxmigrate generate --format ":                 "seq unix",
		"mxmigrate new --format=u":                     "--format=unix",
		"mxmigrate up --format ":                       "",
		"mxmigrate generate --definitions-from-store=": "--definitions-from-store=prod",
		"mxmigrate check --definitions-from-store=p":   "--definitions-from-store=prod",
		"mxmigrate status --definitions-from-store=":   "",
		"mxmigrate down -n ":                           "metaxy_features metaxy_system prod prod:metaxy_features prod:metaxy_system",
		"mxmigrate ":                                   "check completion down force generate init lint new rehash squash status up url version",
		"mxmigrate st":                                 "status",
		"mxmigrate up -n ":                             "metaxy_features metaxy_system prod prod:metaxy_features prod:metaxy_system",
		"mxmigrate up --name prod:metaxy_s":            "prod:metaxy_system",
		"mxmigrate generate --allow-d":                 "--allow-destructive",
		"mxmigrate --co":                               "--config",
		"mxmigrate completion ":                        "bash fish zsh",
		"mxmigrate --config nowhere.toml up -n ":       "",
	} {
		_, out, _ := runCLI(t, dir, "__complete", "--", line)
		if got := strings.Join(strings.Fields(out), " "); got != want {
			t.Errorf("%q: got %q, want %q", line, got, want)
		}
	}
	for _, sh := range []string{"bash", "zsh", "fish"} {
		if code, out, _ := runCLI(t, dir, "completion", sh); code != 0 || !strings.Contains(out, "__complete") {
			t.Errorf("completion %s: exit %d\n%s", sh, code, out)
		}
	}
	if code, _, errs := runCLI(t, dir, "completion", "tcsh"); code != 2 || !strings.Contains(errs, "bash, zsh or fish") {
		t.Errorf("completion tcsh: exit %d %s", code, errs)
	}

	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatalf("bash is needed to test its completion: %v", err)
	}
	binDir := t.TempDir()
	self, _ := os.Executable()
	if err := os.Symlink(self, filepath.Join(binDir, "mxmigrate")); err != nil {
		t.Fatal(err)
	}
	script := `source <(mxmigrate completion bash)
complete -p mxmigrate >/dev/null || exit 3
COMP_LINE="mxmigrate up -n prod:metaxy_f"; COMP_POINT=${#COMP_LINE}
COMP_WORDS=(mxmigrate up -n prod : metaxy_f); COMP_CWORD=5
_mxmigrate_complete; echo "${COMPREPLY[*]}"
COMP_LINE="mxmigrate sta"; COMP_POINT=${#COMP_LINE}
COMP_WORDS=(mxmigrate sta); COMP_CWORD=1
_mxmigrate_complete; echo "${COMPREPLY[*]}"
COMP_LINE="mxmigrate up --name=pro"; COMP_POINT=${#COMP_LINE}
COMP_WORDS=(mxmigrate up --name = pro); COMP_CWORD=4
_mxmigrate_complete; echo "${COMPREPLY[*]}"
COMP_LINE="mxmigrate generate --format=s"; COMP_POINT=${#COMP_LINE}
COMP_WORDS=(mxmigrate generate --format = s); COMP_CWORD=4
_mxmigrate_complete; echo "${COMPREPLY[*]}"`
	cmd := exec.Command(bash, "--norc", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"), "MXMIGRATE_TEST_AS_CLI=1")
	out, err := cmd.CombinedOutput()
	if err != nil || string(out) != "metaxy_features\nstatus\nprod prod:metaxy_features prod:metaxy_system\nseq\n" {
		t.Errorf("bash completion: %v\n%q", err, out)
	}
}

// TestPseudoVersion: the versions Go makes up for untagged commits are not
// mxmigrate's version (a `make build` printed 0.0.0-2026...); tags are.
func TestPseudoVersion(t *testing.T) {
	for v, pseudo := range map[string]bool{
		"v0.0.0-20261127134155-0b02acb4ae92":       true,
		"v0.1.1-0.20261127134155-0b02acb4ae92":     true,
		"v0.0.0-20261127134155-0b02acb4ae92+dirty": true,
		"v0.1.0":       false,
		"v1.2.3-rc.1":  false,
		"v0.2.0+dirty": false,
	} {
		if got := pseudoVersion.MatchString(v); got != pseudo {
			t.Errorf("%s: pseudo %v, want %v", v, got, pseudo)
		}
	}
}

// TestJSONIsNotHTMLEscaped: plan lines in --json read as printed
// ("int32 -> int64", not "-\u003e"), for bots that search them.
func TestJSONIsNotHTMLEscaped(t *testing.T) {
	var b strings.Builder
	if err := writeJSON(&b, map[string]string{"summary": "~ alter column t.n type integer -> bigint <&>"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "integer -> bigint <&>") {
		t.Errorf("%s", b.String())
	}
}

// TestOutputEscapesControls: a value from the database in a message cannot
// clear the screen, write the clipboard (OSC 52) or reorder text; newlines,
// tabs and the plan's own colours pass.
func TestOutputEscapesControls(t *testing.T) {
	for in, want := range map[string]string{
		"a\x1b]52;c;cHduZWQ=\x07b\x1b[2J": `a\x1b]52;c;cHduZWQ=\x07b\x1b[2J`,
		"line\n\tnext\r":                  "line\n\tnext\\x0d",
		"\x1b[32m+ create\x1b[0m":         "\x1b[32m+ create\x1b[0m",
		"x\u202ey\u0085":                  `x\u202ey\u0085`,
		"plain ünïcode":                   "plain ünïcode",
	} {
		if got := escapeOutput(in); got != want {
			t.Errorf("escapeOutput(%q) = %q, want %q", in, got, want)
		}
	}
}
