package duckdb

import (
	"strings"

	"github.com/mxmigrate/mxmigrate/schema"
)

// typeSQL maps logical types to DuckDB types.
var typeSQL = map[schema.Type]string{
	schema.String:      "VARCHAR",
	schema.Int64:       "BIGINT",
	schema.Int32:       "INTEGER",
	schema.Float64:     "DOUBLE",
	schema.Float32:     "FLOAT",
	schema.Bool:        "BOOLEAN",
	schema.Timestamp:   "TIMESTAMP",
	schema.TimestampTZ: "TIMESTAMPTZ",
	schema.Date:        "DATE",
	schema.Time:        "TIME",
	schema.UUID:        "UUID",
	schema.Bytes:       "BLOB",
	schema.JSON:        "JSON",
}

// TypeSQL renders a logical (or raw) type.
func (Dialect) TypeSQL(t schema.Type) string { return typeName(t) }

// NormalizeType maps a catalog type name to a logical type.
func (Dialect) NormalizeType(s string) schema.Type { return normalize(s) }

func typeName(t schema.Type) string {
	if raw, ok := t.IsRaw(); ok {
		return raw
	}
	return typeSQL[t]
}

// fromCatalog maps the type names DuckDB's catalog reports (and their
// aliases) back to logical types; anything else stays raw.
var fromCatalog = map[string]schema.Type{
	"VARCHAR": schema.String, "TEXT": schema.String, "STRING": schema.String, "CHAR": schema.String, "BPCHAR": schema.String,
	"BIGINT": schema.Int64, "INT8": schema.Int64, "LONG": schema.Int64, "INT64": schema.Int64,
	"INTEGER": schema.Int32, "INT4": schema.Int32, "INT": schema.Int32, "SIGNED": schema.Int32, "INT32": schema.Int32,
	"DOUBLE": schema.Float64, "FLOAT8": schema.Float64, "DOUBLE PRECISION": schema.Float64,
	"FLOAT": schema.Float32, "FLOAT4": schema.Float32, "REAL": schema.Float32,
	"BOOLEAN": schema.Bool, "BOOL": schema.Bool, "LOGICAL": schema.Bool,
	"TIMESTAMP": schema.Timestamp, "DATETIME": schema.Timestamp, "TIMESTAMP WITHOUT TIME ZONE": schema.Timestamp,
	"TIMESTAMP WITH TIME ZONE": schema.TimestampTZ, "TIMESTAMPTZ": schema.TimestampTZ,
	"DATE": schema.Date,
	"TIME": schema.Time, "TIME WITHOUT TIME ZONE": schema.Time,
	"UUID": schema.UUID,
	"BLOB": schema.Bytes, "BYTEA": schema.Bytes, "BINARY": schema.Bytes, "VARBINARY": schema.Bytes,
	"JSON": schema.JSON,
}

func normalize(s string) schema.Type {
	u := strings.ToUpper(strings.TrimSpace(s))
	if t, ok := fromCatalog[u]; ok {
		return t
	}
	return schema.Raw(u)
}
