package clickhouse

import (
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/internal/chdb"
	"github.com/mxmigrate/mxmigrate/schema"
)

// Dialect is the ClickHouse dialect. The zero value has the default settings;
// Tune returns one configured by [ext.mxmigrate.clickhouse].
type Dialect struct {
	cfg *settings
}

var _ dialect.Dialect = Dialect{}
var _ dialect.Tuner = Dialect{}
var _ dialect.Shaper = Dialect{}
var _ dialect.Cautioner = Dialect{}

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
