package mxmigrate

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mxmigrate/mxmigrate/config"
)

// InitConfig is the metaxy.toml that `mxmigrate init` writes.
const InitConfig = `# Metaxy configuration (read by Python Metaxy and by mxmigrate).
project = "my_project"
store = "dev"

[stores.dev]
type = "metaxy.ext.metadata_stores.duckdb.DuckDBMetadataStore"
config = { database = "metadata.duckdb" }

[ext.sqlalchemy]
inject_primary_key = false
inject_index = false

[ext.mxmigrate]
dir = "migrations"                  # migrations/system and migrations/features
# definitions = ["features/*.toml"] # feature definitions for teams without Python
`

// Init creates a metaxy.toml in dir unless a configuration is already found
// there (or at configPath), and the migrations directories. It never
// overwrites a file. It returns what it did, one line per step.
func Init(dir, configPath string) ([]string, error) {
	var out []string
	var c *config.Config
	cfg, err := config.Load(config.Options{Path: configPath, WorkDir: dir})
	switch {
	case err == nil:
		c = cfg
		out = append(out, "using "+cfg.Path)
	case err == config.ErrNoConfig:
		p := filepath.Join(dir, "metaxy.toml")
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return nil, err
		}
		if _, err := f.WriteString(InitConfig); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
		out = append(out, "created "+p+" (edit project and stores)")
		if c, err = config.Load(config.Options{Path: p}); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	line, err := gitignore(filepath.Dir(c.Path), c)
	if err != nil {
		return nil, err
	}
	out = append(out, line)
	for _, sub := range []string{"system", "features"} {
		p := filepath.Join(c.Mx.Dir, sub)
		if _, err := os.Stat(p); err == nil {
			out = append(out, "exists  "+p)
			continue
		}
		if err := os.MkdirAll(p, 0o755); err != nil {
			return nil, fmt.Errorf("create %s: %w", p, err)
		}
		out = append(out, "created "+p)
	}
	return out, nil
}

// gitignore writes the .gitignore in dir (metaxy.toml's) with what must
// not be committed: the local DuckDB files of the configured stores (and
// their write-ahead logs) and .cache/. An existing .gitignore is not
// changed: the line says which of those it lacks.
func gitignore(dir string, c *config.Config) (string, error) {
	want := []string{".cache/"}
	names := slices.Sorted(maps.Keys(c.Stores))
	for _, name := range names {
		if f := localDuckDB(dir, c.Stores[name]); f != "" && !slices.Contains(want, f) {
			want = append(want, f, f+".wal")
		}
	}
	p := filepath.Join(dir, ".gitignore")
	b, err := os.ReadFile(p)
	switch {
	case errors.Is(err, os.ErrNotExist):
		body := "# written by mxmigrate init: local databases and caches (migrations are committed)\n" + strings.Join(want, "\n") + "\n"
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			return "", err
		}
		return "created " + p + " (" + strings.Join(want, ", ") + ")", nil
	case err != nil:
		return "", err
	}
	have := strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	var missing []string
	for _, w := range want {
		if !covered(have, w) {
			missing = append(missing, w)
		}
	}
	if len(missing) == 0 {
		return "exists  " + p, nil
	}
	return "exists  " + p + " (left as it is; it lacks " + strings.Join(missing, ", ") + ": add them so that local databases are not committed)", nil
}

// localDuckDB is the path, from dir, of a DuckDB store's database file as
// a .gitignore line ("/metadata.duckdb"); "" for other stores, in-memory or
// MotherDuck databases, and files outside dir.
func localDuckDB(dir string, s *config.Store) string {
	if !strings.Contains(strings.ToLower(s.Type), "duckdb") || s.Err != nil {
		return ""
	}
	db, err := s.String("database")
	if err != nil || db == "" || db == ":memory:" || strings.Contains(db, ":") {
		return ""
	}
	if !filepath.IsAbs(db) {
		db = filepath.Join(s.ConfigDir, db)
	}
	absDir, err1 := filepath.Abs(dir)
	absDB, err2 := filepath.Abs(db)
	if err1 != nil || err2 != nil {
		return ""
	}
	rel, err := filepath.Rel(absDir, absDB)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return ""
	}
	return "/" + filepath.ToSlash(rel)
}

// covered reports whether a line of a .gitignore ignores entry ("/x.duckdb",
// ".cache/"): the same line, or a pattern that matches its name
// ("*.duckdb", "*.wal"). An approximation of git's rules, for advice only.
func covered(lines []string, entry string) bool {
	name := strings.TrimSuffix(strings.TrimPrefix(entry, "/"), "/")
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "!") {
			continue
		}
		p := strings.TrimSuffix(strings.TrimPrefix(l, "/"), "/")
		if p == name {
			return true
		}
		if ok, _ := path.Match(p, name); ok {
			return true
		}
		if ok, _ := path.Match(p, path.Base(name)); ok && !strings.Contains(p, "/") {
			return true
		}
	}
	return false
}
