package duckdb

import (
	"context"
	"testing"

	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/internal/benchdata"
	"github.com/mxmigrate/mxmigrate/schema"
)

// BenchmarkDiffRender is SPEC section 13's "diff + render of 10,000
// in-memory tables" (target: 100 ms), as generate does it: compare, plan up
// and down, render both files.
func BenchmarkDiffRender(b *testing.B) {
	cur, tgt := benchdata.FeatureSchemas(10000)
	h := generator.Header{Tool: "bench", Environment: "bench", Dialect: "duckdb", Direction: "up", Transactional: true}
	d := Dialect{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cs := diff.Compare(cur, tgt)
		after := diff.Apply(cur, cs)
		up, _ := d.Render(cs, cur, after)
		down, _ := d.Render(diff.Inverse(cs), after, cur)
		if len(generator.Render(h, up)) == 0 || len(generator.Render(h, down)) == 0 {
			b.Fatal("empty render")
		}
	}
}

// BenchmarkIntrospect reads 1,000 tables of 25 columns with a key and an index.
func BenchmarkIntrospect(b *testing.B) {
	_, tgt := benchdata.FeatureSchemas(1000)
	p := b.TempDir() + "/bench.duckdb"
	h, err := OpenPath(context.Background(), p)
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	st, _ := Dialect{}.Render(diff.Compare(&schema.Schema{}, tgt), &schema.Schema{}, tgt)
	tx, _ := h.Begin()
	for _, s := range st {
		if _, err := tx.Exec(s.SQL); err != nil {
			b.Fatal(err)
		}
	}
	tx.Commit()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := Dialect{}.Inspect(context.Background(), h, tgt.Names())
		if err != nil || len(s.Tables) != 1000 {
			b.Fatal(err)
		}
	}
}
