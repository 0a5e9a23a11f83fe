package features

import (
	"fmt"
	"strings"

	"github.com/mxmigrate/mxmigrate/schema"
)

// Column is a user column of a feature, in declaration order.
type Column struct {
	Name     string
	Type     schema.Type
	Nullable bool
}

// SystemColumns are the columns Metaxy adds to every feature table, in order
// (SPEC section 5.2).
var SystemColumns = []Column{
	{"metaxy_provenance", schema.String, false},
	{"metaxy_provenance_by_field", schema.JSON, false},
	{"metaxy_feature_version", schema.String, false},
	{"metaxy_project_version", schema.String, false},
	{"metaxy_data_version", schema.String, false},
	{"metaxy_data_version_by_field", schema.JSON, false},
	{"metaxy_created_at", schema.TimestampTZ, false},
	{"metaxy_updated_at", schema.TimestampTZ, false},
	{"metaxy_materialization_id", schema.String, true},
	{"metaxy_deleted_at", schema.TimestampTZ, true},
}

// IsSystemColumn reports whether name is one of Metaxy's system columns.
func IsSystemColumn(name string) bool {
	for _, c := range SystemColumns {
		if c.Name == name {
			return true
		}
	}
	return false
}

// MapError is a JSON-Schema property that maps to no logical type.
type MapError struct {
	Feature, Property, Reason string
}

func (e *MapError) Error() string {
	return fmt.Sprintf("feature %s: property %q: %s; set its type with [ext.mxmigrate.column_types.%q] %s = \"<type>\" (types: %s)",
		e.Feature, e.Property, e.Reason, e.Feature, e.Property, schema.TypeNames())
}

// MapJSONSchema maps a feature's JSON Schema to columns in property order.
// System-column properties are skipped (Metaxy's definitions win). overrides
// gives explicit types per property and resolves unmappable ones.
func MapJSONSchema(feature string, data []byte, overrides map[string]schema.Type) ([]Column, error) {
	root, err := parseOrdered(data)
	if err != nil {
		return nil, fmt.Errorf("feature %s: feature_schema is not valid JSON: %v", feature, err)
	}
	m := &mapper{root: root}
	obj := root
	if r := root.get("$ref"); r.isString() {
		if obj, err = m.ref(r.str); err != nil {
			return nil, fmt.Errorf("feature %s: feature_schema: %v", feature, err)
		}
	}
	if obj == nil || obj.kind != 'o' {
		return nil, fmt.Errorf("feature %s: feature_schema is not a JSON object", feature)
	}
	props := obj.get("properties")
	if props == nil {
		return nil, nil
	}
	if props.kind != 'o' {
		return nil, fmt.Errorf("feature %s: feature_schema.properties is not an object", feature)
	}
	required := map[string]bool{}
	if req := obj.get("required"); req != nil && req.kind == 'a' {
		for _, r := range req.items {
			if r.isString() {
				required[r.str] = true
			}
		}
	}
	var cols []Column
	for _, name := range props.keys {
		if IsSystemColumn(name) {
			continue
		}
		t, nullable, reason := m.resolve(props.vals[name], 0)
		if ot, ok := overrides[name]; ok {
			t, reason = ot, ""
		}
		if reason != "" {
			return nil, &MapError{Feature: feature, Property: name, Reason: reason}
		}
		cols = append(cols, Column{Name: name, Type: t, Nullable: nullable || !required[name]})
	}
	return cols, nil
}

type mapper struct{ root *node }

func (m *mapper) ref(ref string) (*node, error) {
	path, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, fmt.Errorf("$ref %q is not local to the schema", ref)
	}
	cur := m.root
	for _, p := range strings.Split(path, "/") {
		p = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
		cur = cur.get(p)
		if cur == nil {
			return nil, fmt.Errorf("$ref %q points nowhere", ref)
		}
	}
	return cur, nil
}

// resolve returns the logical type of a property schema, whether null is
// allowed, and a reason when it maps to nothing.
func (m *mapper) resolve(p *node, depth int) (schema.Type, bool, string) {
	if depth > 32 {
		return "", false, "$ref nesting too deep"
	}
	if p == nil || p.kind != 'o' {
		return "", false, "property schema is not an object"
	}
	for _, key := range []string{"anyOf", "oneOf"} {
		if alts := p.get(key); alts != nil && alts.kind == 'a' {
			return m.alternatives(key, alts, depth)
		}
	}
	if all := p.get("allOf"); all != nil && all.kind == 'a' && len(all.items) == 1 {
		return m.resolve(all.items[0], depth+1)
	}
	if r := p.get("$ref"); r.isString() {
		target, err := m.ref(r.str)
		if err != nil {
			return "", false, err.Error()
		}
		// A reference to an enum of strings (a Python str Enum) is a string;
		// any other reference (a nested model) is stored as JSON.
		if e := target.get("enum"); e != nil {
			if t, n, reason := enumType(e); reason == "" {
				return t, n, ""
			}
		}
		return schema.JSON, false, ""
	}
	if e := p.get("enum"); e != nil {
		return enumType(e)
	}
	if c := p.get("const"); c != nil {
		return enumType(&node{kind: 'a', items: []*node{c}})
	}
	return typeKeyword(p)
}

// alternatives is the type of an anyOf or oneOf: one type, nullable when an
// alternative is null.
func (m *mapper) alternatives(key string, alts *node, depth int) (schema.Type, bool, string) {
	nullable := false
	var t schema.Type
	for _, a := range alts.items {
		if ty := a.get("type"); ty.isString() && ty.str == "null" && len(a.keys) <= 1 {
			nullable = true
			continue
		}
		at, an, reason := m.resolve(a, depth+1)
		if reason != "" {
			return "", false, reason
		}
		nullable = nullable || an
		if t != "" && t != at {
			return "", false, fmt.Sprintf("%s mixes types %s and %s", key, t, at)
		}
		t = at
	}
	if t == "" {
		return "", false, key + " allows only null"
	}
	return t, nullable, ""
}

// typeKeyword is the type of a schema's "type" keyword: one JSON type, or a
// list of one and "null".
func typeKeyword(p *node) (schema.Type, bool, string) {
	ty := p.get("type")
	if ty == nil {
		return "", false, "no type (an untyped or Any field)"
	}
	var types []string
	switch ty.kind {
	case 's':
		types = []string{ty.str}
	case 'a':
		for _, t := range ty.items {
			if t.isString() {
				types = append(types, t.str)
			}
		}
	}
	nullable := false
	var out schema.Type
	for _, t := range types {
		if t == "null" {
			nullable = true
			continue
		}
		lt, reason := scalarType(t, p)
		if reason != "" {
			return "", false, reason
		}
		if out != "" && out != lt {
			return "", false, fmt.Sprintf("type lists several types (%s)", strings.Join(types, ", "))
		}
		out = lt
	}
	if out == "" {
		return "", false, "type allows only null"
	}
	return out, nullable, ""
}

func scalarType(t string, p *node) (schema.Type, string) {
	switch t {
	case "string":
		format := ""
		if f := p.get("format"); f.isString() {
			format = strings.ToLower(f.str)
		}
		if ce := p.get("contentEncoding"); ce.isString() && strings.EqualFold(ce.str, "base64") {
			return schema.Bytes, ""
		}
		switch {
		case format == "date-time":
			return schema.TimestampTZ, ""
		case format == "date":
			return schema.Date, ""
		case format == "time":
			return schema.Time, ""
		case strings.HasPrefix(format, "uuid"):
			return schema.UUID, ""
		case format == "binary" || format == "base64" || format == "byte":
			return schema.Bytes, ""
		}
		return schema.String, ""
	case "integer":
		return schema.Int64, ""
	case "number":
		return schema.Float64, ""
	case "boolean":
		return schema.Bool, ""
	case "object", "array":
		return schema.JSON, ""
	}
	return "", fmt.Sprintf("unknown JSON Schema type %q", t)
}

func enumType(e *node) (schema.Type, bool, string) {
	if e.kind != 'a' || len(e.items) == 0 {
		return "", false, "empty enum"
	}
	var t schema.Type
	nullable := false
	for _, v := range e.items {
		var vt schema.Type
		switch v.kind {
		case 's':
			vt = schema.String
		case 'b':
			vt = schema.Bool
		case 'n':
			vt = schema.Float64
			if !strings.ContainsAny(string(v.num), ".eE") {
				vt = schema.Int64
			}
		case 'z':
			nullable = true
			continue
		default:
			return "", false, "enum of objects or arrays"
		}
		if t != "" && t != vt {
			if (t == schema.Int64 && vt == schema.Float64) || (t == schema.Float64 && vt == schema.Int64) {
				t = schema.Float64
				continue
			}
			return "", false, fmt.Sprintf("enum mixes %s and %s values", t, vt)
		}
		t = vt
	}
	if t == "" {
		return "", false, "enum allows only null"
	}
	return t, nullable, ""
}
