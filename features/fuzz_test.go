package features

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
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

// FuzzParseOrdered: the ordered parser accepts exactly what encoding/json
// accepts, and agrees with it on the value.
func FuzzParseOrdered(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":[true,null,"x\u00e9"],"c":{"d":-1.5e3}}`, `[]`, `"\"q\""`, `{"a":1,}`, `01`, `{"a" 1}`, "\"\x01\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := parseOrdered(data)
		if json.Valid(data) != (err == nil) {
			t.Fatalf("encoding/json valid=%v, parseOrdered err=%v, input %q", json.Valid(data), err, data)
		}
		if err != nil {
			return
		}
		var want, got any
		if json.Unmarshal(data, &want) != nil {
			return // valid JSON that Go cannot hold (1E1000): nothing to compare
		}
		if err := json.Unmarshal(n.marshal(), &got); err != nil {
			t.Fatalf("re-marshalled value is not JSON: %v", err)
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("value differs: %v vs %v", want, got)
		}
	})
}
