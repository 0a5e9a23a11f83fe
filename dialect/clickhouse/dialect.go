package clickhouse

import (
	"context"

	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/internal/chdb"
	"github.com/mxmigrate/mxmigrate/plan"
	"github.com/mxmigrate/mxmigrate/schema"
)

// Dialect is the ClickHouse dialect. The zero value has the default settings;
// Tune returns one configured by [ext.mxmigrate.clickhouse].
type Dialect struct {
	cfg *settings
}

var _ dialect.Dialect = Dialect{}

func init() { dialect.Register(Dialect{}) }

// Name is "clickhouse".
func (Dialect) Name() string { return "clickhouse" }

// StoreTypes are Metaxy's ClickHouse store class paths (new and old module paths).
func (Dialect) StoreTypes() []string {
	return []string{
		"metaxy.ext.clickhouse.ClickHouseMetadataStore",
		"metaxy.ext.metadata_stores.clickhouse.ClickHouseMetadataStore",
	}
}

// Limit: ClickHouse sets no identifier length limit (long file names of
// tables and columns are hashed by the server).
func (Dialect) Limit() int { return 0 }

// Physical: every name is kept whole.
func (Dialect) Physical(_ schema.NameKind, name string) string { return name }

// Fold: ClickHouse identifiers are case-sensitive.
func (Dialect) Fold(name string) string { return name }

// Quote back-quotes an identifier.
func (Dialect) Quote(s string) string { return chdb.QuoteIdent(s) }

// Transactional: ClickHouse has no DDL transactions; statements run one by
// one, and each is idempotent so that a file re-run after a failure converges.
func (Dialect) Transactional() bool { return false }

func (d Dialect) settings() *settings {
	if d.cfg == nil {
		return &settings{jsonType: "String"}
	}
	return d.cfg
}

// DisplayType is TypeSQL: ClickHouse's catalog names types as its DDL does.
func (d Dialect) DisplayType(t schema.Type) string { return d.TypeSQL(t) }

// Plan writes one file per plan (statements run one by one; see
// Transactional).
func (d Dialect) Plan(changes []diff.Change, before, after *schema.Schema) ([]plan.Step, error) {
	return plan.OneFile(d.Render, changes, before, after)
}

// Explains: ClickHouse has nothing to add to an error.
func (Dialect) Explains(error) bool { return false }

// Explain: nothing (see Explains).
func (Dialect) Explain(context.Context, dialect.Store, error) string { return "" }

// About: servers through clickhouse-go; the embedded engine is libchdb,
// loaded at run time.
func (Dialect) About() dialect.About {
	return dialect.About{Database: "ClickHouse (server, or embedded `chdb:` directory)", Docs: "docs/clickhouse.md", StoreKeys: append([]string{"auto_cast_struct_for_map"}, dialect.MetaxyStoreKeys...), Versions: func() []string {
		embedded := "libchdb loaded at run time when a chdb: store is opened; tested with npm's " + chdb.LibraryPackage
		if chdb.Static {
			embedded = "not available in this statically linked build (chdb: stores need `go install`)"
		}
		return []string{
			"ClickHouse: clickhouse-go " + dialect.ModuleVersion("github.com/ClickHouse/clickhouse-go/v2") + " (servers)",
			"embedded chDB: " + embedded,
		}
	}}
}
