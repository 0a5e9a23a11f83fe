package duckdb

import (
	"context"
	"database/sql/driver"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/internal/testhook"
)

// setup is what a store's [stores.<name>.config] has DuckDB do on every
// connection before mxmigrate uses it, as Metaxy's DuckDBMetadataStore does
// when it opens one (docs/duckdb.md): `config`'s DuckDB settings (given at
// open, as Metaxy passes them to duckdb.connect), the `extensions`
// (installed, loaded, their init_sql run) and, with `ducklake`, the lake
// attached and made the current database, so that every table, the
// migrations table too, is read and written in the lake.
type setup struct {
	settings   [][2]string // name, value; sorted by name
	extensions []extension
	lake       *lake
}

type extension struct {
	name, repository string
	initSQL          []string
}

// empty reports whether the store asks for nothing beyond opening the file.
func (s *setup) empty() bool {
	return s == nil || len(s.settings) == 0 && len(s.extensions) == 0 && s.lake == nil
}

// statements are what runs on each connection, in Metaxy's order: the
// extensions, then the lake's (ducklake, its secrets, ATTACH, USE).
func (s *setup) statements() []string {
	var out []string
	for _, e := range s.extensions {
		out = append(out, e.install(), "LOAD "+e.name+";")
		out = append(out, e.initSQL...)
	}
	if s.lake != nil {
		if rw := testhook.LakeStatements; rw != nil {
			return append(out, rw(s.lake.statements)...)
		}
		out = append(out, s.lake.statements...)
	}
	return out
}

func (e extension) install() string {
	switch {
	case e.repository == "" || e.repository == "core":
		return "INSTALL " + e.name + ";"
	case strings.Contains(e.repository, "/") || strings.Contains(e.repository, ":"):
		return "INSTALL " + e.name + " FROM " + sqlValue(e.repository) + ";" // a URL or directory
	}
	return "INSTALL " + e.name + " FROM " + e.repository + ";"
}

// readSetup reads `config`, `extensions` and `ducklake` of st: what Metaxy
// accepts there, every mistake an error naming the key.
func readSetup(st *config.Store) (*setup, error) {
	s := &setup{}
	r := reader{st: st}
	if m, ok, err := r.table(st.Settings["config"], "config"); err != nil {
		return nil, err
	} else if ok {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if err := checkIdent(r, "config."+k, k); err != nil {
				return nil, err
			}
			v, err := r.str(m[k], "config."+k, true)
			if err != nil {
				return nil, err
			}
			s.settings = append(s.settings, [2]string{k, v})
		}
	}
	switch list := st.Settings["extensions"].(type) {
	case nil:
	case []any:
		for i, x := range list {
			e, err := r.extension(x, fmt.Sprintf("extensions[%d]", i))
			if err != nil {
				return nil, err
			}
			s.extensions = append(s.extensions, e)
		}
	default:
		return nil, r.errorf("extensions", "must be a list of extension names or { name, repository, init_sql } tables, got %v", list)
	}
	if st.Settings["ducklake"] != nil {
		l, err := r.lake(st.Settings["ducklake"])
		if err != nil {
			return nil, err
		}
		s.lake = l
	}
	return s, nil
}

// reader reads nested settings of a store, naming them in errors.
type reader struct{ st *config.Store }

func (r reader) errorf(key, format string, args ...any) error {
	return fmt.Errorf("%s: %s: %s", r.st.ConfigPath, r.st.Key(key), fmt.Sprintf(format, args...))
}

func (r reader) table(v any, key string) (map[string]any, bool, error) {
	switch m := v.(type) {
	case nil:
		return nil, false, nil
	case map[string]any:
		return m, true, nil
	}
	return nil, false, r.errorf(key, "must be a table, got %v", v)
}

// str reads a string (templated); strict refuses other types, as Metaxy's
// dict[str, str] does, else numbers and booleans are written as text.
func (r reader) str(v any, key string, strict bool) (string, error) {
	switch x := v.(type) {
	case string:
		return r.st.Templated(key, x)
	case int64, float64, bool:
		if !strict {
			return fmt.Sprint(x), nil
		}
	}
	return "", r.errorf(key, "must be a string (Metaxy requires text), got %s", kindOf(v))
}

// kindOf names v's TOML type, not its value (which may be a secret).
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "nothing"
	case []any:
		return "a list"
	case map[string]any:
		return "a table"
	case bool:
		return "a boolean"
	case int64, float64:
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}

func (r reader) extension(v any, key string) (extension, error) {
	switch x := v.(type) {
	case string:
		name, err := r.str(x, key, true)
		if err != nil {
			return extension{}, err
		}
		return extension{name: name}, checkIdent(r, key, name)
	case map[string]any:
		var e extension
		for _, k := range slices.Sorted(maps.Keys(x)) {
			switch k {
			case "name", "repository":
				v, err := r.str(x[k], key+"."+k, true)
				if err != nil {
					return e, err
				}
				if k == "name" || !strings.ContainsAny(v, "/:") {
					if err := checkIdent(r, key+"."+k, v); err != nil {
						return e, err
					}
				}
				if k == "name" {
					e.name = v
				} else {
					e.repository = v
				}
			case "init_sql":
				list, ok := x[k].([]any)
				if !ok {
					return e, r.errorf(key+".init_sql", "must be a list of SQL statements")
				}
				for i, q := range list {
					sql, err := r.str(q, fmt.Sprintf("%s.init_sql[%d]", key, i), true)
					if err != nil {
						return e, err
					}
					e.initSQL = append(e.initSQL, sql)
				}
			default:
				return e, r.errorf(key+"."+k, "unknown key (an extension has name, repository, init_sql)")
			}
		}
		if e.name == "" {
			return e, r.errorf(key+".name", "is not set")
		}
		return e, nil
	}
	return extension{}, r.errorf(key, "must be an extension name or a { name, repository, init_sql } table, got %v", v)
}

// checkIdent refuses a name that would not stay one word of a statement.
func checkIdent(r reader, key, name string) error {
	if name == "" || strings.IndexFunc(name, func(c rune) bool {
		return !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')
	}) >= 0 {
		return r.errorf(key, "%q is not a name (letters, digits and _)", name)
	}
	return nil
}

// sqlValue writes a setting's value as Metaxy's DuckLake handler does:
// booleans and numbers bare, anything else quoted (” doubled).
func sqlValue(v any) string {
	switch x := v.(type) {
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return "'" + strings.ReplaceAll(fmt.Sprint(v), "'", "''") + "'"
}

// setups are the stores' setups by database path (absolute; ":memory:"),
// for every open of that database in this process: mxmigrate's own and its
// golang-migrate driver's, which knows only the path.
var setups sync.Map

type registered struct {
	store string
	setup *setup
}

// register records store's setup for its database path. Two stores of one
// file with different setups (a lake and no lake, say) are refused: which
// one a connection of the file gets could not be told.
func register(path, store string, s *setup) error {
	path = sharedKey(path)
	if v, ok := setups.Load(path); ok {
		r := v.(registered)
		if r.store != store && !sameSetup(r.setup, s) {
			return fmt.Errorf("stores %q and %q use one DuckDB database, %s, with different config, extensions or ducklake settings: give each its own file", r.store, store, path)
		}
	}
	setups.Store(path, registered{store, s})
	return nil
}

func setupFor(path string) *setup {
	if v, ok := setups.Load(path); ok {
		return v.(registered).setup
	}
	return nil
}

func sameSetup(a, b *setup) bool {
	key := func(s *setup) string {
		if s.empty() {
			return ""
		}
		return fmt.Sprint(s.settings, s.statements())
	}
	return key(a) == key(b)
}

// run runs the setup's statements on a new connection; a failure names
// what failed and why, and the connection is not used: with a lake, no
// statement ever reaches the plain database.
func (s *setup) run(ex driver.ExecerContext) error {
	if s.empty() {
		return nil
	}
	for _, q := range s.statements() {
		if _, err := ex.ExecContext(context.Background(), q, nil); err != nil {
			return s.explain(q, err)
		}
	}
	return nil
}

// SetupError is a store's setup that failed on a connection: an extension
// that does not load, a lake that does not attach.
type SetupError struct{ Msg string }

func (e *SetupError) Error() string { return e.Msg }

func (s *setup) explain(q string, err error) error {
	return s.mask(s.explainRaw(q, err))
}

// mask writes the secrets the setup holds (passwords, keys) as ****
// wherever an error quotes them.
func (s *setup) mask(err error) error {
	if s.lake == nil || len(s.lake.secrets) == 0 {
		return err
	}
	msg := err.Error()
	for _, v := range s.lake.secrets {
		if v != "" {
			msg = strings.ReplaceAll(msg, v, "****")
		}
	}
	return &SetupError{msg}
}

func (s *setup) explainRaw(q string, err error) error {
	what := strings.TrimSuffix(q, ";")
	if strings.HasPrefix(what, "CREATE OR REPLACE SECRET ") {
		name, _, _ := strings.Cut(strings.TrimPrefix(what, "CREATE OR REPLACE SECRET "), " ")
		what = "CREATE OR REPLACE SECRET " + name + " (...)"
	}
	if s.lake != nil && slices.Contains(s.lake.statements, q) {
		if strings.Contains(q, "ducklake") && (strings.HasPrefix(q, "INSTALL") || strings.HasPrefix(q, "LOAD")) {
			return &SetupError{fmt.Sprintf("DuckLake (ducklake in the store's config): DuckDB's ducklake extension does not load (%s: %v). mxmigrate migrates the tables in the lake, where Metaxy keeps them, never the plain database: install the extension where DuckDB looks for it (INSTALL ducklake with internet access, or config.extension_directory naming a directory that holds it), then run again", what, err)}
		}
		return &SetupError{fmt.Sprintf("DuckLake (ducklake in the store's config): %s failed: %v. Nothing ran on the plain database", what, err)}
	}
	return &SetupError{fmt.Sprintf("the store's extensions: %s failed: %v", what, err)}
}
