package diff

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/mxmigrate/mxmigrate/schema"
)

// Kind is a kind of change. The order of the constants is the phase order in
// which changes are applied (SPEC section 8).
type Kind int

// Change kinds, in application order.
const (
	RenameTable Kind = iota
	RenameColumn
	DropIndex
	DropPrimaryKey
	DropObject
	DropColumn
	DropTable
	CreateTable
	AddColumn
	AlterColumnType
	AlterColumnNull
	AlterStorage
	AddPrimaryKey
	CreateIndex
	CreateObject
)

var kindNames = [...]string{"rename table", "rename column", "drop index", "drop primary key", "drop object", "drop column", "drop table", "create table",
	"add column", "alter column type", "alter column nullability", "alter storage", "add primary key", "create index", "create object"}

func (k Kind) String() string { return kindNames[k] }

// Phase groups kinds as SPEC section 8 orders them: index/PK drops, column
// drops, table drops, table creates, column adds/alters, PK and index creates.
func (k Kind) Phase() int {
	switch k {
	case RenameTable, RenameColumn, DropIndex, DropPrimaryKey, DropObject:
		return 0
	case DropColumn:
		return 1
	case DropTable:
		return 2
	case CreateTable:
		return 3
	case AddColumn, AlterColumnType, AlterColumnNull, AlterStorage:
		return 4
	}
	return 5
}

// Change is one schema change on one table.
type Change struct {
	Kind  Kind
	Table string
	// Def is the whole table for CreateTable and DropTable.
	Def *schema.Table
	// Column is the column added or dropped, or the column after an alter.
	Column *schema.Column
	// From is the column before an alter.
	From *schema.Column
	// PrimaryKey is the key added or dropped.
	PrimaryKey *schema.PrimaryKey
	// Index is the index created or dropped.
	Index *schema.Index
	// Object is the object (a constraint, default, trigger...) mxmigrate
	// does not model, dropped or created again with its own statements.
	Object *schema.Object
	// Storage and FromStorage are a table's storage after and before an
	// AlterStorage (engine, sorting key, partitioning, settings).
	Storage, FromStorage *schema.Storage
	// Caveat is the dialect's own account of what the change does to
	// existing rows where it differs from the dialect-neutral one (on
	// ClickHouse, NULLs become a default instead of failing the statement,
	// and some column changes rebuild the table). It replaces Destructive's
	// reason and can make a safe change destructive, never a destructive one
	// safe; it is not carried into the inverse.
	Caveat string
	// OldTable is the name a RenameTable renames from (Table is the new
	// one); a RenameColumn renames From to Column in Table (its new name).
	OldTable string
	// FromType and ToType name the column's type before and after (ToType
	// alone for added and dropped columns) as the database does (VARCHAR,
	// jsonb), set by the dialect; empty, plans show the logical names.
	FromType, ToType string
}

// Inverse returns the change that undoes c.
func (c Change) Inverse() Change {
	inv := c
	inv.Caveat = ""
	switch c.Kind {
	case DropIndex:
		inv.Kind = CreateIndex
	case CreateIndex:
		inv.Kind = DropIndex
	case DropObject:
		inv.Kind = CreateObject
	case CreateObject:
		inv.Kind = DropObject
	case DropPrimaryKey:
		inv.Kind = AddPrimaryKey
	case AddPrimaryKey:
		inv.Kind = DropPrimaryKey
	case DropColumn:
		inv.Kind = AddColumn
	case AddColumn:
		inv.Kind = DropColumn
	case DropTable:
		inv.Kind = CreateTable
	case CreateTable:
		inv.Kind = DropTable
	case RenameTable:
		inv.Table, inv.OldTable = c.OldTable, c.Table
	case RenameColumn:
		inv.Column, inv.From = c.From, c.Column
	case AlterColumnType, AlterColumnNull:
		inv.Column, inv.From = c.From, c.Column
		inv.FromType, inv.ToType = c.ToType, c.FromType
	case AlterStorage:
		inv.Storage, inv.FromStorage = c.FromStorage, c.Storage
	}
	return inv
}

// Destructive returns why c may destroy data or fail on existing rows, or ""
// when it is safe (SPEC section 8).
func (c Change) Destructive() string {
	if c.Caveat != "" {
		return c.Caveat
	}
	return c.reason()
}

// reason is Destructive's dialect-neutral account.
func (c Change) reason() string {
	switch c.Kind {
	case DropTable:
		return fmt.Sprintf("drops table %s and all its rows", c.Table)
	case DropColumn:
		return fmt.Sprintf("drops column %s.%s and its data", c.Table, c.Column.Name)
	case AlterColumnType:
		if c.From != nil && widens(c.From.Type, c.Column.Type) {
			return ""
		}
		return fmt.Sprintf("changes the type of %s.%s from %s to %s: values may not convert", c.Table, c.Column.Name, typeText(c.FromType, c.From.Type), typeText(c.ToType, c.Column.Type))
	case AlterColumnNull:
		if !c.Column.Nullable {
			return fmt.Sprintf("sets %s.%s NOT NULL: fails if a row holds NULL", c.Table, c.Column.Name)
		}
	case AddColumn:
		if !c.Column.Nullable {
			return fmt.Sprintf("adds NOT NULL column %s.%s to an existing table: fails if the table has rows", c.Table, c.Column.Name)
		}
	case AlterStorage:
		return fmt.Sprintf("rebuilds table %s (%s): its rows are copied into a new table that then takes its place, and rows written to it meanwhile are lost",
			c.Table, StorageChange(c.FromStorage, c.Storage))
	case DropPrimaryKey:
		// a constraint someone relies on (perhaps added by hand): dropping it lets duplicates in
		return fmt.Sprintf("drops the primary key of %s: the uniqueness it enforces is gone", c.Table)
	case DropIndex:
		// a unique index is a constraint: dropping it lets duplicates in
		// (an invalid one, left by a failed build, is rebuilt or unwanted)
		if c.Index.Unique && !c.Index.Invalid {
			return fmt.Sprintf("drops unique index %s on %s: the uniqueness it enforces is gone", c.Index.Name, c.Table)
		}
	case CreateIndex:
		if c.Index.Unique {
			return fmt.Sprintf("creates unique index %s on %s: fails if rows hold duplicates", c.Index.Name, c.Table)
		}
	case DropObject:
		if c.Object.Destructive {
			what := "what it enforces or keeps is gone"
			switch c.Object.Kind {
			case "default":
				what = "rows inserted without the column get NULL instead"
			case "check", "unique", "foreign key", "exclusion":
				what = "the rule it enforces is gone"
			case "trigger":
				what = "what it does on writes stops"
			case "projection":
				what = "its data is dropped (down builds it again)"
			}
			return fmt.Sprintf("drops %s: %s", objectText(c.Table, c.Object), what)
		}
	case CreateObject:
		switch c.Object.Kind {
		case "check", "unique", "foreign key", "exclusion":
			return fmt.Sprintf("creates %s: fails if rows break it", objectText(c.Table, c.Object))
		}
	}
	return ""
}

// objectText names an object in plan lines: "check ck_fps on t (CHECK ((fps > 0)))".
func objectText(table string, o *schema.Object) string {
	s := o.Kind
	switch {
	case o.Name == "":
		s += " on " + table
	case o.Kind == "default" || o.Kind == "comment" && len(o.Columns) == 1 && o.Columns[0] == o.Name:
		s += " of " + table + "." + o.Name
	default:
		s += " " + o.Name + " on " + table
	}
	if o.Definition != "" {
		s += " (" + o.Definition + ")"
	}
	return s
}

// widens reports whether every value of type from has an equal value of
// type to (int32 -> int64, float32 -> float64, int32 -> float64, a database's
// varchar(n) -> string, timestamp(3) -> timestamp), so that the conversion
// loses nothing. It may still rewrite the table.
func widens(from, to schema.Type) bool {
	if raw, ok := from.IsRaw(); ok {
		// a bounded varchar, or a timestamp or time of lower precision, read
		// from a database: the logical type holds every value
		raw = strings.ToUpper(raw)
		base, _, bounded := strings.Cut(raw, "(")
		switch {
		case !bounded:
			return false
		case to == schema.String:
			return base == "CHARACTER VARYING" || base == "VARCHAR"
		case to == schema.Timestamp:
			return base == "TIMESTAMP" && (strings.HasSuffix(raw, ")") || strings.HasSuffix(raw, "WITHOUT TIME ZONE"))
		case to == schema.TimestampTZ:
			return base == "TIMESTAMP" && strings.HasSuffix(raw, "WITH TIME ZONE") || base == "TIMESTAMPTZ"
		case to == schema.Time:
			return base == "TIME" && (strings.HasSuffix(raw, ")") || strings.HasSuffix(raw, "WITHOUT TIME ZONE"))
		}
		return false
	}
	switch from {
	case schema.Int32:
		return to == schema.Int64 || to == schema.Float64
	case schema.Float32:
		return to == schema.Float64
	}
	return false
}

// Summary is the plan line for c: "+ create table t", "~ alter column ...", "- drop ...".
func (c Change) Summary() string {
	switch c.Kind {
	case RenameTable:
		return fmt.Sprintf("~ rename table %s to %s", c.OldTable, c.Table)
	case RenameColumn:
		return fmt.Sprintf("~ rename column %s.%s to %s", c.Table, c.From.Name, c.Column.Name)
	case CreateTable:
		return fmt.Sprintf("+ create table %s (%d columns)", c.Table, len(c.Def.Columns))
	case DropTable:
		return fmt.Sprintf("- drop table %s", c.Table)
	case AddColumn:
		return fmt.Sprintf("+ add column %s.%s %s%s", c.Table, c.Column.Name, typeText(c.ToType, c.Column.Type), nullText(c.Column))
	case DropColumn:
		return fmt.Sprintf("- drop column %s.%s", c.Table, c.Column.Name)
	case AlterColumnType:
		return fmt.Sprintf("~ alter column %s.%s type %s -> %s", c.Table, c.Column.Name, typeText(c.FromType, c.From.Type), typeText(c.ToType, c.Column.Type))
	case AlterColumnNull:
		if c.Column.Nullable {
			return fmt.Sprintf("~ alter column %s.%s drop not null", c.Table, c.Column.Name)
		}
		return fmt.Sprintf("~ alter column %s.%s set not null", c.Table, c.Column.Name)
	case AlterStorage:
		return fmt.Sprintf("~ rebuild table %s: %s", c.Table, StorageChange(c.FromStorage, c.Storage))
	case AddPrimaryKey:
		return fmt.Sprintf("+ add primary key %s (%s)", c.Table, strings.Join(c.PrimaryKey.Columns, ", "))
	case DropPrimaryKey:
		return fmt.Sprintf("- drop primary key %s (%s)", c.Table, strings.Join(c.PrimaryKey.Columns, ", "))
	case CreateIndex:
		return fmt.Sprintf("+ create index %s on %s (%s)", c.Index.Name, c.Table, strings.Join(c.Index.Columns, ", "))
	case DropObject:
		return "- drop " + objectText(c.Table, c.Object)
	case CreateObject:
		return "+ create " + objectText(c.Table, c.Object)
	case DropIndex:
		if c.Index.Invalid {
			return fmt.Sprintf("- drop invalid index %s on %s (left by a failed concurrent build)", c.Index.Name, c.Table)
		}
		return fmt.Sprintf("- drop index %s on %s", c.Index.Name, c.Table)
	}
	return c.Kind.String()
}

// typeText is the name set by the dialect, else the logical name, else a
// database type's own text (never the internal "raw:" form).
func typeText(set string, t schema.Type) string {
	if set != "" {
		return set
	}
	if raw, ok := t.IsRaw(); ok {
		return raw
	}
	return string(t)
}

func nullText(c *schema.Column) string {
	if c.Nullable {
		return ""
	}
	return " not null"
}

// sortName is the object inside a table that orders changes of one phase.
func (c Change) sortName() string {
	switch {
	case c.Column != nil:
		return c.Column.Name
	case c.Index != nil:
		return c.Index.Name
	case c.Object != nil:
		return c.Object.Kind + "\x00" + c.Object.Name
	}
	return ""
}

// StorageChange says what differs between two storages: "ORDER BY (a) -> (a, b)".
func StorageChange(from, to *schema.Storage) string {
	if from == nil {
		from = &schema.Storage{}
	}
	if to == nil {
		to = &schema.Storage{}
	}
	var parts []string
	if from.Engine != to.Engine {
		parts = append(parts, fmt.Sprintf("ENGINE %s -> %s", orNone(from.Engine), orNone(to.Engine)))
	}
	if !slices.Equal(from.OrderBy, to.OrderBy) {
		parts = append(parts, fmt.Sprintf("ORDER BY (%s) -> (%s)", strings.Join(from.OrderBy, ", "), strings.Join(to.OrderBy, ", ")))
	}
	if from.PartitionBy != to.PartitionBy {
		parts = append(parts, fmt.Sprintf("PARTITION BY %s -> %s", orNone(from.PartitionBy), orNone(to.PartitionBy)))
	}
	keys := make([]string, 0, len(to.Settings))
	for k := range to.Settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if from.Settings[k] != to.Settings[k] {
			parts = append(parts, fmt.Sprintf("SETTINGS %s %s -> %s", k, orNone(from.Settings[k]), to.Settings[k]))
		}
	}
	if len(parts) == 0 {
		return "same storage"
	}
	return strings.Join(parts, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// SameStorage reports whether the live storage cur satisfies the target's
// tgt: same engine, sorting key and partitioning, and every setting tgt sets
// (the database shows defaults it adds). A target without storage asks nothing.
func SameStorage(cur, tgt *schema.Storage) bool {
	if tgt == nil {
		return true
	}
	if cur == nil {
		cur = &schema.Storage{}
	}
	if cur.Engine != tgt.Engine || !slices.Equal(cur.OrderBy, tgt.OrderBy) || cur.PartitionBy != tgt.PartitionBy {
		return false
	}
	for k, v := range tgt.Settings {
		if cur.Settings[k] != v {
			return false
		}
	}
	return true
}
