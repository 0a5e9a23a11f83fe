package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// jsonDoc is the contract docs/json.md writes down.
const jsonDoc = "../docs/json.md"

// jsonShapeV1 is the shape of format_version 1, every field path of every
// command's object: it changes only with format_version (a new version
// gets a new constant beside it, and the test compares with that one).
var jsonShapeV1 = map[string]string{
	"generate": "changes changes[].destructive changes[].kind changes[].statements changes[].statements[].bytes changes[].statements[].effect changes[].statements[].file changes[].statements[].lock changes[].statements[].rows changes[].statements[].sql changes[].statements[].table changes[].summary changes[].table down environment error exit_code files files[].down files[].no_transaction files[].up format_version no_changes proof proof.checks proof.checks[].detail proof.checks[].name proof.checks[].result proof.dev_database proof.findings proof.notes proof.sample_rows proof.skipped refused unmanaged unmanaged[].definition unmanaged[].kind unmanaged[].name unmanaged[].note unmanaged[].table up",
	"check":    "advice catalog_queries changes changes[].destructive changes[].kind changes[].statements changes[].statements[].bytes changes[].statements[].effect changes[].statements[].file changes[].statements[].lock changes[].statements[].rows changes[].statements[].sql changes[].statements[].table changes[].summary changes[].table dirty environment format_version in_sync pending unmanaged unmanaged[].definition unmanaged[].kind unmanaged[].name unmanaged[].note unmanaged[].table",
	"status":   "advice dir dirty environment format_version latest migrations_table pending version",
	"lint":     "clean dev_database environment files files[].checks files[].checks[].detail files[].checks[].name files[].checks[].result files[].file files[].findings files[].notes files[].sample_rows format_version history manifest",
	"error":    "environment error exit_code format_version refused",
}

// TestJSONContract (issue 22, item 4): the --json output of every command,
// and of a failure, has exactly the fields docs/json.md lists, each object
// says format_version 1, and the shape is version 1's.
//
// It is long because it is one scenario, step after step.
func TestJSONContract(t *testing.T) {
	dir := project(t, "media")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 0)
	sqlExec(t, filepath.Join(dir, "dev_metadata.duckdb"), `COMMENT ON TABLE media__videos IS 'made by hand'`)
	editLock(t, dir, func(s string) string {
		return strings.Replace(s, `"is_public":{"default":false,"title":"Is Public","type":"boolean"}}`,
			`"is_public":{"default":false,"title":"Is Public","type":"string"},"codec":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null}}`, 1)
	})

	got := map[string]map[string]bool{}
	collect := func(cmd, out string, list bool) {
		t.Helper()
		var objs []any
		if list {
			if err := json.Unmarshal([]byte(out), &objs); err != nil || len(objs) == 0 {
				t.Fatalf("%s: not a JSON list of objects (%v):\n%s", cmd, err, out)
			}
		} else {
			var o any
			if err := json.Unmarshal([]byte(out), &o); err != nil {
				t.Fatalf("%s: not a JSON object (%v):\n%s", cmd, err, out)
			}
			objs = []any{o}
		}
		if got[cmd] == nil {
			got[cmd] = map[string]bool{}
		}
		for _, o := range objs {
			m, ok := o.(map[string]any)
			if !ok || m["format_version"] != 1.0 {
				t.Fatalf("%s: an object without format_version 1:\n%s", cmd, out)
			}
			paths("", o, got[cmd])
		}
	}
	collect("generate", mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run", "--json").Must(t, 1, `"refused": true`).Stdout, false)
	collect("generate", mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run", "--json", "--allow-destructive").Must(t, 0, `"refused": false`).Stdout, false)
	noProof := mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run", "--json", "--allow-destructive", "--no-proof").Must(t, 0).Stdout
	if strings.Contains(noProof, `"checks": null`) {
		t.Errorf("generate --no-proof --json has a null list:\n%s", noProof)
	}
	collect("generate", noProof, false)
	collect("check", mx(t, dir, "check", "-n", "dev", "--json").Must(t, 1).Stdout, true)
	collect("status", mx(t, dir, "status", "-n", "dev", "--json").Must(t, 0, `"version": null`).Stdout, true)
	collect("lint", mx(t, dir, "lint", "-n", "dev:metaxy_features", "--json").Must(t, 0).Stdout, true)
	collect("error", mx(t, dir, "status", "-n", "nowhere:metaxy_features", "--json").Must(t, 2).Stdout, false)
	collect("error", mx(t, dir, "--config", "absent.toml", "check", "-n", "dev", "--json").Must(t, 3).Stdout, false)
	collect("error", mx(t, dir, "check", "-n", "dev", "--json", "--bogus").Must(t, 2, "-bogus").Stdout, false) // before the command runs
	collect("error", mx(t, dir, "check", "-n", "dev", "--json=1", "--bogus").Must(t, 2, "-bogus").Stdout, false)
	if r := mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "--json", "--bogus").Must(t, 2); strings.Contains(r.Stdout, "{") {
		t.Errorf("--json as -m's value asked for JSON:\n%s", r.Stdout)
	}

	doc := documented(t)
	for cmd, want := range jsonShapeV1 {
		have := sortedKeys(got[cmd])
		if have != want {
			t.Errorf("%s --json has the fields\n  %s\nformat_version 1 has\n  %s\na changed shape is a new format_version: bump it in cmd/mxmigrate/json.go, document the fields in docs/json.md and add its shape here", cmd, have, want)
		}
		if d := sortedKeys(doc[cmd]); d != have {
			t.Errorf("docs/json.md lists for %s\n  %s\nthe output has\n  %s", cmd, d, have)
		}
	}
}

// paths adds the field paths of v under prefix: "a", "a.b", "a[].b".
func paths(prefix string, v any, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out[p] = true
			paths(p, e, out)
		}
	case []any:
		for _, e := range x {
			if _, ok := e.(map[string]any); ok {
				paths(prefix+"[]", e, out)
			}
		}
	}
}

var docSectionRE = regexp.MustCompile("(?m)^## (?:`(\\w+)[^`]*`|(Errors))$")
var docFieldRE = regexp.MustCompile("(?m)^\\| `([a-z_.\\[\\]]+)` \\|")

// documented reads docs/json.md: each section's field paths, by command
// ("error" for the Errors section).
func documented(t *testing.T) map[string]map[string]bool {
	t.Helper()
	b, err := os.ReadFile(jsonDoc)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "# JSON output (`--json`), format_version 1\n") {
		t.Fatalf("%s does not say format_version 1 in its title", jsonDoc)
	}
	out := map[string]map[string]bool{}
	sections := docSectionRE.FindAllStringSubmatchIndex(string(b), -1)
	for i, s := range sections {
		name := "error"
		if s[2] >= 0 {
			name = string(b[s[2]:s[3]])
		}
		end := len(b)
		if i+1 < len(sections) {
			end = sections[i+1][0]
		}
		out[name] = map[string]bool{}
		for _, m := range docFieldRE.FindAllStringSubmatch(string(b[s[1]:end]), -1) {
			out[name][m[1]] = true
		}
	}
	return out
}

func sortedKeys(m map[string]bool) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, " ")
}
