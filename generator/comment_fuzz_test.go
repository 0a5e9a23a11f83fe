package generator

import (
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/plan"
	"github.com/mxmigrate/mxmigrate/schema"
)

// FuzzHeaderInjection: whatever the environment (store name), message, note
// or table name, every line of a rendered file is blank, a comment, or a line
// of a planned statement: nothing mxmigrate writes into comments can become
// SQL. (A store name with a newline once became a live statement.)
func FuzzHeaderInjection(f *testing.F) {
	for _, s := range []string{"dev", "x\nDROP TABLE t; --", "a\rb", "a\u2028b", "a\x00b", "\x85", "é\tü", "\xff\xfe"} {
		f.Add(s, s, s, s)
	}
	f.Fuzz(func(t *testing.T, env, message, note, table string) {
		const stmt = "CREATE TABLE planned (x INT);"
		c := diff.Change{Kind: diff.DropColumn, Table: table, Column: &schema.Column{Name: table, Type: schema.String}}
		out := string(Render(Header{Tool: "mxmigrate " + env, Environment: env, Dialect: env, Message: message, Direction: "up", Transactional: true},
			[]plan.Statement{{SQL: stmt, Note: note, Changes: []diff.Change{c}}}))
		for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			if line != "" && !strings.HasPrefix(line, "-- ") && line != stmt {
				t.Fatalf("line %d is neither a comment nor the planned statement: %q\n%s", i+1, line, out)
			}
			if strings.ContainsAny(line, "\r\x00\u2028\u2029\u0085") {
				t.Fatalf("line %d holds a line break or NUL: %q", i+1, line)
			}
		}
	})
}

func TestCommentEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"dev\nDROP TABLE x; --": `dev DROP TABLE x\x3b --`,
		"a\x00b":                `a\x00b`,
		"a\u2028b":              "a b",
		"a\x1bb":                `a\x1bb`,
		"  spaced \t out  ":     "spaced out",
		"ünïcode":               "ünïcode",
	} {
		if got := Comment(in); got != want {
			t.Errorf("Comment(%q) = %q, want %q", in, got, want)
		}
	}
}
