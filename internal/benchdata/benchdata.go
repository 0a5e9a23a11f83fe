package benchdata

import (
	"fmt"

	"github.com/mxmigrate/mxmigrate/schema"
)

// FeatureSchemas returns n tables and the target where every tenth gained a column.
func FeatureSchemas(n int) (current, target *schema.Schema) {
	current, target = &schema.Schema{}, &schema.Schema{}
	for i := 0; i < n; i++ {
		t := &schema.Table{Name: fmt.Sprintf("bench__feature_%05d", i)}
		t.Columns = append(t.Columns, &schema.Column{Name: "sample_id", Type: schema.String})
		for c := 0; c < 24; c++ {
			t.Columns = append(t.Columns, &schema.Column{Name: fmt.Sprintf("col_%02d", c), Type: schema.LogicalTypes[c%len(schema.LogicalTypes)], Nullable: true})
		}
		t.PrimaryKey = &schema.PrimaryKey{Columns: []string{"sample_id", "col_01"}}
		t.Indexes = []*schema.Index{{Name: "ix_" + t.Name, Columns: []string{"sample_id", "col_01"}}}
		current.Tables = append(current.Tables, t)
		nt := t.Clone()
		if i%10 == 0 {
			nt.Columns = append(nt.Columns, &schema.Column{Name: "added", Type: schema.String, Nullable: true})
		}
		target.Tables = append(target.Tables, nt)
	}
	return current, target
}
