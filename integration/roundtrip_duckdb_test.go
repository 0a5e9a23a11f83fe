package integration

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/mxmigrate/mxmigrate/integration/itest"
	"github.com/mxmigrate/mxmigrate/stores"
	"github.com/mxmigrate/mxmigrate/stores/duckdb"
)

// TestRoundTripDuckDB: 25 chains of 10 random target schemas, at least 200 of
// which differ from their predecessor, on real DuckDB files (itest.RoundTrip).
func TestRoundTripDuckDB(t *testing.T) {
	itest.RoundTrip(t, itest.Target{
		Dialect: duckdb.Dialect{},
		NewDB: func(t *testing.T) (*stores.Handle, string) {
			p := filepath.Join(t.TempDir(), "rt.duckdb")
			h, err := duckdb.OpenPath(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { h.Close() })
			return h, "duckdb://" + p
		},
		Castable: itest.DuckDBCastable,
	}, 25, 10, 200)
}
