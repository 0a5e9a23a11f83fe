package diff

import (
	"fmt"
	"testing"

	"github.com/mxmigrate/mxmigrate/internal/benchdata"
)

func BenchmarkCompare(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		cur, tgt := benchdata.FeatureSchemas(n)
		b.Run(fmt.Sprintf("tables=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if cs := Compare(cur, tgt); len(cs) != n/10 {
					b.Fatalf("%d changes", len(cs))
				}
			}
		})
	}
}
