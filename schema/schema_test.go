package schema

import (
	"strings"
	"testing"
)

func TestParseType(t *testing.T) {
	for _, lt := range LogicalTypes {
		got, ok := ParseType(string(lt))
		if !ok || got != lt {
			t.Errorf("ParseType(%q) = %q, %v", lt, got, ok)
		}
	}
	if got, ok := ParseType("BIGINT"); !ok || got != Int64 {
		t.Errorf("alias BIGINT: %q %v", got, ok)
	}
	if _, ok := ParseType("decimal"); ok {
		t.Error("decimal must not parse")
	}
	for _, s := range []string{"int", "INTEGER", "float"} {
		if _, ok := ParseType(s); ok {
			t.Errorf("%s is ambiguous (32 bits in databases, 64 in JSON Schema) and must not parse", s)
		}
		if msg := UnknownType(s); !strings.Contains(msg, "ambiguous") || !strings.Contains(msg, "32") {
			t.Errorf("UnknownType(%s) = %s", s, msg)
		}
	}
	if got, ok := ParseType("real"); !ok || got != Float32 {
		t.Errorf("real: %q %v", got, ok)
	}
	if s, ok := Raw("decimal(10,2)").IsRaw(); !ok || s != "DECIMAL(10,2)" {
		t.Errorf("Raw: %q %v", s, ok)
	}
}

func TestName(t *testing.T) {
	cases := []struct {
		tmpl string
		cols []string
		want string
	}{
		{"pk_%(table_name)s", []string{"a"}, "pk_t"},
		{"ix_%(table_name)s_%(column_0_N_name)s", []string{"a", "b"}, "ix_t_a_b"},
		{"ix_%(column_0N_name)s", []string{"a", "b"}, "ix_ab"},
		{"ix_%(column_0_name)s", []string{"a", "b"}, "ix_a"},
		{"ix_%(column_0_label)s", []string{"a", "b"}, "ix_t_a"},
		{"ix_%(column_0_N_label)s", []string{"a", "b"}, "ix_t_a_t_b"},
		{"ix_%(column_0_key)s", []string{"a"}, "ix_a"},
	}
	for _, c := range cases {
		got, err := Name(c.tmpl, "t", c.cols, "")
		if err != nil || got != c.want {
			t.Errorf("Name(%q) = %q, %v; want %q", c.tmpl, got, err, c.want)
		}
	}
	if _, err := Name("%(constraint_name)s", "t", []string{"a"}, ""); err == nil {
		t.Error("constraint_name without explicit name must fail")
	}
	if got, _ := Name("x_%(constraint_name)s", "t", []string{"a"}, "n"); got != "x_n" {
		t.Errorf("constraint_name: %q", got)
	}
	if err := ValidateTemplate("ix_%(bogus)s"); err == nil {
		t.Error("unknown token must fail validation")
	}
	if err := ValidateTemplate("ix_%(table_name)s_%(column_0_N_name)s"); err != nil {
		t.Error(err)
	}
}

func TestShorten(t *testing.T) {
	long := strings.Repeat("a", 100)
	s := Shorten(long, 63)
	if len(s) != 63 {
		t.Fatalf("len %d", len(s))
	}
	if Shorten(long, 63) != s {
		t.Error("not deterministic")
	}
	other := Shorten(strings.Repeat("a", 99)+"b", 63)
	if other == s {
		t.Error("two long names collide")
	}
	if Shorten("short", 63) != "short" || Shorten(long, 0) != long {
		t.Error("names that fit must stay")
	}
	// never split a UTF-8 sequence
	u := Shorten(strings.Repeat("é", 60), 63)
	if !strings.HasPrefix(u, "é") || len(u) > 63 || !isValidUTF8(u) {
		t.Errorf("utf8: %q", u)
	}
}

func isValidUTF8(s string) bool { return strings.ToValidUTF8(s, "?") == s }

func TestCloneIsDeep(t *testing.T) {
	s := &Schema{Tables: []*Table{{Name: "t", Columns: []*Column{{Name: "a", Type: String}},
		PrimaryKey: &PrimaryKey{Columns: []string{"a"}}, Indexes: []*Index{{Name: "i", Columns: []string{"a"}}}}}}
	c := s.Clone()
	c.Tables[0].Columns[0].Name = "x"
	c.Tables[0].PrimaryKey.Columns[0] = "x"
	c.Tables[0].Indexes[0].Columns[0] = "x"
	if s.Tables[0].Columns[0].Name != "a" || s.Tables[0].PrimaryKey.Columns[0] != "a" || s.Tables[0].Indexes[0].Columns[0] != "a" {
		t.Error("Clone shares memory")
	}
}
