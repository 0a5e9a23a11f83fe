package postgres

import (
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/internal/sqltext"
	"github.com/mxmigrate/mxmigrate/schema"
)

// Dialect is the PostgreSQL dialect. The zero value has the default
// settings; Tune returns one configured by [ext.mxmigrate.postgresql].
type Dialect struct {
	// jsonType is json_type: "" (not set: json and jsonb columns both hold
	// the logical json, new ones are jsonb), "jsonb" or "json" (columns of
	// the other type are planned as conversions).
	jsonType string
	// lockTimeout is lock_timeout: "" for the default (5s), "0" for none.
	lockTimeout string
	// offline is online_ddl = false: plain DDL, one file per plan.
	offline bool
}

// DefaultLockTimeout is the lock_timeout each generated file sets.
const DefaultLockTimeout = "5s"

// lockTimeoutValue is the lock_timeout files set, "" for none.
func (d Dialect) lockTimeoutValue() string {
	switch d.lockTimeout {
	case "":
		return DefaultLockTimeout
	case "0":
		return ""
	}
	return d.lockTimeout
}

var _ dialect.Dialect = Dialect{}

func init() { dialect.Register(Dialect{}) }

// names: PostgreSQL keeps the first 63 bytes (NAMEDATALEN-1) of an identifier.
const names = schema.ByteLimit(63)

// Limit is 63 bytes.
func (Dialect) Limit() int { return names.Limit() }

// Physical is the name as PostgreSQL keeps it: Metaxy's table and column
// names cut at 63 bytes, as PostgreSQL cuts them; mxmigrate's own names
// shortened with a hash.
func (Dialect) Physical(kind schema.NameKind, name string) string { return names.Physical(kind, name) }

// Name is "postgresql".
func (Dialect) Name() string { return "postgresql" }

// StoreTypes are Metaxy's PostgreSQL store class paths (old and new module paths).
func (Dialect) StoreTypes() []string {
	return []string{
		"metaxy.ext.postgresql.PostgreSQLMetadataStore",
		"metaxy.ext.metadata_stores.postgresql.PostgreSQLMetadataStore",
	}
}

// Fold: quoted identifiers are case-sensitive in PostgreSQL.
func (Dialect) Fold(name string) string { return name }

// Quote quotes an identifier.
func (Dialect) Quote(s string) string { return sqltext.QuoteDouble(s) }

// Transactional: golang-migrate's pgx5 driver sends a file as one multi-statement
// query, which PostgreSQL runs as one implicit transaction.
func (Dialect) Transactional() bool { return true }

// Shape: PostgreSQL tables carry columns, a primary key and indexes only.
func (Dialect) Shape(*schema.Schema) (warnings, notes []string, err error) { return nil, nil, nil }

// About: servers through pgx.
func (Dialect) About() dialect.About {
	return dialect.About{Database: "PostgreSQL", Docs: "docs/postgresql.md", StoreKeys: append([]string{"auto_cast_struct_for_jsonb"}, dialect.MetaxyStoreKeys...), Versions: func() []string {
		return []string{"PostgreSQL: pgx " + dialect.ModuleVersion("github.com/jackc/pgx/v5") + " (servers)"}
	}}
}
