package schema

import (
	"fmt"
	"sort"
	"strings"
)

// Type is a logical column type. The logical types mxmigrate derives from
// Metaxy are the constants below; a type read from a database that has no
// logical equivalent is kept as Raw("<SQL TYPE>") so that it still compares.
type Type string

// The logical types (SPEC section 5.2).
const (
	String      Type = "string"
	Int64       Type = "int64"
	Int32       Type = "int32"
	Float64     Type = "float64"
	Float32     Type = "float32"
	Bool        Type = "bool"
	Timestamp   Type = "timestamp"
	TimestampTZ Type = "timestamptz"
	Date        Type = "date"
	Time        Type = "time"
	UUID        Type = "uuid"
	Bytes       Type = "bytes"
	JSON        Type = "json"
)

// LogicalTypes lists every logical type in a fixed order.
var LogicalTypes = []Type{String, Int64, Int32, Float64, Float32, Bool, Timestamp, TimestampTZ, Date, Time, UUID, Bytes, JSON}

// TypeNames lists the logical types for messages: "string, int64, ...".
func TypeNames() string {
	names := make([]string, len(LogicalTypes))
	for i, t := range LogicalTypes {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

// Raw wraps a database type that has no logical equivalent.
func Raw(sqlType string) Type { return Type("raw:" + strings.ToUpper(strings.TrimSpace(sqlType))) }

// RawExact wraps a database type whose name is case-sensitive (ClickHouse's
// Map(String, String)), keeping it as written.
func RawExact(sqlType string) Type { return Type("raw:" + strings.TrimSpace(sqlType)) }

// IsRaw reports whether t came from the database without a logical equivalent,
// and returns its SQL text.
func (t Type) IsRaw() (string, bool) {
	s, ok := strings.CutPrefix(string(t), "raw:")
	return s, ok
}

// typeNames are the names ParseType accepts, each type's own name first.
var typeNames = []struct {
	name string
	t    Type
}{
	{"string", String}, {"str", String}, {"text", String}, {"varchar", String},
	{"int64", Int64}, {"bigint", Int64}, {"int8", Int64},
	{"int32", Int32}, {"int4", Int32},
	{"float64", Float64}, {"double", Float64}, {"float8", Float64}, {"number", Float64},
	{"float32", Float32}, {"float4", Float32}, {"real", Float32},
	{"bool", Bool}, {"boolean", Bool},
	{"timestamp", Timestamp}, {"datetime", Timestamp},
	{"timestamptz", TimestampTZ}, {"timestamp_tz", TimestampTZ}, {"datetime_tz", TimestampTZ},
	{"date", Date},
	{"time", Time},
	{"uuid", UUID},
	{"bytes", Bytes}, {"binary", Bytes}, {"blob", Bytes},
	{"json", JSON}, {"object", JSON}, {"array", JSON},
}

// ParseType returns the logical type named s (case-insensitive), accepting a
// few common aliases, and false when s names none.
func ParseType(s string) (Type, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, n := range typeNames {
		if n.name == s {
			return n.t, true
		}
	}
	return "", false
}

// Aliases are the other names ParseType accepts for t.
func Aliases(t Type) []string {
	var out []string
	for _, n := range typeNames {
		if n.t == t && n.name != string(t) {
			out = append(out, n.name)
		}
	}
	return out
}

// UnknownType says why s names no logical type, for an error message:
// "int", "integer" and "float" are refused as ambiguous (databases mean 32
// bits by INTEGER, and DuckDB by FLOAT; JSON Schema means 64 by integer).
func UnknownType(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "int", "integer":
		return fmt.Sprintf("%q is ambiguous: write int64 (bigint) or int32 (what databases call integer)", s)
	case "float":
		return fmt.Sprintf("%q is ambiguous: write float64 (double) or float32 (real; DuckDB's float)", s)
	}
	return fmt.Sprintf("unknown type %q (use one of %s)", s, TypeNames())
}

// Column is one column of a table. Tables share equal columns (a target's
// and a catalog's: ShareColumns, catalog.Builder): a column is never
// written in place; a change copies its table (Table.Clone) first.
type Column struct {
	Name     string
	Type     Type
	Nullable bool
}

// PrimaryKey is a table's primary key. Name may be empty when the database
// does not keep constraint names (DuckDB).
type PrimaryKey struct {
	Name    string
	Columns []string
}

// Index is a secondary index.
type Index struct {
	Name    string
	Columns []string
	Unique  bool
	// Using is the rest of a dialect's index definition, when it has one
	// (ClickHouse's data-skipping indexes: "TYPE minmax GRANULARITY 1", with
	// Columns holding the index expression).
	Using string
	// Invalid is set by introspection on an index the database does not use
	// (PostgreSQL's indisvalid false, left by a failed concurrent build): it
	// serves nothing and is rebuilt.
	Invalid bool
	// Def is the index's own CREATE INDEX statement as the database gives
	// it (without the final semicolon), set by introspection; creating the
	// index again uses it, so that a down file restores an index mxmigrate
	// did not make exactly (expressions, WHERE, INCLUDE, method). Empty for
	// targets, and never compared.
	Def string
}

// Object is something a live table has that mxmigrate does not model (a
// CHECK, UNIQUE or FOREIGN KEY constraint, a column DEFAULT, a trigger, a
// comment, a ClickHouse projection or setting), read by introspection with
// the statements that drop it and create it again exactly. Targets derived
// from definitions have none: every object is unmanaged (decision 40).
type Object struct {
	// Kind is what it is: "check", "unique", "foreign key", "exclusion",
	// "default", "trigger", "comment", "projection", "setting", "ttl", ...
	Kind string
	// Name identifies it within its table: the constraint's, trigger's or
	// projection's name, the column of a default or comment ("" for the
	// table's own comment), the setting's name.
	Name string
	// Definition is how the database shows it: "CHECK ((fps > 0))",
	// "DEFAULT 'x'::text".
	Definition string
	// Columns are the columns it depends on, when known: dropping one of
	// them drops the object with it.
	Columns []string
	// DropSQL and CreateSQL drop it and create it again, exactly (each one
	// or more complete statements). DropSQL is empty when the dialect cannot
	// drop it in place; Keep then says why.
	DropSQL, CreateSQL string
	Keep               string
	// Lock is what its statements lock, for plans.
	Lock string
	// Destructive: dropping it removes a rule the data relies on (a
	// constraint, a default, a trigger, a projection's data), so the drop
	// is gated like other destructive changes.
	Destructive bool
}

// ID is the object's name in ignore patterns and messages: "name" or, for
// the table's own comment, the kind.
func (o *Object) ID() string {
	if o.Name == "" {
		return o.Kind
	}
	return o.Name
}

// Same reports whether two objects are one: same kind, name and definition.
func (o *Object) Same(x *Object) bool {
	return o.Kind == x.Kind && o.Name == x.Name && o.Definition == x.Definition
}

func (o *Object) clone() *Object {
	c := *o
	c.Columns = append([]string(nil), o.Columns...)
	return &c
}

// Storage is how a table stores its rows where that is part of its
// definition (ClickHouse's MergeTree family): the clauses after the columns,
// as the database shows them. Tables of other dialects have none.
type Storage struct {
	// Engine with its arguments: "MergeTree", "ReplacingMergeTree(metaxy_updated_at)".
	Engine string
	// OrderBy is the sorting key, one element per column or expression
	// (empty: ORDER BY tuple()).
	OrderBy []string
	// PartitionBy is the partition expression ("" for none).
	PartitionBy string
	// Settings are table settings, name to value as SQL text. A target
	// compares only the settings it sets (the database adds defaults).
	Settings map[string]string
	// Unmodeled describes what a live table has that mxmigrate does not
	// manage (a TTL, column defaults and codecs, comments), for messages:
	// set by introspection, never compared. A rebuild would lose it.
	Unmodeled []string
}

// Clone returns a deep copy of s (nil for nil).
func (s *Storage) Clone() *Storage {
	if s == nil {
		return nil
	}
	c := *s
	c.OrderBy = append([]string(nil), s.OrderBy...)
	c.Unmodeled = append([]string(nil), s.Unmodeled...)
	if s.Settings != nil {
		c.Settings = make(map[string]string, len(s.Settings))
		for k, v := range s.Settings {
			c.Settings[k] = v
		}
	}
	return &c
}

// Table is one table. Columns keep their declared order.
type Table struct {
	Name       string
	Columns    []*Column
	PrimaryKey *PrimaryKey
	Indexes    []*Index
	// FeatureKey and Project say which Metaxy feature the table stores
	// (empty for system tables and for tables read from a database).
	FeatureKey string
	Project    string
	// IDColumns are the feature's id columns (feature tables only).
	IDColumns []string
	// Storage is set by dialects whose tables have one (ClickHouse).
	Storage *Storage
	// Stats are the live table's size as the catalog estimates it, set by
	// introspection (nil for targets); never compared.
	Stats *Stats
	// Objects are what the live table has that mxmigrate does not model
	// (set by introspection, sorted by kind and name; nil for targets).
	Objects []*Object
}

// Stats are a live table's estimated rows and size; -1 where the catalog
// does not say (PostgreSQL before the first ANALYZE; DuckDB's size).
type Stats struct {
	Rows  int64
	Bytes int64
}

// Column returns the column called name, or nil.
func (t *Table) Column(name string) *Column {
	for _, c := range t.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Index returns the index called name, or nil.
func (t *Table) Index(name string) *Index {
	for _, ix := range t.Indexes {
		if ix.Name == name {
			return ix
		}
	}
	return nil
}

// Object returns the object of kind and name, or nil.
func (t *Table) Object(kind, name string) *Object {
	for _, o := range t.Objects {
		if o.Kind == kind && o.Name == name {
			return o
		}
	}
	return nil
}

// SortObjects orders t's objects by kind, then name, for deterministic output.
func (t *Table) SortObjects() {
	sort.SliceStable(t.Objects, func(i, j int) bool {
		a, b := t.Objects[i], t.Objects[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Name < b.Name
	})
}

// Clone returns a deep copy of t.
func (t *Table) Clone() *Table {
	c := &Table{Name: t.Name, FeatureKey: t.FeatureKey, Project: t.Project, IDColumns: append([]string(nil), t.IDColumns...), Storage: t.Storage.Clone()}
	if t.Stats != nil {
		st := *t.Stats
		c.Stats = &st
	}
	for _, col := range t.Columns {
		cc := *col
		c.Columns = append(c.Columns, &cc)
	}
	if t.PrimaryKey != nil {
		c.PrimaryKey = &PrimaryKey{Name: t.PrimaryKey.Name, Columns: append([]string(nil), t.PrimaryKey.Columns...)}
	}
	for _, ix := range t.Indexes {
		c.Indexes = append(c.Indexes, &Index{Name: ix.Name, Columns: append([]string(nil), ix.Columns...), Unique: ix.Unique, Using: ix.Using, Invalid: ix.Invalid, Def: ix.Def})
	}
	for _, o := range t.Objects {
		c.Objects = append(c.Objects, o.clone())
	}
	return c
}

// Schema is a set of tables.
type Schema struct {
	Tables []*Table
}

// ShareColumns makes the columns of s that are equal (name, type,
// nullability) one value shared by their tables: Metaxy's system columns
// are in every feature table (at 10,000 tables, 250,000 columns were
// 12 MB of the target).
func (s *Schema) ShareColumns() {
	shared := SharedColumns{}
	for _, t := range s.Tables {
		for i, c := range t.Columns {
			t.Columns[i] = shared.Share(*c)
		}
	}
}

// SharedColumns holds one value of each column given to Share.
type SharedColumns map[Column]*Column

// Share returns the one value of column c.
func (s SharedColumns) Share(c Column) *Column {
	if v := s[c]; v != nil {
		return v
	}
	v := new(Column) // not &c: c would be on the heap for every call
	*v = c
	s[c] = v
	return v
}

// Table returns the table called name, or nil.
func (s *Schema) Table(name string) *Table {
	for _, t := range s.Tables {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// Index returns a map from table name to table, for lookups in large schemas.
func (s *Schema) Index() map[string]*Table {
	m := make(map[string]*Table, len(s.Tables))
	for _, t := range s.Tables {
		m[t.Name] = t
	}
	return m
}

// Sort orders tables by name, for deterministic output.
func (s *Schema) Sort() {
	sort.Slice(s.Tables, func(i, j int) bool { return s.Tables[i].Name < s.Tables[j].Name })
}

// Names returns the table names in schema order.
func (s *Schema) Names() []string {
	out := make([]string, len(s.Tables))
	for i, t := range s.Tables {
		out[i] = t.Name
	}
	return out
}

// Clone returns a deep copy of s.
func (s *Schema) Clone() *Schema {
	c := &Schema{Tables: make([]*Table, len(s.Tables))}
	for i, t := range s.Tables {
		c.Tables[i] = t.Clone()
	}
	return c
}

// TableObject is an object a catalog query read, with the table it is on.
type TableObject struct {
	Table string
	Obj   *Object
}

// Attach puts objects on their tables (those in s; others are dropped),
// each table's objects sorted.
func (s *Schema) Attach(objs []TableObject) {
	byName := s.Index()
	for _, o := range objs {
		if t := byName[o.Table]; t != nil {
			t.Objects = append(t.Objects, o.Obj)
		}
	}
	for _, t := range s.Tables {
		t.SortObjects()
	}
}
