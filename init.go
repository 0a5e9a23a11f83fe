package mxmigrate

import (
	"fmt"
	"os"
	"path/filepath"

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
