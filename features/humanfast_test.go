package features

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/pelletier/go-toml/v2"
)

// decoded is what go-toml's decoder makes of data in the human form, as
// decodeTOML decodes it (strict), and whether it took it.
func decoded(data []byte) (*humanFile, bool) {
	var hf humanFile
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&hf); err != nil || hf.Features != nil || hf.Feature == nil {
		return nil, false
	}
	return &hf, true
}

var humanForms = []string{
	"[[feature]]\nkey = \"a/b\"\nid_columns = [\"x\"]\n[[feature.column]]\nname = \"c\"\ntype = \"string\"\n",
	"project = \"p\"\n# a comment\n[[feature]]\nkey = 'a/b' # literal\nproject = \"q\"\nclass_path = \"m.C\"\ndescription = \"\"\"\nmulti\\tline \\u00e9\"\"\"\nid_columns = []\n" +
		"[[feature.column]]\n\"name\" = \"c\\\"q\"\ntype = \"int64\"\nnullable = false\ndescription = '''raw\\n'''\n" +
		"[[feature.column]]\nname = \"d\"\ntype = \"json\"\nnullable = true\n[[feature]]\nkey = \"c/d\"\r\nid_columns = [ \"x\", 'y', ]\n",
	"[[feature]]\n[[feature]]\nkey = \"k\"\n",
}

// TestHumanFast: humanFast takes valid human forms, with what go-toml's
// decoder makes of them, and leaves everything it is not sure of to the
// decoder (ok false), which reads it as before.
func TestHumanFast(t *testing.T) {
	for _, in := range humanForms {
		got, ok := humanFast([]byte(in))
		if !ok {
			t.Errorf("not taken:\n%s", in)
			continue
		}
		want, _ := decoded([]byte(in))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\n got %+v\nwant %+v", in, got, want)
		}
	}
	for _, in := range []string{
		"[[feature]]\nKey = \"a\"\n",              // the decoder matches keys without case
		"[[feature]]\nkey = \"a\"\nkey = \"b\"\n", // repeated
		"[[feature]]\nkey = \"a\"\nkee = \"b\"\n", // unknown
		"[[feature]]\nfeature.key = \"a\"\n",      // dotted
		"[feature]\nkey = \"a\"\n",                // a table
		"[[feature]]\nkey = 1\n",                  // another type
		"[[feature]]\nid_columns = \"x\"\n",       // not an array
		"[[feature]]\nid_columns = [1]\n",         // not strings
		"[[feature]]\nkey = \"a\"\n[[feature.column]]\nnullable = \"true\"\n",
		"[[feature.column]]\nname = \"c\"\n",              // no feature yet
		"project = \"p\"\n",                               // no feature
		"[features.\"a/b\".data]\nx = 1\n",                // the lock shape
		"[[feature]]\nkey = \"a\"\n[[feature.other]]\n",   // another array
		"[[feature]]\nkey = \"a\n",                        // syntax
		"[[feature]]\nkey = \"a\"\nproject = { x = 1 }\n", // inline table
	} {
		if _, ok := humanFast([]byte(in)); ok {
			t.Errorf("taken, should be left to the decoder:\n%s", in)
		}
	}
}

// FuzzHumanFast: whatever humanFast takes, go-toml's decoder takes too, and
// makes the same of it.
func FuzzHumanFast(f *testing.F) {
	for _, in := range humanForms {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := humanFast(data)
		if !ok {
			return
		}
		want, ok := decoded(data)
		if !ok {
			t.Fatalf("taken, but the decoder refuses it:\n%q", data)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\n got %+v\nwant %+v", data, got, want)
		}
	})
}
