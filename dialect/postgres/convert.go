package postgres

import (
	"strings"

	"github.com/mxmigrate/mxmigrate/schema"
)

var typeSQL = map[schema.Type]string{
	schema.String:      "VARCHAR",
	schema.Int64:       "BIGINT",
	schema.Int32:       "INTEGER",
	schema.Float64:     "DOUBLE PRECISION",
	schema.Float32:     "REAL",
	schema.Bool:        "BOOLEAN",
	schema.Timestamp:   "TIMESTAMP",
	schema.TimestampTZ: "TIMESTAMPTZ",
	schema.Date:        "DATE",
	schema.Time:        "TIME",
	schema.UUID:        "UUID",
	schema.Bytes:       "BYTEA",
	schema.JSON:        "JSONB",
}

// TypeSQL renders a logical (or raw) type: json is JSONB unless json_type
// says json.
func (d Dialect) TypeSQL(t schema.Type) string {
	if raw, ok := t.IsRaw(); ok {
		return raw
	}
	if t == schema.JSON && d.jsonType == "json" {
		return "JSON"
	}
	return typeSQL[t]
}

// DisplayType names a type in plans as PostgreSQL's catalog does, in lower
// case (jsonb, double precision).
func (d Dialect) DisplayType(t schema.Type) string { return strings.ToLower(d.TypeSQL(t)) }

// NormalizeType maps a catalog type name to a logical type; others stay raw.
// Both json and jsonb hold the logical json unless json_type names one of
// them: then the other stays raw, and the plan converts it.
func (d Dialect) NormalizeType(s string) schema.Type {
	t := normalize(s)
	if raw, ok := t.IsRaw(); ok && raw == "JSON" && d.jsonType != "jsonb" {
		return schema.JSON
	}
	if t == schema.JSON && d.jsonType == "json" {
		return schema.Raw("jsonb")
	}
	return t
}

// fromCatalog maps format_type() output (and common spellings) to logical types.
var fromCatalog = map[string]schema.Type{
	"character varying": schema.String, "varchar": schema.String, "text": schema.String,
	"bigint": schema.Int64, "int8": schema.Int64,
	"integer": schema.Int32, "int4": schema.Int32, "int": schema.Int32,
	"double precision": schema.Float64, "float8": schema.Float64,
	"real": schema.Float32, "float4": schema.Float32,
	"boolean": schema.Bool, "bool": schema.Bool,
	"timestamp without time zone": schema.Timestamp, "timestamp": schema.Timestamp,
	"timestamp with time zone": schema.TimestampTZ, "timestamptz": schema.TimestampTZ,
	"date":                   schema.Date,
	"time without time zone": schema.Time, "time": schema.Time,
	"uuid":  schema.UUID,
	"bytea": schema.Bytes,
	"jsonb": schema.JSON,
}

// normalize: an explicit precision of 6 on timestamps and times (what SQLAlchemy and
// others may write) is PostgreSQL's default and compares equal to none.
func normalize(s string) schema.Type {
	l := strings.ToLower(strings.TrimSpace(s))
	if strings.HasPrefix(l, "timestamp(6)") || strings.HasPrefix(l, "time(6)") {
		l = strings.Replace(l, "(6)", "", 1)
	}
	if t, ok := fromCatalog[l]; ok {
		return t
	}
	return schema.Raw(l)
}
