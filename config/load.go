package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ErrNoConfig is returned when discovery finds no configuration file.
var ErrNoConfig = errors.New("no metaxy.toml found (searched --config, $METAXY_CONFIG, metaxy.toml and pyproject.toml [tool.metaxy] from the working directory upwards); run `mxmigrate init` to create one")

// Options says where to look for the configuration.
type Options struct {
	// Path is --config; empty means discover.
	Path string
	// WorkDir is where discovery starts; empty means the process's.
	WorkDir string
	// Environ is the environment as KEY=VALUE; nil means os.Environ().
	Environ []string
}

// Find returns the configuration file discovery selects (SPEC section 3).
func Find(opts Options) (string, error) {
	env := envMap(opts.Environ)
	if opts.Path != "" {
		return existing(opts.Path, "--config")
	}
	if p := env["METAXY_CONFIG"]; p != "" {
		return existing(p, "METAXY_CONFIG")
	}
	dir := opts.WorkDir
	if dir == "" {
		var err error
		if dir, err = os.Getwd(); err != nil {
			return "", err
		}
	}
	dir, _ = filepath.Abs(dir)
	for d := dir; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "metaxy.toml")
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	for d := dir; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "pyproject.toml")
		if data, err := os.ReadFile(p); err == nil {
			if m, err := DecodeTOML(p, data); err == nil {
				if _, ok := dig(m, "tool", "metaxy").(map[string]any); ok {
					return p, nil
				}
			}
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	return "", ErrNoConfig
}

func existing(p, from string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(abs); err != nil {
		return "", fmt.Errorf("config file %s (from %s): %w", p, from, err)
	}
	return abs, nil
}

// Load discovers and reads the configuration.
func Load(opts Options) (*Config, error) {
	path, err := Find(opts)
	if err != nil {
		return nil, err
	}
	raw, err := readWithExtends(path, map[string]bool{})
	if err != nil {
		return nil, err
	}
	env := envMap(opts.Environ)
	if err := applyEnvOverrides(raw, env); err != nil {
		return nil, err
	}
	return build(path, raw, env)
}

// readFile reads one config file; a pyproject.toml contributes its [tool.metaxy] table.
func readFile(path string) (map[string]any, error) {
	m, err := DecodeTOMLFile(path)
	if err != nil {
		return nil, err
	}
	if filepath.Base(path) == "pyproject.toml" {
		sub, ok := dig(m, "tool", "metaxy").(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: no [tool.metaxy] table", path)
		}
		return sub, nil
	}
	return m, nil
}

func readWithExtends(path string, seen map[string]bool) (map[string]any, error) {
	if seen[path] {
		return nil, fmt.Errorf("%s: `extend` cycle", path)
	}
	seen[path] = true
	m, err := readFile(path)
	if err != nil {
		return nil, err
	}
	ext, ok := m["extend"]
	if !ok {
		return m, nil
	}
	delete(m, "extend")
	var parents []string
	switch v := ext.(type) {
	case string:
		parents = []string{v}
	case []any:
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("%s: `extend` must be a path or a list of paths", path)
			}
			parents = append(parents, s)
		}
	default:
		return nil, fmt.Errorf("%s: `extend` must be a path or a list of paths", path)
	}
	base := map[string]any{}
	for _, p := range parents {
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(path), p)
		}
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("%s: extend = %q: %w", path, p, err)
		}
		pm, err := readWithExtends(p, seen)
		if err != nil {
			return nil, err
		}
		deepMerge(base, pm)
	}
	deepMerge(base, m)
	return base, nil
}

// deepMerge copies src into dst; nested tables merge, everything else is replaced.
func deepMerge(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				deepMerge(dm, sm)
				continue
			}
			cp := map[string]any{}
			deepMerge(cp, sm)
			dst[k] = cp
			continue
		}
		dst[k] = v
	}
}

func envMap(environ []string) map[string]string {
	if environ == nil {
		environ = os.Environ()
	}
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

// applyEnvOverrides applies METAXY_A__B__C=value as raw["a"]["b"]["c"] = value,
// matching existing keys case-insensitively (SPEC section 3).
func applyEnvOverrides(raw map[string]any, env map[string]string) error {
	keys := make([]string, 0, len(env))
	for k := range env {
		if len(k) > 7 && strings.EqualFold(k[:7], "METAXY_") && !strings.EqualFold(k, "METAXY_CONFIG") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts := strings.Split(k[7:], "__")
		cur := raw
		for i, p := range parts {
			if p == "" {
				return fmt.Errorf("environment variable %s: empty key part", k)
			}
			key := findKey(cur, p)
			if i == len(parts)-1 {
				cur[key] = envValue(env[k])
				break
			}
			next, ok := cur[key].(map[string]any)
			if !ok {
				next = map[string]any{}
				cur[key] = next
			}
			cur = next
		}
	}
	return nil
}

func findKey(m map[string]any, k string) string {
	if _, ok := m[k]; ok {
		return k
	}
	for existing := range m {
		if strings.EqualFold(existing, k) {
			return existing
		}
	}
	return strings.ToLower(k)
}

// envValue converts an override's text: JSON arrays and objects are decoded
// (as pydantic-settings does for complex values); everything else stays text
// and typed accessors convert it ("true" for a bool).
func envValue(s string) any {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "[") || strings.HasPrefix(t, "{") {
		var v any
		if json.Unmarshal([]byte(t), &v) == nil {
			return v
		}
	}
	return s
}

func dig(m map[string]any, path ...string) any {
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[p]
	}
	return cur
}
