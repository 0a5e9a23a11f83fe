package duckdb

import (
	"context"
	"fmt"
	"strings"

	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/internal/sqltext"
	"github.com/mxmigrate/mxmigrate/plan"
	"github.com/mxmigrate/mxmigrate/schema"
)

// Dialect is the DuckDB dialect.
type Dialect struct{}

var _ dialect.Dialect = Dialect{}

func init() { dialect.Register(Dialect{}) }

// Name is "duckdb".
func (Dialect) Name() string { return "duckdb" }

// StoreTypes are Metaxy's DuckDB store class paths (old and new module paths).
func (Dialect) StoreTypes() []string {
	return []string{
		"metaxy.ext.duckdb.DuckDBMetadataStore",
		"metaxy.ext.metadata_stores.duckdb.DuckDBMetadataStore",
	}
}

// Limit: DuckDB has no identifier length limit.
func (Dialect) Limit() int { return 0 }

// Physical: every name is kept whole.
func (Dialect) Physical(_ schema.NameKind, name string) string { return name }

// Fold: DuckDB matches identifiers without ASCII case, quoted or not ("É"
// and "é" stay two names there).
func (Dialect) Fold(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, name)
}

// Quote quotes an identifier.
func (Dialect) Quote(s string) string { return sqltext.QuoteDouble(s) }

// Transactional: DDL is transactional; the driver runs each file in one transaction.
func (Dialect) Transactional() bool { return true }

// Tune: DuckDB takes no project-wide settings.
func (d Dialect) Tune(map[string]any, string) (dialect.Dialect, error) { return d, nil }

// DisplayType is TypeSQL: DuckDB's catalog names types as its DDL does.
func (d Dialect) DisplayType(t schema.Type) string { return d.TypeSQL(t) }

// Shape: DuckDB tables carry columns, a primary key and indexes only.
func (Dialect) Shape(*schema.Schema) (warnings, notes []string, err error) { return nil, nil, nil }

// Plan writes one file per plan (DuckDB runs each in one transaction).
func (d Dialect) Plan(changes []diff.Change, before, after *schema.Schema) ([]plan.Step, error) {
	return plan.OneFile(d.Render, changes, before, after)
}

// Explains: DuckDB has nothing to add to an error.
func (Dialect) Explains(error) bool { return false }

// Explain: nothing (see Explains).
func (Dialect) Explain(context.Context, dialect.Store, error) string { return "" }

// About: DuckDB is built in (cgo); the engine reports its own version.
func (Dialect) About() dialect.About {
	return dialect.About{Database: "DuckDB (embedded file)", Docs: "docs/duckdb.md", StoreKeys: append([]string{"database", "config", "extensions", "ducklake"}, dialect.MetaxyStoreKeys...), Versions: func() []string {
		v, err := EngineVersion()
		if err != nil {
			v = fmt.Sprintf("unknown (%v)", err)
		}
		return []string{"DuckDB: " + v + " (duckdb-go " + dialect.ModuleVersion("github.com/duckdb/duckdb-go/v2") + "), built in"}
	}}
}
