package config

import (
	"errors"
	"fmt"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/mxmigrate/mxmigrate/schema"
)

// Targets.
const (
	TargetSystem   = "metaxy_system"
	TargetFeatures = "metaxy_features"
)

// Config is the typed view of a metaxy.toml that mxmigrate uses.
type Config struct {
	// Path is the file that was read; Dir is its directory, against which
	// relative paths in the configuration resolve.
	Path string
	Dir  string

	Project      string
	DefaultStore string
	Stores       map[string]*Store
	// LockPath is metaxy_lock_path, absolute (default: metaxy.lock beside Path).
	LockPath string

	SQLAlchemy SQLAlchemy
	Mx         Mx

	// Warnings are non-fatal findings (e.g. a store without `type`).
	Warnings []string
	// MxKeys are the keys [ext.mxmigrate] sets, and EnvKeys those each of
	// its environments sets, sorted: for the check of unknown keys.
	MxKeys  []string
	EnvKeys map[string][]string
	// Raw is the merged configuration tree after overrides, before templating.
	Raw map[string]any
}

// SQLAlchemy is [ext.sqlalchemy].
type SQLAlchemy struct {
	Enable           bool
	InjectPrimaryKey bool
	InjectIndex      bool
}

// Mx is [ext.mxmigrate].
type Mx struct {
	// Dir is the root of migration directories (default "migrations"), absolute.
	Dir string
	// Definitions are glob patterns of extra feature definition files, absolute.
	Definitions []string
	Naming      schema.Convention
	// ColumnTypes maps feature key -> column -> logical type, overriding the
	// type derived from the feature's JSON Schema.
	ColumnTypes map[string]map[string]schema.Type
	// Key is [ext.mxmigrate] key: the columns of the injected primary key and
	// index, "{id_columns}" standing for the feature's id columns. Nil: the
	// default, DefaultKey.
	Key []string
	// Environments holds per-environment overrides keyed by "<store>:<target>".
	Environments map[string]EnvOverride
	// Ignore are [ext.mxmigrate] ignore patterns, "<table>.<object>" with
	// path.Match globs: objects mxmigrate does not manage that it neither
	// lists nor drops.
	Ignore []string
	// ManageUnknown is [ext.mxmigrate] manage_unknown: ManageKeep (default)
	// or ManageDrop.
	ManageUnknown string
	// DevURL is [ext.mxmigrate] dev_url: the dev database generate proves
	// plans on ("": the dialect's default, docs/proof.md).
	DevURL string
	// Renames is [ext.mxmigrate] renames: features and columns the
	// definitions now call by another name than the database does.
	Renames Renames
	// DefinitionsFromStore is [ext.mxmigrate] definitions_from_store: the
	// store whose feature_versions rows are read as definitions too, as
	// --definitions-from-store does ("": none; ".": the environment's own).
	DefinitionsFromStore string
}

// Renames are [ext.mxmigrate] renames = { "old/key" = "new/key", "key" =
// { old = "new" } }: a feature's new key, and a feature's columns' new
// names (under the feature's current key).
type Renames struct {
	Features map[string]string
	Columns  map[string]map[string]string
}

// manage_unknown values.
const (
	ManageKeep = "keep"
	ManageDrop = "drop"
)

// Ignored reports whether table.name matches one of the ignore patterns.
func (m *Mx) Ignored(table, name string) bool {
	for _, p := range m.Ignore {
		if ok, _ := path.Match(p, table+"."+name); ok {
			return true
		}
	}
	return false
}

// EnvOverride is [ext.mxmigrate.environments."<store>:<target>"].
type EnvOverride struct {
	Dir             string
	MigrationsTable string
	// DevURL overrides [ext.mxmigrate] dev_url for this environment.
	DevURL string
	// DefinitionsFromStore overrides [ext.mxmigrate] definitions_from_store
	// for this environment when set ("": none; ".": its own store).
	DefinitionsFromStore *string
}

// Store is one [stores.<name>] entry. Only what every Metaxy store has is
// typed here; the dialect that handles Type parses the rest of its config
// table (its Configure method), through String.
type Store struct {
	Name string
	// Type is Metaxy's class path as written.
	Type        string
	TablePrefix string
	// Settings is the store's config table as written (values not templated).
	Settings map[string]any
	// Err is set when the store cannot be used (bad template in type or
	// table_prefix); it is reported when the store is selected, not before.
	Err error
	// ConfigPath is the configuration file; ConfigDir its directory, against
	// which relative paths resolve.
	ConfigPath string
	ConfigDir  string

	expand func(string) (string, error)
}

// Key is the dotted configuration key of one of the store's settings.
func (s *Store) Key(setting string) string { return "stores." + s.Name + ".config." + setting }

// Has reports whether the store's config table sets key.
func (s *Store) Has(key string) bool { return s.Settings[key] != nil }

// String returns the setting key, templated (${VAR}, ${VAR:-default}); "" when
// it is not set. A value that is not a string is an error naming the key.
func (s *Store) String(key string) (string, error) {
	switch v := s.Settings[key].(type) {
	case nil:
		return "", nil
	case string:
		return s.Templated(key, v)
	default:
		return "", fmt.Errorf("%s: %s must be a string, got %v", s.ConfigPath, s.Key(key), v)
	}
}

// Templated expands v, a string found under the setting key (a nested
// one, "ducklake.catalog.uri"): ${VAR}, ${VAR:-default}; an error names the
// key.
func (s *Store) Templated(key, v string) (string, error) {
	if s.expand == nil {
		return v, nil
	}
	out, err := s.expand(v)
	if err != nil {
		return "", fmt.Errorf("%s: %s: %w", s.ConfigPath, s.Key(key), err)
	}
	return out, nil
}

// Resolve makes a relative file path absolute against the configuration's directory.
func (s *Store) Resolve(p string) string {
	if p == "" || filepath.IsAbs(p) || s.ConfigDir == "" {
		return p
	}
	return filepath.Join(s.ConfigDir, p)
}

type builder struct {
	path string
	env  map[string]string
}

func (b *builder) lookup(name string) (string, bool) {
	v, ok := b.env[name]
	return v, ok
}

// str reads a string at key (dotted path for messages), templated.
func (b *builder) str(v any, key string) (string, error) {
	switch s := v.(type) {
	case nil:
		return "", nil
	case string:
		out, err := Expand(s, b.lookup)
		if err != nil {
			return "", fmt.Errorf("%s: %s: %w", b.path, key, err)
		}
		return out, nil
	default:
		return "", fmt.Errorf("%s: %s must be a string, got %v", b.path, key, v)
	}
}

func (b *builder) boolean(v any, key string, def bool) (bool, error) {
	switch x := v.(type) {
	case nil:
		return def, nil
	case bool:
		return x, nil
	case string:
		s, err := Expand(x, b.lookup)
		if err != nil {
			return false, fmt.Errorf("%s: %s: %w", b.path, key, err)
		}
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true", "1", "yes", "on":
			return true, nil
		case "false", "0", "no", "off", "":
			return false, nil
		}
	}
	return false, fmt.Errorf("%s: %s must be true or false, got %v", b.path, key, v)
}

func (b *builder) table(v any, key string) (map[string]any, error) {
	switch m := v.(type) {
	case nil:
		return map[string]any{}, nil
	case map[string]any:
		return m, nil
	}
	return nil, fmt.Errorf("%s: %s must be a table", b.path, key)
}

func build(path string, raw map[string]any, env map[string]string) (*Config, error) {
	b := &builder{path: path, env: env}
	c := &Config{Path: path, Dir: filepath.Dir(path), Raw: raw, Stores: map[string]*Store{}}
	var err error
	if c.Project, err = b.str(raw["project"], "project"); err != nil {
		return nil, err
	}
	if c.DefaultStore, err = b.str(raw["store"], "store"); err != nil {
		return nil, err
	}
	if c.DefaultStore == "" {
		c.DefaultStore = "dev"
	}
	lock, err := b.str(raw["metaxy_lock_path"], "metaxy_lock_path")
	if err != nil {
		return nil, err
	}
	if lock == "" {
		lock = "metaxy.lock"
	}
	c.LockPath = c.abs(lock)

	if err := b.stores(c, raw); err != nil {
		return nil, err
	}
	ext, err := b.table(dig(raw, "ext"), "ext")
	if err != nil {
		return nil, err
	}
	if err := b.sqlalchemy(c, ext); err != nil {
		return nil, err
	}
	mx, err := b.table(ext["mxmigrate"], "ext.mxmigrate")
	if err != nil {
		return nil, err
	}
	if err := b.mx(c, mx); err != nil {
		return nil, err
	}
	c.MxKeys = slices.Sorted(maps.Keys(mx))
	c.EnvKeys = map[string][]string{}
	if envs, ok := mx["environments"].(map[string]any); ok {
		for name, v := range envs {
			if em, ok := v.(map[string]any); ok {
				c.EnvKeys[name] = slices.Sorted(maps.Keys(em))
			}
		}
	}
	return c, nil
}

// MxKnown are the keys of [ext.mxmigrate] mxmigrate reads (besides a
// section per dialect), and EnvKnown those of an environment's.
var (
	MxKnown  = []string{"column_types", "definitions", "definitions_from_store", "dev_url", "dir", "environments", "ignore", "key", "manage_unknown", "naming_convention", "renames"}
	EnvKnown = []string{"definitions_from_store", "dev_url", "dir", "migrations_table"}
)

// stores reads [stores.*]: a store without a type is ignored, as Metaxy
// does (a warning).
func (b *builder) stores(c *Config, raw map[string]any) error {
	stores, err := b.table(raw["stores"], "stores")
	if err != nil {
		return err
	}
	for name, v := range stores {
		if name == "" || strings.ContainsFunc(name, func(r rune) bool {
			return r == ':' || unicode.IsSpace(r) || unicode.IsControl(r) || schema.IsBidiControl(r)
		}) {
			// -n <store>:<target> splits at the colon; shells split at spaces
			return fmt.Errorf("%s: stores.%q: a store name cannot be empty or hold ':', spaces, control or bidirectional control characters (environments are named <store>:<target>)", b.path, name)
		}
		sm, err := b.table(v, "stores."+name)
		if err != nil {
			return err
		}
		if sm["type"] == nil {
			c.Warnings = append(c.Warnings, fmt.Sprintf("%s: store %q has no `type`; ignoring it (as Metaxy does)", b.path, name))
			continue
		}
		c.Stores[name] = b.store(name, sm, c.Dir)
	}
	sort.Strings(c.Warnings)
	return nil
}

// sqlalchemy reads [ext.sqlalchemy]: enable, inject_primary_key, inject_index.
func (b *builder) sqlalchemy(c *Config, ext map[string]any) error {
	sa, err := b.table(ext["sqlalchemy"], "ext.sqlalchemy")
	if err != nil {
		return err
	}
	if c.SQLAlchemy.Enable, err = b.boolean(sa["enable"], "ext.sqlalchemy.enable", false); err != nil {
		return err
	}
	if c.SQLAlchemy.InjectPrimaryKey, err = b.boolean(sa["inject_primary_key"], "ext.sqlalchemy.inject_primary_key", false); err != nil {
		return err
	}
	if c.SQLAlchemy.InjectIndex, err = b.boolean(sa["inject_index"], "ext.sqlalchemy.inject_index", false); err != nil {
		return err
	}
	return nil
}

// Ext returns the table [ext.mxmigrate.<name>] (nil when absent) and its key
// for messages. A dialect that takes project settings reads its own.
func (c *Config) Ext(name string) (map[string]any, string, error) {
	key := "ext.mxmigrate." + name
	v := dig(c.Raw, "ext", "mxmigrate", name)
	if v == nil {
		return nil, key, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, key, fmt.Errorf("%s: %s must be a table", c.Path, key)
	}
	return m, key, nil
}

func (c *Config) abs(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, p)
}

func (b *builder) store(name string, sm map[string]any, dir string) *Store {
	s := &Store{Name: name, ConfigPath: b.path, ConfigDir: dir, Settings: map[string]any{}}
	s.expand = func(v string) (string, error) { return Expand(v, b.lookup) }
	key := "stores." + name
	typ, err := b.str(sm["type"], key+".type")
	if err != nil {
		s.Err = err
		return s
	}
	s.Type = typ
	cfg, err := b.table(sm["config"], key+".config")
	if err != nil {
		s.Err = err
		return s
	}
	s.Settings = cfg
	if s.TablePrefix, err = b.str(cfg["table_prefix"], key+".config.table_prefix"); err != nil {
		s.Err = err
	} else if err := schema.CheckText(s.TablePrefix); err != nil {
		s.Err = fmt.Errorf("%s: %s.config.table_prefix: %w", b.path, key, err)
	}
	return s
}

// mx reads [ext.mxmigrate], key by key (the first error wins).
func (b *builder) mx(c *Config, mx map[string]any) error {
	for _, read := range []func(*Config, map[string]any) error{b.mxDir, b.mxDefinitions, b.mxNaming, b.mxTypes, b.mxUnknown, b.mxEnvironments, b.mxRenames} {
		if err := read(c, mx); err != nil {
			return err
		}
	}
	return nil
}

// mxDir reads dir (default "migrations") and dev_url.
func (b *builder) mxDir(c *Config, mx map[string]any) error {
	dir, err := b.str(mx["dir"], "ext.mxmigrate.dir")
	if err != nil {
		return err
	}
	if dir == "" {
		dir = "migrations"
	}
	c.Mx.Dir = c.abs(dir)
	if c.Mx.DevURL, err = b.str(mx["dev_url"], "ext.mxmigrate.dev_url"); err != nil {
		return err
	}
	if v, err := b.fromStore(c, mx["definitions_from_store"], "ext.mxmigrate.definitions_from_store"); err != nil || v == nil {
		return err
	} else {
		c.Mx.DefinitionsFromStore = *v
	}
	return nil
}

// fromStore reads a definitions_from_store: true (the environment's own
// store, "."), false (none, ""), or a store's name; nil when not set.
func (b *builder) fromStore(c *Config, v any, key string) (*string, error) {
	var out string
	switch x := v.(type) {
	case nil:
		return nil, nil
	case bool:
		if x {
			out = "."
		}
	case string:
		name, err := b.str(x, key)
		if err != nil {
			return nil, err
		}
		if _, ok := c.Stores[name]; !ok {
			known := make([]string, 0, len(c.Stores))
			for n := range c.Stores {
				known = append(known, n)
			}
			sort.Strings(known)
			return nil, fmt.Errorf("%s: %s = %q names no store (stores: %s); true reads the environment's own store", b.path, key, name, strings.Join(known, ", "))
		}
		out = name
	default:
		return nil, fmt.Errorf("%s: %s must be true, false or a store's name, got %v", b.path, key, v)
	}
	return &out, nil
}

// mxDefinitions reads definitions: one glob pattern or a list.
func (b *builder) mxDefinitions(c *Config, mx map[string]any) error {
	switch defs := mx["definitions"].(type) {
	case nil:
	case string:
		s, err := b.str(defs, "ext.mxmigrate.definitions")
		if err != nil {
			return err
		}
		c.Mx.Definitions = []string{c.abs(s)}
	case []any:
		for i, d := range defs {
			s, err := b.str(d, fmt.Sprintf("ext.mxmigrate.definitions[%d]", i))
			if err != nil {
				return err
			}
			c.Mx.Definitions = append(c.Mx.Definitions, c.abs(s))
		}
	default:
		return fmt.Errorf("%s: ext.mxmigrate.definitions must be a list of glob patterns", b.path)
	}
	return nil
}

// mxNaming reads naming_convention (pk and ix; SQLAlchemy's others are
// accepted and unused) and key (the injected key's columns).
func (b *builder) mxNaming(c *Config, mx map[string]any) error {
	c.Mx.Naming = schema.DefaultConvention
	nc, err := b.table(mx["naming_convention"], "ext.mxmigrate.naming_convention")
	if err != nil {
		return err
	}
	for k, v := range nc {
		s, err := b.str(v, "ext.mxmigrate.naming_convention."+k)
		if err != nil {
			return err
		}
		if err := schema.ValidateTemplate(s); err != nil {
			return fmt.Errorf("%s: ext.mxmigrate.naming_convention.%s: %w", b.path, k, err)
		}
		switch k {
		case "pk":
			c.Mx.Naming.PK = s
		case "ix":
			c.Mx.Naming.IX = s
		default:
			// uq, ck, fk: valid in SQLAlchemy, unused by Metaxy's tables.
		}
	}
	c.Mx.Key, err = b.key(mx["key"])
	return err
}

// mxTypes reads column_types.
func (b *builder) mxTypes(c *Config, mx map[string]any) error {
	ct, err := b.table(mx["column_types"], "ext.mxmigrate.column_types")
	if err != nil {
		return err
	}
	c.Mx.ColumnTypes = map[string]map[string]schema.Type{}
	for fk, v := range ct {
		cols, err := b.table(v, "ext.mxmigrate.column_types."+fk)
		if err != nil {
			return err
		}
		c.Mx.ColumnTypes[fk] = map[string]schema.Type{}
		for col, tv := range cols {
			s, err := b.str(tv, fmt.Sprintf("ext.mxmigrate.column_types.%q.%s", fk, col))
			if err != nil {
				return err
			}
			t, ok := schema.ParseType(s)
			if !ok {
				return fmt.Errorf("%s: ext.mxmigrate.column_types.%q.%s: %s", b.path, fk, col, schema.UnknownType(s))
			}
			c.Mx.ColumnTypes[fk][col] = t
		}
	}
	return nil
}

// mxUnknown reads ignore and manage_unknown (decision 40).
func (b *builder) mxUnknown(c *Config, mx map[string]any) error {
	var err error
	if c.Mx.Ignore, err = b.ignore(mx["ignore"]); err != nil {
		return err
	}
	mu, err := b.str(mx["manage_unknown"], "ext.mxmigrate.manage_unknown")
	if err != nil {
		return err
	}
	switch mu {
	case "":
		c.Mx.ManageUnknown = ManageKeep
	case ManageKeep, ManageDrop:
		c.Mx.ManageUnknown = mu
	default:
		return fmt.Errorf("%s: ext.mxmigrate.manage_unknown must be %q (default: objects mxmigrate did not create are kept and listed) or %q (plan dropping them), got %q", b.path, ManageKeep, ManageDrop, mu)
	}
	return nil
}

// mxRenames reads renames: "old/key" = "new/key" renames a feature's table,
// "key" = { old = "new", ... } its columns.
func (b *builder) mxRenames(c *Config, mx map[string]any) error {
	rn, err := b.table(mx["renames"], "ext.mxmigrate.renames")
	if err != nil {
		return err
	}
	c.Mx.Renames = Renames{Features: map[string]string{}, Columns: map[string]map[string]string{}}
	for key, v := range rn {
		where := fmt.Sprintf("ext.mxmigrate.renames.%q", key)
		switch x := v.(type) {
		case string:
			to, err := b.str(x, where)
			if err != nil {
				return err
			}
			if to == "" || to == key {
				return fmt.Errorf("%s: %s: a feature's new key, different from %q", b.path, where, key)
			}
			c.Mx.Renames.Features[key] = to
		case map[string]any:
			cols := map[string]string{}
			for old, nv := range x {
				to, err := b.str(nv, where+"."+old)
				if err != nil {
					return err
				}
				if to == "" || to == old {
					return fmt.Errorf("%s: %s.%s: the column's new name, different from %q", b.path, where, old, old)
				}
				cols[old] = to
			}
			c.Mx.Renames.Columns[key] = cols
		default:
			return fmt.Errorf("%s: %s must be the feature's new key (a string) or its columns' new names ({ old = \"new\" }), got %v", b.path, where, v)
		}
	}
	return nil
}

// mxEnvironments reads environments: a directory and a migrations table
// per "<store>:<target>".
func (b *builder) mxEnvironments(c *Config, mx map[string]any) error {
	envs, err := b.table(mx["environments"], "ext.mxmigrate.environments")
	if err != nil {
		return err
	}
	c.Mx.Environments = map[string]EnvOverride{}
	for name, v := range envs {
		key := fmt.Sprintf("ext.mxmigrate.environments.%q", name)
		if _, _, err := splitEnv(name); err != nil || !strings.Contains(name, ":") {
			return fmt.Errorf("%s: %s: environment names are \"<store>:<target>\" with target %s or %s", b.path, key, TargetSystem, TargetFeatures)
		}
		em, err := b.table(v, key)
		if err != nil {
			return err
		}
		var o EnvOverride
		if o.Dir, err = b.str(em["dir"], key+".dir"); err != nil {
			return err
		}
		o.Dir = c.abs(o.Dir)
		if o.MigrationsTable, err = b.str(em["migrations_table"], key+".migrations_table"); err != nil {
			return err
		}
		if o.DevURL, err = b.str(em["dev_url"], key+".dev_url"); err != nil {
			return err
		}
		if o.DefinitionsFromStore, err = b.fromStore(c, em["definitions_from_store"], key+".definitions_from_store"); err != nil {
			return err
		}
		if o.MigrationsTable != "" {
			if err := schema.CheckName(o.MigrationsTable); err != nil {
				return fmt.Errorf("%s: %s.migrations_table: %w", b.path, key, err)
			}
		}
		c.Mx.Environments[name] = o
	}
	return nil
}

// Environment is one resolved "<store>:<target>".
type Environment struct {
	Name   string
	Store  *Store
	Target string
	// Dir is the migrations directory, absolute.
	Dir string
	// MigrationsTable is golang-migrate's table for this environment as
	// configured, or by default <table_prefix>schema_migrations_<target>:
	// a logical name, which the dialect's Namer makes physical.
	MigrationsTable string
	// MigrationsTableSet is true when the configuration names the table.
	MigrationsTableSet bool
	// DevURL is the dev database to prove plans on ("": the dialect's default).
	DevURL string
	// DefinitionsFromStore is the store whose feature_versions rows are read
	// as definitions too ("": none; ".": its own), from the configuration.
	DefinitionsFromStore string
}

// ErrUnknownEnvironment marks a -n value that names no target or no store.
var ErrUnknownEnvironment = errors.New("unknown environment")

type envError struct{ msg string }

func (e *envError) Error() string { return e.msg }
func (e *envError) Unwrap() error { return ErrUnknownEnvironment }

func splitEnv(name string) (store, target string, err error) {
	store, target, has := strings.Cut(name, ":")
	if !has && (name == TargetSystem || name == TargetFeatures) {
		return "", name, nil
	}
	if has && store == "" {
		return "", "", &envError{fmt.Sprintf("%q names no store: write <store>:%s, or %s alone for the default store", name, target, target)}
	}
	if has && target != TargetSystem && target != TargetFeatures {
		return "", "", &envError{fmt.Sprintf("unknown target %q in %q: use %s or %s", target, name, TargetSystem, TargetFeatures)}
	}
	return store, target, nil
}

// Environments resolves -n NAME: "<store>:<target>", "<store>" (both targets,
// system first), "<target>" or "" (the default store).
func (c *Config) Environments(name string) ([]*Environment, error) {
	storeName, target, err := splitEnv(name)
	if err != nil {
		return nil, err
	}
	if storeName == "" {
		storeName = c.DefaultStore
	}
	st, ok := c.Stores[storeName]
	if !ok {
		names := make([]string, 0, len(c.Stores))
		for n := range c.Stores {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, &envError{fmt.Sprintf("%s: no store %q (stores: %s)", c.Path, storeName, strings.Join(names, ", "))}
	}
	if st.Err != nil {
		return nil, st.Err
	}
	targets := []string{TargetSystem, TargetFeatures}
	if target != "" {
		targets = []string{target}
	}
	var out []*Environment
	for _, t := range targets {
		e := &Environment{Name: storeName + ":" + t, Store: st, Target: t}
		o := c.Mx.Environments[e.Name]
		e.Dir = o.Dir
		if e.Dir == "" {
			sub := "features"
			if t == TargetSystem {
				sub = "system"
			}
			e.Dir = filepath.Join(c.Mx.Dir, sub)
		}
		e.MigrationsTable, e.MigrationsTableSet = o.MigrationsTable, o.MigrationsTable != ""
		e.DevURL = o.DevURL
		if e.DevURL == "" {
			e.DevURL = c.Mx.DevURL
		}
		e.DefinitionsFromStore = c.Mx.DefinitionsFromStore
		if o.DefinitionsFromStore != nil {
			e.DefinitionsFromStore = *o.DefinitionsFromStore
		}
		if e.MigrationsTable == "" {
			e.MigrationsTable = st.TablePrefix + "schema_migrations_" + t
		}
		out = append(out, e)
	}
	return out, nil
}

// Environment resolves a name that must denote exactly one environment.
func (c *Config) Environment(name string) (*Environment, error) {
	envs, err := c.Environments(name)
	if err != nil {
		return nil, err
	}
	if len(envs) != 1 {
		return nil, fmt.Errorf("-n %q names both targets; name one: %s:%s or %s:%s", name, envs[0].Store.Name, TargetSystem, envs[0].Store.Name, TargetFeatures)
	}
	return envs[0], nil
}

// NewStore builds a store entry by hand, as [stores.<name>] would: typ is
// Metaxy's class path and settings its config table (table_prefix included).
// Values are taken as written, without templating.
func NewStore(name, typ string, settings map[string]any) *Store {
	s := &Store{Name: name, Type: typ, Settings: settings, ConfigPath: "(library)"}
	if s.Settings == nil {
		s.Settings = map[string]any{}
	}
	if p, ok := s.Settings["table_prefix"].(string); ok {
		s.TablePrefix = p
	} else if v, ok := s.Settings["table_prefix"]; ok && v != nil {
		s.Err = fmt.Errorf("store %q: table_prefix must be a string, got %v", name, v)
	}
	return s
}

// IDColumns is the placeholder in [ext.mxmigrate] key for a feature's id columns.
const IDColumns = "{id_columns}"

// DefaultKey is the injected key of the seed's SQLAlchemy integration: (id
// columns, metaxy_created_at, metaxy_data_version). Metaxy's current SQLModel
// integration uses (metaxy_feature_version, {id_columns}, metaxy_updated_at).
var DefaultKey = []string{IDColumns, "metaxy_created_at", "metaxy_data_version"}

// key reads [ext.mxmigrate] key: a non-empty list of column names and
// "{id_columns}", each once. Whether the columns exist is for each feature.
func (b *builder) key(v any) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, fmt.Errorf("%s: ext.mxmigrate.key must be a non-empty list of column names, such as [\"metaxy_feature_version\", \"%s\", \"metaxy_updated_at\"]", b.path, IDColumns)
	}
	var out []string
	seen := map[string]bool{}
	for i, item := range list {
		k := fmt.Sprintf("ext.mxmigrate.key[%d]", i)
		s, err := b.str(item, k)
		if err != nil {
			return nil, err
		}
		if s != IDColumns {
			if err := schema.CheckName(s); err != nil {
				return nil, fmt.Errorf("%s: %s: %w", b.path, k, err)
			}
		}
		if seen[s] {
			return nil, fmt.Errorf("%s: %s: %q is in the key twice", b.path, k, s)
		}
		seen[s] = true
		out = append(out, s)
	}
	if !seen[IDColumns] {
		// without them the key is not per sample: every feature's rows of one version would collide
		return nil, fmt.Errorf("%s: ext.mxmigrate.key must contain %q (each feature's id columns), such as [\"metaxy_feature_version\", \"%s\", \"metaxy_updated_at\"]", b.path, IDColumns, IDColumns)
	}
	return out, nil
}

// ignore reads [ext.mxmigrate] ignore: a list of "<table>.<object>"
// patterns (path.Match globs: *, ?, [a-z]).
func (b *builder) ignore(v any) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		if s, isStr := v.(string); isStr {
			list = []any{s}
		} else {
			return nil, fmt.Errorf("%s: ext.mxmigrate.ignore must be a list of \"<table>.<object>\" patterns, such as [\"videos.ix_by_hand\", \"*.ck_*\"], got %v", b.path, v)
		}
	}
	var out []string
	for i, item := range list {
		k := fmt.Sprintf("ext.mxmigrate.ignore[%d]", i)
		s, err := b.str(item, k)
		if err != nil {
			return nil, err
		}
		if !strings.Contains(s, ".") {
			return nil, fmt.Errorf("%s: %s: %q is not \"<table>.<object>\" (a glob such as \"videos.*\" or \"*.ck_*\")", b.path, k, s)
		}
		if _, err := path.Match(s, ""); err != nil {
			return nil, fmt.Errorf("%s: %s: %q is not a valid glob: %v", b.path, k, s, err)
		}
		if err := schema.CheckText(s); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", b.path, k, err)
		}
		out = append(out, s)
	}
	return out, nil
}
