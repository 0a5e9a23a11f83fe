package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzConfig: any bytes as metaxy.toml either load or fail with an error;
// nothing panics, and TOML syntax errors name the file and a line.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(base))
	f.Add([]byte("project = \"${X:-y}\"\nextend = 1\n"))
	f.Add([]byte("[stores.a]\ntype = \"metaxy.ext.duckdb.DuckDBMetadataStore\"\nconfig = 3\n"))
	f.Add([]byte("[ext.mxmigrate]\nnaming_convention = { ix = \"%(column_0_N_name)s\" }\nenvironments = 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		p := filepath.Join(dir, "metaxy.toml")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Load(Options{Path: p, Environ: []string{}})
		if err != nil {
			return
		}
		for name := range c.Stores {
			c.Environments(name) //nolint:errcheck // must not panic
		}
	})
}

func FuzzExpand(f *testing.F) {
	for _, s := range []string{"${A}", "${A:-b}", "$$", "${", "x${A}y${B:-}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := Expand(s, func(k string) (string, bool) { return "v", k == "A" })
		if err == nil && !strings.Contains(s, "$") && out != s {
			t.Fatalf("text without $ changed: %q -> %q", s, out)
		}
	})
}
