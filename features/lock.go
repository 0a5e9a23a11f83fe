package features

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// FromLockMap reads the lock-file shape: features."<key>".data with spec,
// feature_schema (a JSON string or object), project and feature_class_path.
// Unknown keys are ignored: Metaxy adds fields over time. source names the
// file for messages.
func FromLockMap(source string, m map[string]any, defaultProject string) ([]*Feature, error) {
	raw, ok := m["features"]
	if !ok {
		return nil, nil
	}
	fm, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: `features` must be a table keyed by feature key", source)
	}
	keys := make([]string, 0, len(fm))
	for k := range fm {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []*Feature
	for _, key := range keys {
		entry, ok := fm[key].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: features.%q must be a table", source, key)
		}
		data, ok := entry["data"].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: features.%q has no `data` table", source, key)
		}
		f, err := fromData(fmt.Sprintf("%s: features.%q", source, key), key, data, defaultProject)
		if err != nil {
			return nil, err
		}
		f.Source = source
		out = append(out, f)
	}
	return out, nil
}

// fromData reads one feature's data table (lock shape). where prefixes errors.
func fromData(where, key string, data map[string]any, defaultProject string) (*Feature, error) {
	f := &Feature{Key: key}
	var err error
	if f.Project, err = optString(data, "project", where); err != nil {
		return nil, err
	}
	if f.Project == "" {
		f.Project = defaultProject
	}
	if f.ClassPath, err = optString(data, "feature_class_path", where); err != nil {
		return nil, err
	}
	spec, ok := data["spec"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: data.spec is missing or not a table", where)
	}
	if err := readSpec(f, spec, where); err != nil {
		return nil, err
	}
	switch s := data["feature_schema"].(type) {
	case nil:
		return nil, fmt.Errorf("%s: data.feature_schema is missing", where)
	case string:
		f.Schema = []byte(s)
	case *node:
		f.Schema = s.marshal()
	default:
		return nil, fmt.Errorf("%s: data.feature_schema must be a JSON string", where)
	}
	return f, nil
}

func readSpec(f *Feature, spec map[string]any, where string) error {
	if k, ok := spec["key"]; ok {
		sk, err := keyString(k)
		if err != nil {
			return fmt.Errorf("%s: spec.key: %w", where, err)
		}
		if f.Key == "" {
			f.Key = sk
		} else if sk != f.Key {
			return fmt.Errorf("%s: spec.key %q does not match the feature's key %q", where, sk, f.Key)
		}
	}
	if f.Key == "" {
		return fmt.Errorf("%s: spec.key is missing", where)
	}
	ids, ok := spec["id_columns"]
	if !ok {
		return fmt.Errorf("%s: feature %s: spec.id_columns is missing", where, f.Key)
	}
	list, err := stringList(ids)
	if err != nil {
		return fmt.Errorf("%s: feature %s: spec.id_columns: %w", where, f.Key, err)
	}
	f.IDColumns = list
	return nil
}

// keyString accepts "a/b" or ["a", "b"] (older Metaxy versions).
func keyString(v any) (string, error) {
	switch k := v.(type) {
	case string:
		return k, nil
	case []any:
		parts, err := stringList(k)
		if err != nil {
			return "", err
		}
		for _, p := range parts {
			if strings.Contains(p, "/") {
				return "", fmt.Errorf("key part %q contains \"/\"", p)
			}
		}
		return strings.Join(parts, "/"), nil
	case map[string]any:
		if p, ok := k["path"]; ok {
			return keyString(p)
		}
		if p, ok := k["parts"]; ok {
			return keyString(p)
		}
	}
	return "", fmt.Errorf("must be a string like \"a/b\" or a list of parts")
}

func stringList(v any) ([]string, error) {
	items, ok := v.([]any)
	if !ok {
		if ss, ok := v.([]string); ok {
			return ss, nil
		}
		return nil, fmt.Errorf("must be a list of strings")
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		s, ok := it.(string)
		if !ok {
			return nil, fmt.Errorf("must be a list of strings, found %v", it)
		}
		out = append(out, s)
	}
	return out, nil
}

func optString(m map[string]any, k, where string) (string, error) {
	switch v := m[k].(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	default:
		return "", fmt.Errorf("%s: %s must be a string", where, k)
	}
}

// toGeneric converts an ordered JSON node into Go values, except that any
// object under "feature_schema" stays a *node so its key order survives.
func toGeneric(n *node, key string) any {
	switch n.kind {
	case 'o':
		if key == "feature_schema" {
			return n
		}
		m := make(map[string]any, len(n.keys))
		for _, k := range n.keys {
			m[k] = toGeneric(n.vals[k], k)
		}
		return m
	case 'a':
		out := make([]any, len(n.items))
		for i, it := range n.items {
			out[i] = toGeneric(it, "")
		}
		return out
	case 's':
		return n.str
	case 'n':
		return n.num
	case 'b':
		return n.b
	}
	return nil
}

// marshal writes n as compact JSON, keeping key order.
func (n *node) marshal() []byte {
	var b []byte
	var walk func(*node)
	walk = func(n *node) {
		switch n.kind {
		case 'o':
			b = append(b, '{')
			for i, k := range n.keys {
				if i > 0 {
					b = append(b, ',')
				}
				kb, _ := json.Marshal(k)
				b = append(b, kb...)
				b = append(b, ':')
				walk(n.vals[k])
			}
			b = append(b, '}')
		case 'a':
			b = append(b, '[')
			for i, it := range n.items {
				if i > 0 {
					b = append(b, ',')
				}
				walk(it)
			}
			b = append(b, ']')
		case 's':
			sb, _ := json.Marshal(n.str)
			b = append(b, sb...)
		case 'n':
			b = append(b, n.num...)
		case 'b':
			if n.b {
				b = append(b, "true"...)
			} else {
				b = append(b, "false"...)
			}
		default:
			b = append(b, "null"...)
		}
	}
	walk(n)
	return b
}
