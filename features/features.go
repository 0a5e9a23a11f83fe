package features

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/mxmigrate/mxmigrate/schema"
)

// Feature is one Metaxy feature definition.
type Feature struct {
	// Key is the feature key, parts joined by "/" ("video/raw").
	Key       string
	Project   string
	IDColumns []string
	ClassPath string
	// Schema is the feature's JSON Schema (from the Pydantic model), or nil
	// when Columns are written out directly (the human-friendly form).
	Schema []byte
	// Columns are explicit user columns (human-friendly form); nil otherwise.
	Columns []Column
	// Source names where the definition came from, for messages.
	Source string
}

// Parts returns the key's parts.
func (f *Feature) Parts() []string { return strings.Split(f.Key, "/") }

// Validate checks what mxmigrate uses: the key's parts, id_columns, project.
func (f *Feature) Validate() error {
	if err := ValidateKey(f.Key); err != nil {
		return fmt.Errorf("%s: %w", f.Source, err)
	}
	if len(f.IDColumns) == 0 {
		return fmt.Errorf("%s: feature %s: id_columns is empty", f.Source, f.Key)
	}
	seen := map[string]bool{}
	for _, c := range f.IDColumns {
		if c == "" {
			return fmt.Errorf("%s: feature %s: id_columns has an empty name", f.Source, f.Key)
		}
		if seen[c] {
			return fmt.Errorf("%s: feature %s: id column %q is listed twice", f.Source, f.Key, c)
		}
		if IsSystemColumn(c) {
			return fmt.Errorf("%s: feature %s: id column %q collides with Metaxy's system column of that name", f.Source, f.Key, c)
		}
		seen[c] = true
	}
	if f.Project == "" {
		return fmt.Errorf("%s: feature %s: no project (set `project` in the definition or in metaxy.toml)", f.Source, f.Key)
	}
	return nil
}

// ValidateKey checks a feature key: parts joined by "/", each non-empty and
// free of "__" (which joins parts in table names).
func ValidateKey(key string) error {
	if key == "" {
		return fmt.Errorf("invalid feature key %q: empty", key)
	}
	for _, p := range strings.Split(key, "/") {
		if p == "" {
			return fmt.Errorf("invalid feature key %q: empty key part", key)
		}
		if strings.Contains(p, "__") {
			return fmt.Errorf("invalid feature key %q: part %q contains \"__\"", key, p)
		}
		if strings.TrimSpace(p) != p {
			return fmt.Errorf("invalid feature key %q: part %q has surrounding space", key, p)
		}
		if err := schema.CheckName(p); err != nil {
			return fmt.Errorf("invalid feature key %q: %w", key, err)
		}
	}
	return nil
}

// UserColumns returns the feature's user columns: the explicit ones, or those
// mapped from its JSON Schema with overrides applied.
func (f *Feature) UserColumns(overrides map[string]schema.Type) ([]Column, error) {
	if f.Schema == nil && len(overrides) == 0 {
		return f.Columns, nil // read only (desired.FeatureTables copies)
	}
	if f.Schema == nil {
		out := make([]Column, len(f.Columns))
		copy(out, f.Columns)
		for i := range out {
			if t, ok := overrides[out[i].Name]; ok {
				out[i].Type = t
			}
		}
		return out, nil
	}
	cols, err := MapJSONSchema(f.Key, f.Schema, overrides)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Source, err)
	}
	return cols, nil
}

// fingerprint is what "defines the same key differently" compares.
func (f *Feature) fingerprint() string {
	var b strings.Builder
	b.WriteString(f.Project + "\x00" + strings.Join(f.IDColumns, ",") + "\x00")
	if f.Schema != nil {
		var v any
		if json.Unmarshal(f.Schema, &v) == nil {
			norm, _ := json.Marshal(v) // sorted keys: formatting differences do not count
			b.Write(norm)
			// property order matters for column order
			if n, err := parseOrdered(f.Schema); err == nil {
				if p := n.get("properties"); p != nil {
					b.WriteString(strings.Join(p.keys, ","))
				}
			}
		} else {
			b.Write(f.Schema)
		}
	}
	for _, c := range f.Columns {
		fmt.Fprintf(&b, "|%s:%s:%v", c.Name, c.Type, c.Nullable)
	}
	return b.String()
}

// Set is the merged feature graph.
type Set struct {
	Features []*Feature // sorted by project, then key
	// Warnings say which source won where two defined a key differently.
	Warnings []string
}

// Merge combines sources in increasing precedence (later wins). strict sources
// (definition files among themselves) may not disagree on a key.
type Source struct {
	Name     string
	Features []*Feature
	// Strict marks a definition file: disagreeing with another strict source is an error.
	Strict bool
}

// Merge merges sources, later ones winning, and validates every feature.
func Merge(sources ...Source) (*Set, error) {
	type entry struct {
		f      *Feature
		strict bool
	}
	byKey := map[string]entry{}
	var warnings []string
	for _, src := range sources {
		for _, f := range src.Features {
			if err := f.Validate(); err != nil {
				return nil, err
			}
			id := f.Project + "\x00" + f.Key
			prev, ok := byKey[id]
			if ok && prev.f.fingerprint() != f.fingerprint() {
				if prev.strict && src.Strict {
					return nil, fmt.Errorf("feature %s (project %s) is defined differently in %s and %s; keep one definition", f.Key, f.Project, prev.f.Source, f.Source)
				}
				warnings = append(warnings, fmt.Sprintf("feature %s (project %s): %s overrides the different definition in %s", f.Key, f.Project, f.Source, prev.f.Source))
			}
			byKey[id] = entry{f, src.Strict}
		}
	}
	s := &Set{Warnings: warnings}
	for _, e := range byKey {
		s.Features = append(s.Features, e.f)
	}
	sort.Slice(s.Features, func(i, j int) bool {
		a, b := s.Features[i], s.Features[j]
		if a.Project != b.Project {
			return a.Project < b.Project
		}
		return a.Key < b.Key
	})
	return s, nil
}
