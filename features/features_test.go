package features

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/schema"
)

func cols(cs []Column) []string {
	var out []string
	for _, c := range cs {
		n := ""
		if c.Nullable {
			n = "?"
		}
		out = append(out, c.Name+":"+string(c.Type)+n)
	}
	return out
}

func TestMapJSONSchema(t *testing.T) {
	js := `{"$defs":{"Color":{"enum":["red","blue"],"type":"string"},"Sub":{"type":"object","properties":{"x":{"type":"integer"}}}},
	"properties":{
	"z_first":{"type":"string"},
	"ts":{"type":"string","format":"date-time"},
	"d":{"type":"string","format":"date"},
	"tm":{"type":"string","format":"time"},
	"u":{"type":"string","format":"uuid"},
	"b64":{"type":"string","contentEncoding":"base64"},
	"bin":{"type":"string","format":"binary"},
	"i":{"type":"integer"},
	"f":{"type":"number"},
	"flag":{"type":"boolean"},
	"obj":{"type":"object"},
	"arr":{"type":"array","items":{"type":"number"}},
	"ref":{"$ref":"#/$defs/Sub"},
	"color":{"$ref":"#/$defs/Color"},
	"en":{"enum":["a","b"]},
	"cn":{"const":"x"},
	"opt":{"anyOf":[{"type":"integer"},{"type":"null"}],"default":null},
	"opt2":{"type":["string","null"]},
	"metaxy_provenance":{"type":"string"},
	"a_last":{"type":"string"}},
	"required":["z_first","ts","d","tm","u","b64","bin","i","f","flag","obj","arr","ref","color","en","cn","opt","opt2"]}`
	got, err := MapJSONSchema("k/x", []byte(js), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"z_first:string", "ts:timestamptz", "d:date", "tm:time", "u:uuid", "b64:bytes", "bin:bytes",
		"i:int64", "f:float64", "flag:bool", "obj:json", "arr:json", "ref:json", "color:string", "en:string", "cn:string",
		"opt:int64?", "opt2:string?", "a_last:string?"}
	if !reflect.DeepEqual(cols(got), want) {
		t.Errorf("got  %v\nwant %v", cols(got), want)
	}
}

func TestMapJSONSchemaErrors(t *testing.T) {
	cases := map[string]string{
		`{"properties":{"any":{}}}`: `property "any": no type`,
		`{"properties":{"mix":{"anyOf":[{"type":"integer"},{"type":"string"}]}}}`: `property "mix": anyOf mixes types`,
		`{"properties":{"n":{"type":"null"}}}`:                                    `property "n"`,
		`{"properties":{"x":{"type":"weird"}}}`:                                   `unknown JSON Schema type`,
		`[1,2]`:                                                                   `not a JSON object`,
		`{"properties":`:                                                          `not valid JSON`,
	}
	for js, want := range cases {
		_, err := MapJSONSchema("k/x", []byte(js), nil)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "k/x") {
			t.Errorf("%s: got %v, want %q and the feature", js, err, want)
		}
	}
	_, err := MapJSONSchema("k/x", []byte(`{"properties":{"any":{}}}`), nil)
	if !strings.Contains(err.Error(), `[ext.mxmigrate.column_types."k/x"] any = "<type>"`) {
		t.Errorf("error must say how to override: %v", err)
	}
	got, err := MapJSONSchema("k/x", []byte(`{"properties":{"any":{}},"required":["any"]}`), map[string]schema.Type{"any": schema.JSON})
	if err != nil || !reflect.DeepEqual(cols(got), []string{"any:json"}) {
		t.Errorf("override: %v %v", cols(got), err)
	}
}

func TestLockFile(t *testing.T) {
	fs, err := LoadLockFile("testdata/metaxy.lock", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || fs[0].Key != "media/video-frames" || fs[1].Key != "media/videos" {
		t.Fatalf("features: %+v", fs)
	}
	if !reflect.DeepEqual(fs[0].IDColumns, []string{"video_id", "frame_idx"}) || fs[0].Project != "media_pipeline" {
		t.Errorf("video-frames: %+v", fs[0])
	}
	c, err := fs[1].UserColumns(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"video_id:string", "path:string", "duration_s:float64", "fps:int64?", "recorded_on:date", "tags:json", "is_public:bool?"}
	if !reflect.DeepEqual(cols(c), want) {
		t.Errorf("videos columns %v", cols(c))
	}
	if fs, err := LoadLockFile(filepath.Join(t.TempDir(), "none.lock"), ""); err != nil || fs != nil {
		t.Errorf("missing lock file: %v %v", fs, err)
	}
}

func TestStoreRows(t *testing.T) {
	fs, err := LoadDefinitionFile("testdata/feature_versions.jsonl", "")
	if err != nil {
		t.Fatal(err)
	}
	// media/audio's latest row is deleted: only media/videos remains
	if len(fs) != 1 || fs[0].Key != "media/videos" {
		t.Fatalf("got %+v", fs)
	}
	rows := []StoreRow{
		{Project: "p", FeatureKey: "a/b", DefinitionVersion: "1", RecordedAt: "2026-01-01 00:00:00", FeatureSpec: `{"key":"a/b","id_columns":["x"],"future_field":{"n":1}}`, FeatureSchema: `{"properties":{"old":{"type":"string"}}}`},
		{Project: "p", FeatureKey: "a/b", DefinitionVersion: "2", RecordedAt: "2026-02-01 00:00:00", FeatureSpec: `{"key":"a/b","id_columns":["x"],"future_field":{"n":2}}`, FeatureSchema: `{"properties":{"new":{"type":"string"}}}`},
	}
	fs, err = FromStoreRows("store", rows)
	if err != nil || len(fs) != 1 {
		t.Fatal(fs, err)
	}
	c, _ := fs[0].UserColumns(nil)
	if !reflect.DeepEqual(cols(c), []string{"new:string?"}) {
		t.Errorf("latest row must win: %v", cols(c))
	}
}

func TestHumanForm(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.toml")
	os.WriteFile(p, []byte(`project = "media_pipeline"
[[feature]]
key = "media/thumbnails"
id_columns = ["video_id", "frame_idx"]
  [[feature.column]]
  name = "video_id"
  type = "string"
  [[feature.column]]
  name = "frame_idx"
  type = "int64"
  [[feature.column]]
  name = "width"
  type = "int64"
  nullable = true
  [[feature.column]]
  name = "png"
  type = "bytes"
`), 0o644)
	fs, err := LoadDefinitionFile(p, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Project != "media_pipeline" {
		t.Fatalf("%+v", fs)
	}
	c, _ := fs[0].UserColumns(nil)
	if !reflect.DeepEqual(cols(c), []string{"video_id:string", "frame_idx:int64", "width:int64?", "png:bytes"}) {
		t.Errorf("columns %v", cols(c))
	}
	bad := map[string]string{
		"[[feature]]\nkey = \"a/b\"\nid_columns = [\"x\"]\n[[feature.column]]\nname = \"metaxy_provenance\"\ntype = \"string\"\n": "collides with Metaxy's system column",
		"[[feature]]\nkey = \"a/b\"\nid_columns = [\"x\"]\n[[feature.column]]\nname = \"c\"\ntype = \"decimal\"\n":                `column "c": unknown type "decimal"`,
		"[[feature]]\nkey = \"a/b\"\nid_columns = [\"x\"]\n[[feature.column]]\nname = \"c\"\ntype = \"string\"\nnulable = true\n": "f.toml:7:1: unknown key feature.column.nulable",
		"[[feature]]\nid_columns = [\"x\"]\n": "`key` is missing",
		"[[feature]]\nkey = \"a/b\"\nid_columns = [\"x\"]\n[[feature.column]]\nname = \"c\"\ntype = \"string\"\n[[feature.column]]\nname = \"c\"\ntype = \"string\"\n": "defined twice",
		"nothing = 1\n": "f.toml:1:1: unknown key nothing",
		"# empty\n":     "no features",
	}
	for body, want := range bad {
		os.WriteFile(p, []byte(body), 0o644)
		_, err := LoadDefinitionFile(p, "p")
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%q: got %v, want %q with the file", body, err, want)
		}
	}
}

func TestJSONLockShapeKeepsOrder(t *testing.T) {
	p := filepath.Join(t.TempDir(), "defs.json")
	os.WriteFile(p, []byte(`{"features":{"a/b":{"data":{"project":"p","spec":{"key":"a/b","id_columns":["id"]},
	"feature_schema":{"properties":{"zz":{"type":"string"},"aa":{"type":"integer"},"mm":{"type":"boolean"}}}}}}}`), 0o644)
	fs, err := LoadDefinitionFile(p, "")
	if err != nil {
		t.Fatal(err)
	}
	c, _ := fs[0].UserColumns(nil)
	if !reflect.DeepEqual(cols(c), []string{"zz:string?", "aa:int64?", "mm:bool?"}) {
		t.Errorf("order lost: %v", cols(c))
	}
	os.WriteFile(p, []byte("{\"features\":\n  {\"a\": [1,}\n}"), 0o644)
	if _, err := LoadDefinitionFile(p, ""); err == nil || !strings.Contains(err.Error(), "defs.json:2:") {
		t.Errorf("JSON syntax error must give the line: %v", err)
	}
}

func TestValidate(t *testing.T) {
	bad := map[string]string{
		"":       "empty",
		"a//b":   "empty key part",
		"a/b__c": `contains "__"`,
		"/a":     "empty key part",
	}
	for key, want := range bad {
		if err := ValidateKey(key); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v", key, err)
		}
	}
	if err := ValidateKey("video-raw/frames"); err != nil {
		t.Error(err)
	}
	f := &Feature{Key: "a/b", Project: "p", Source: "s"}
	if err := f.Validate(); err == nil || !strings.Contains(err.Error(), "id_columns is empty") {
		t.Errorf("empty id_columns: %v", err)
	}
	f.IDColumns = []string{"metaxy_created_at"}
	if err := f.Validate(); err == nil || !strings.Contains(err.Error(), "collides") {
		t.Errorf("system id column: %v", err)
	}
	// spec.key as a list of parts (older Metaxy) and a mismatching key
	if _, err := FromLockMap("l", map[string]any{"features": map[string]any{"a/b": map[string]any{"data": map[string]any{
		"project": "p", "feature_schema": "{}", "spec": map[string]any{"key": []any{"a", "c"}, "id_columns": []any{"x"}}}}}}, ""); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("key mismatch: %v", err)
	}
}

func TestMerge(t *testing.T) {
	mk := func(src, proj string, ids ...string) *Feature {
		return &Feature{Key: "a/b", Project: proj, IDColumns: ids, Source: src, Schema: []byte(`{"properties":{}}`)}
	}
	s, err := Merge(Source{Name: "lock", Features: []*Feature{mk("lock", "p", "x")}},
		Source{Name: "defs.toml", Features: []*Feature{mk("defs.toml", "p", "y")}, Strict: true},
		Source{Name: "store", Features: []*Feature{mk("store", "p", "z")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Features) != 1 || s.Features[0].Source != "store" {
		t.Fatalf("store must win: %+v", s.Features)
	}
	if len(s.Warnings) != 2 || !strings.Contains(s.Warnings[1], "store overrides the different definition in defs.toml") {
		t.Errorf("warnings: %v", s.Warnings)
	}
	// identical definitions do not warn; formatting of the schema does not matter
	a, b := mk("lock", "p", "x"), mk("defs.toml", "p", "x")
	b.Schema = []byte(`{ "properties" : { } }`)
	s, _ = Merge(Source{Features: []*Feature{a}}, Source{Features: []*Feature{b}, Strict: true})
	if len(s.Warnings) != 0 {
		t.Errorf("no warning expected: %v", s.Warnings)
	}
	_, err = Merge(Source{Features: []*Feature{mk("one.toml", "p", "x")}, Strict: true}, Source{Features: []*Feature{mk("two.toml", "p", "y")}, Strict: true})
	if err == nil || !strings.Contains(err.Error(), "one.toml and two.toml") {
		t.Errorf("two definition files disagreeing: %v", err)
	}
}
