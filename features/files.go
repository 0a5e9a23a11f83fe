package features

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/schema"
	"github.com/pelletier/go-toml/v2"
)

// LoadLockFile reads Metaxy's metaxy.lock. A missing file yields no features.
func LoadLockFile(path, defaultProject string) ([]*Feature, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	m, err := config.DecodeTOML(path, data)
	if err != nil {
		return nil, err
	}
	return FromLockMap(path, m, defaultProject)
}

// LoadDefinitionFiles expands the glob patterns and reads each matching file,
// in sorted order, as its own source. A pattern that matches nothing is an
// error (a typo would otherwise silently drop features).
func LoadDefinitionFiles(patterns []string, defaultProject string) ([]Source, error) {
	var files []string
	seen := map[string]bool{}
	for _, p := range patterns {
		matches, err := filepath.Glob(p)
		if err != nil {
			return nil, fmt.Errorf("ext.mxmigrate.definitions: bad pattern %q: %w", p, err)
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("ext.mxmigrate.definitions: %q matches no file", p)
		}
		sort.Strings(matches)
		for _, m := range matches {
			if !seen[m] {
				seen[m] = true
				files = append(files, m)
			}
		}
	}
	var out []Source
	for _, f := range files {
		fs, err := LoadDefinitionFile(f, defaultProject)
		if err != nil {
			return nil, err
		}
		out = append(out, Source{Name: f, Features: fs, Strict: true})
	}
	return out, nil
}

// LoadDefinitionFile reads one definition file: the lock shape in TOML or
// JSON, the human-friendly TOML form ([[feature]] with [[feature.column]]),
// or feature_versions rows as JSON Lines (.jsonl).
func LoadDefinitionFile(path, defaultProject string) ([]*Feature, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".json" && ext != ".jsonl" && ext != ".ndjson" {
		return loadTOML(path, defaultProject)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if ext != ".json" {
		rows, err := ReadRowsJSONL(path, data)
		if err != nil {
			return nil, err
		}
		return FromStoreRows(path, rows)
	}
	n, err := parseOrdered(data)
	if err != nil {
		return nil, config.JSONError(path, data, jsonSyntax(data, err))
	}
	m, ok := toGeneric(n, "").(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: expected a JSON object with a `features` object", path)
	}
	if _, ok := m["features"]; !ok {
		return nil, fmt.Errorf("%s: no `features` object (the lock-file shape)", path)
	}
	return FromLockMap(path, m, defaultProject)
}

// loadTOML reads a definition file in TOML: a valid file in the human
// form through humanFast, anything else through go-toml's decoder.
func loadTOML(path, defaultProject string) ([]*Feature, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if hf, ok := humanFast(data); ok {
		return fromHumanForm(path, hf, defaultProject)
	}
	// the decoder reads the file itself: given data, it would copy it
	return decodeTOML(path, defaultProject)
}

// decodeTOML decodes a definition file with go-toml's decoder: the lock
// shape, or the human form with its errors.
func decodeTOML(path, defaultProject string) ([]*Feature, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// One parse for both TOML forms: strict for the human form (a typo in a
	// key is an error), lenient for the lock shape (Metaxy adds fields).
	var hf humanFile
	dec := toml.NewDecoder(f)
	dec.DisallowUnknownFields()
	err = dec.Decode(&hf)
	var strict *toml.StrictMissingError
	switch {
	case err != nil && !(errors.As(err, &strict) && hf.Features != nil && hf.Feature == nil):
		if strict != nil {
			return nil, fmt.Errorf("%w\n(known keys: project; feature.key, .project, .id_columns, .class_path, .description; feature.column.name, .type, .nullable, .description)", config.TOMLError(path, err))
		}
		return nil, config.TOMLError(path, err)
	case hf.Features != nil && hf.Feature != nil:
		return nil, fmt.Errorf("%s: has both `features` (lock shape) and `feature` (human form); use one per file", path)
	case hf.Features != nil:
		return FromLockMap(path, map[string]any{"features": hf.Features}, defaultProject)
	case hf.Feature != nil:
		return fromHumanForm(path, &hf, defaultProject)
	}
	return nil, fmt.Errorf("%s: no features: expected [[feature]] tables (human form) or [features.\"<key>\".data] (lock shape)", path)
}

// jsonSyntax re-runs the standard decoder to get an error with an offset.
func jsonSyntax(data []byte, err error) error {
	var v any
	if e := json.Unmarshal(data, &v); e != nil {
		return e
	}
	return err
}

// humanFile is the human-friendly definition form, documented in docs/definitions.md.
type humanFile struct {
	Project string         `toml:"project"`
	Feature []humanFeature `toml:"feature"`
	// Features is the lock shape, read leniently when a file has it.
	Features map[string]any `toml:"features"`
}

type humanFeature struct {
	Key         string        `toml:"key"`
	Project     string        `toml:"project"`
	IDColumns   []string      `toml:"id_columns"`
	ClassPath   string        `toml:"class_path"`
	Description string        `toml:"description"`
	Column      []humanColumn `toml:"column"`
}

type humanColumn struct {
	Name        string `toml:"name"`
	Type        string `toml:"type"`
	Nullable    bool   `toml:"nullable"`
	Description string `toml:"description"`
}

func fromHumanForm(path string, hf *humanFile, defaultProject string) ([]*Feature, error) {
	project := hf.Project
	if project == "" {
		project = defaultProject
	}
	out := make([]*Feature, 0, len(hf.Feature))
	names := map[string]bool{} // a feature's column names, cleared per feature
	for i, h := range hf.Feature {
		if h.Key == "" {
			return nil, fmt.Errorf("%s: feature[%d]: `key` is missing", path, i)
		}
		where := func() string { return fmt.Sprintf("%s: feature %s", path, h.Key) }
		f := &Feature{Key: h.Key, Project: h.Project, IDColumns: h.IDColumns, ClassPath: h.ClassPath, Source: path, Columns: make([]Column, 0, len(h.Column))}
		if f.Project == "" {
			f.Project = project
		}
		clear(names)
		for j, c := range h.Column {
			if c.Name == "" {
				return nil, fmt.Errorf("%s: column[%d]: `name` is missing", where(), j)
			}
			if IsSystemColumn(c.Name) {
				return nil, fmt.Errorf("%s: column %q collides with Metaxy's system column of that name", where(), c.Name)
			}
			if names[c.Name] {
				return nil, fmt.Errorf("%s: column %q is defined twice", where(), c.Name)
			}
			names[c.Name] = true
			t, ok := schema.ParseType(c.Type)
			if !ok {
				return nil, fmt.Errorf("%s: column %q: %s", where(), c.Name, schema.UnknownType(c.Type))
			}
			f.Columns = append(f.Columns, Column{Name: c.Name, Type: t, Nullable: c.Nullable})
		}
		out = append(out, f)
	}
	return out, nil
}

// StoreRow is one row of metaxy_system__feature_versions, as `metaxy push` writes it.
type StoreRow struct {
	Project           string  `json:"project"`
	FeatureKey        string  `json:"feature_key"`
	DefinitionVersion string  `json:"metaxy_definition_version"`
	RecordedAt        string  `json:"recorded_at"`
	FeatureSpec       string  `json:"feature_spec"`
	FeatureSchema     string  `json:"feature_schema"`
	ClassPath         string  `json:"feature_class_path"`
	DeletedAt         *string `json:"deleted_at"`
}

// ReadRowsJSONL reads feature_versions rows, one JSON object per line.
func ReadRowsJSONL(path string, data []byte) ([]StoreRow, error) {
	var rows []StoreRow
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		var r StoreRow
		if err := json.Unmarshal(text, &r); err != nil {
			return nil, fmt.Errorf("%s:%d: invalid JSON row: %v", path, line, err)
		}
		rows = append(rows, r)
	}
	return rows, sc.Err()
}

// FromStoreRows keeps the latest row per (project, feature_key) by recorded_at
// and drops features whose latest row is deleted.
func FromStoreRows(source string, rows []StoreRow) ([]*Feature, error) {
	latest := map[string]StoreRow{}
	for _, r := range rows {
		id := r.Project + "\x00" + r.FeatureKey
		prev, ok := latest[id]
		if !ok || r.RecordedAt > prev.RecordedAt || (r.RecordedAt == prev.RecordedAt && r.DefinitionVersion > prev.DefinitionVersion) {
			latest[id] = r
		}
	}
	ids := make([]string, 0, len(latest))
	for id := range latest {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []*Feature
	for _, id := range ids {
		r := latest[id]
		if r.DeletedAt != nil && *r.DeletedAt != "" {
			continue
		}
		where := fmt.Sprintf("%s: feature %s (project %s, definition %s)", source, r.FeatureKey, r.Project, r.DefinitionVersion)
		spec := map[string]any{}
		if err := json.Unmarshal([]byte(r.FeatureSpec), &spec); err != nil {
			return nil, fmt.Errorf("%s: feature_spec is not valid JSON: %v", where, err)
		}
		f := &Feature{Key: r.FeatureKey, Project: r.Project, ClassPath: r.ClassPath, Schema: []byte(r.FeatureSchema), Source: source}
		if err := readSpec(f, spec, where); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}
