package clickhouse

import (
	"strings"

	"github.com/mxmigrate/mxmigrate/schema"
)

// TypeSQL renders a logical (or raw) type, without Nullable.
func (Dialect) TypeSQL(t schema.Type) string {
	switch t {
	case schema.String, schema.Bytes:
		return "String"
	case schema.Int64:
		return "Int64"
	case schema.Int32:
		return "Int32"
	case schema.Float64:
		return "Float64"
	case schema.Float32:
		return "Float32"
	case schema.Bool:
		return "Bool"
	case schema.Timestamp:
		return "DateTime64(6)"
	case schema.TimestampTZ:
		return "DateTime64(6, 'UTC')"
	case schema.Date:
		return "Date32"
	case schema.Time:
		return "Time64(6)"
	case schema.UUID:
		return "UUID"
	case schema.JSON:
		return "JSON"
	}
	if raw, ok := t.IsRaw(); ok {
		return raw
	}
	return string(t)
}

// NormalizeType maps a type of system.columns (without Nullable) to a
// logical type; others stay raw, as written (ClickHouse type names are
// case-sensitive).
func (Dialect) NormalizeType(catalog string) schema.Type {
	switch strings.TrimSpace(catalog) {
	case "String":
		return schema.String
	case "Int64":
		return schema.Int64
	case "Int32":
		return schema.Int32
	case "Float64":
		return schema.Float64
	case "Float32":
		return schema.Float32
	case "Bool":
		return schema.Bool
	case "DateTime64(6)":
		return schema.Timestamp
	case "DateTime64(6, 'UTC')":
		return schema.TimestampTZ
	case "Date32":
		return schema.Date
	case "Time64(6)":
		return schema.Time
	case "UUID":
		return schema.UUID
	case "JSON":
		return schema.JSON
	}
	return schema.RawExact(catalog)
}

// nullable splits Nullable(T) into T and true.
func nullable(typ string) (string, bool) {
	if strings.HasPrefix(typ, "Nullable(") && strings.HasSuffix(typ, ")") {
		return typ[len("Nullable(") : len(typ)-1], true
	}
	return typ, false
}

// wrappable reports whether ClickHouse can make typ Nullable: not Map,
// Array, Tuple, JSON, Variant, Dynamic, LowCardinality or Nested.
func wrappable(typ string) bool {
	for _, p := range []string{"Map(", "Array(", "Tuple(", "JSON", "Object(", "Variant(", "Dynamic", "LowCardinality(", "Nested("} {
		if strings.HasPrefix(typ, p) {
			return false
		}
	}
	return true
}

// columnType is the column's full type: Nullable(T) when nullable.
func (d Dialect) columnType(c *schema.Column) string {
	t := d.TypeSQL(c.Type)
	if c.Nullable && wrappable(t) {
		return "Nullable(" + t + ")"
	}
	return t
}
