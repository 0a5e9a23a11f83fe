package catalog

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/mxmigrate/mxmigrate/schema"
)

// TestBuilderOrdersAndShares: rows of a table in any order come out in
// position order, tables by name, the first row's stats kept, and a column
// name read twice is one string.
func TestBuilderOrdersAndShares(t *testing.T) {
	b := NewBuilder(func(s string) schema.Type { return schema.Type(strings.ToLower(s)) })
	st := schema.Stats{Rows: 7, Bytes: 8}
	b.Column(ColumnRow{Table: "b", Name: "z", Type: "INT64", Stats: st}, 3)
	b.Column(ColumnRow{Table: "a", Name: strings.Clone("id"), Type: "STRING"}, 1)
	b.Column(ColumnRow{Table: "b", Name: strings.Clone("id"), Type: "STRING", Nullable: true}, 1)
	b.Column(ColumnRow{Table: "b", Name: "y", Type: "INT64"}, 2)
	s := b.Schema([]KeyRow{{Table: "b", Name: "b_pkey", Columns: []string{"id"}}, {Table: "gone", Name: "x"}},
		[]KeyRow{{Table: "a", Name: "a_ix", Columns: []string{"id"}, Unique: true}})
	if got := strings.Join(s.Names(), ","); got != "a,b" {
		t.Fatalf("tables %s, want a,b", got)
	}
	var cols []string
	for _, c := range s.Tables[1].Columns {
		cols = append(cols, c.Name+":"+string(c.Type))
	}
	if got := strings.Join(cols, ","); got != "id:string,y:int64,z:int64" {
		t.Errorf("b's columns %s, want id:string,y:int64,z:int64", got)
	}
	if !s.Tables[1].Columns[0].Nullable || s.Tables[0].Columns[0].Nullable {
		t.Error("nullability crossed tables")
	}
	if *s.Tables[1].Stats != st {
		t.Errorf("b's stats %+v, want %+v", *s.Tables[1].Stats, st)
	}
	if s.Tables[1].PrimaryKey == nil || s.Tables[1].PrimaryKey.Name != "b_pkey" || s.Tables[0].PrimaryKey != nil {
		t.Error("primary key not on b alone")
	}
	if len(s.Tables[0].Indexes) != 1 || !s.Tables[0].Indexes[0].Unique {
		t.Error("a's unique index missing")
	}
	if a, bb := s.Tables[0].Columns[0].Name, s.Tables[1].Columns[0].Name; unsafe.StringData(a) != unsafe.StringData(bb) {
		t.Error("the column name id is kept twice")
	}
}

// TestBuilderSharesColumns: a column equal in name, type and nullability
// in two tables is one value; one that differs in any is its own; Columns
// gives a table's columns in position order.
func TestBuilderSharesColumns(t *testing.T) {
	b := NewBuilder(func(s string) schema.Type { return schema.Type(s) })
	for _, tb := range []string{"a", "b"} {
		b.Column(ColumnRow{Table: tb, Name: "metaxy_data_version", Type: "string"}, 2)
		b.Column(ColumnRow{Table: tb, Name: "id", Type: "string", Nullable: tb == "b"}, 1)
	}
	a, bb := b.Columns("a"), b.Columns("b")
	if len(a) != 2 || a[0].Name != "id" || bb[1].Name != "metaxy_data_version" {
		t.Fatalf("columns not in position order: %v %v", a, bb)
	}
	if a[1] != bb[1] {
		t.Error("metaxy_data_version, equal in both tables, is two values")
	}
	if a[0] == bb[0] || a[0].Nullable || !bb[0].Nullable {
		t.Error("id, nullable in b only, is shared or crossed tables")
	}
	if b.Columns("none") != nil {
		t.Error("a table with no row has columns")
	}
}
