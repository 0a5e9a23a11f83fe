package duckdb

import (
	"strings"

	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/internal/sqltext"
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
