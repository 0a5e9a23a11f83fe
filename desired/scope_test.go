package desired

import (
	"reflect"
	"testing"

	"github.com/mxmigrate/mxmigrate/schema"
)

func TestScope(t *testing.T) {
	tgt := &schema.Schema{Tables: []*schema.Table{{Name: "b"}, {Name: "a"}}}
	got := Scope(tgt, []string{"c", "a"})
	if !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("got %v", got)
	}
	if got := Scope(&schema.Schema{}, nil); len(got) != 0 {
		t.Errorf("empty: %v", got)
	}
}
