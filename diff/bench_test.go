package diff

import (
	"fmt"
	"testing"

	"github.com/mxmigrate/mxmigrate/schema"
)

// schemas returns n feature-like tables of 25 columns with a key and an
// index, and a target where every tenth table gained a column.
func schemas(n int) (*schema.Schema, *schema.Schema) {
	cur, tgt := &schema.Schema{}, &schema.Schema{}
	for i := 0; i < n; i++ {
		t := &schema.Table{Name: fmt.Sprintf("bench__feature_%05d", i)}
		t.Columns = append(t.Columns, &schema.Column{Name: "sample_id", Type: schema.String})
		for c := 0; c < 24; c++ {
			t.Columns = append(t.Columns, &schema.Column{Name: fmt.Sprintf("col_%02d", c), Type: schema.LogicalTypes[c%len(schema.LogicalTypes)], Nullable: true})
		}
		t.PrimaryKey = &schema.PrimaryKey{Columns: []string{"sample_id", "col_01"}}
		t.Indexes = []*schema.Index{{Name: "ix_" + t.Name, Columns: []string{"sample_id", "col_01"}}}
		cur.Tables = append(cur.Tables, t)
		nt := t.Clone()
		if i%10 == 0 {
			nt.Columns = append(nt.Columns, &schema.Column{Name: "added", Type: schema.String, Nullable: true})
		}
		tgt.Tables = append(tgt.Tables, nt)
	}
	return cur, tgt
}

func BenchmarkCompare(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		cur, tgt := schemas(n)
		b.Run(fmt.Sprintf("tables=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if cs := Compare(cur, tgt); len(cs) != n/10 {
					b.Fatalf("%d changes", len(cs))
				}
			}
		})
	}
}
