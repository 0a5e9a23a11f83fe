package features

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mxmigrate/mxmigrate/config"
)

func FuzzMapJSONSchema(f *testing.F) {
	f.Add([]byte(`{"properties":{"a":{"type":"string"},"b":{"anyOf":[{"type":"integer"},{"type":"null"}]}},"required":["a"]}`))
	f.Add([]byte(`{"$defs":{"E":{"enum":["x"]}},"properties":{"e":{"$ref":"#/$defs/E"},"r":{"$ref":"#/$defs/E/../x"}}}`))
	f.Add([]byte(`{"$ref":"#/$defs/M","$defs":{"M":{"properties":{"a":{"allOf":[{"$ref":"#"}]}}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cols, err := MapJSONSchema("f/k", data, nil)
		if err != nil {
			return
		}
		for _, c := range cols {
			if c.Name == "" && c.Type == "" {
				t.Fatalf("empty column from %q", data)
			}
		}
	})
}

func FuzzDefinitionFile(f *testing.F) {
	lock, _ := os.ReadFile("testdata/metaxy.lock")
	f.Add(lock, ".lock")
	f.Add([]byte("[[feature]]\nkey = \"a/b\"\nid_columns = [\"x\"]\n[[feature.column]]\nname = \"c\"\ntype = \"string\"\n"), ".toml")
	f.Add([]byte(`{"features":{"a/b":{"data":{"spec":{"key":"a/b","id_columns":["x"]},"feature_schema":{"properties":{}}}}}}`), ".json")
	rows, _ := os.ReadFile("testdata/feature_versions.jsonl")
	f.Add(rows, ".jsonl")
	f.Fuzz(func(t *testing.T, data []byte, ext string) {
		if ext != ".lock" && ext != ".toml" && ext != ".json" && ext != ".jsonl" {
			return
		}
		p := filepath.Join(t.TempDir(), "defs"+ext)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var fs []*Feature
		var err error
		if ext == ".lock" {
			fs, err = LoadLockFile(p, "p")
		} else {
			fs, err = LoadDefinitionFile(p, "p")
		}
		if err != nil {
			return
		}
		for _, ft := range fs {
			if ft.Validate() == nil {
				ft.UserColumns(nil) //nolint:errcheck // must not panic
			}
		}
	})
}

var _ = config.DecodeTOML
