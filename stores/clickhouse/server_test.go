package clickhouse

import (
	"fmt"
	"os"
	"testing"

	"github.com/mxmigrate/mxmigrate/stores"
	"github.com/mxmigrate/mxmigrate/stores/storetest"
)

// TestServer runs the conformance kit on a ClickHouse server when
// MXMIGRATE_CLICKHOUSE_URL names one (clickhouse://user:pass@host:port/db;
// the kit creates and drops tables there). No server is reachable on the
// machines this project is built on, so it says so on stderr and is skipped.
func TestServer(t *testing.T) {
	url := os.Getenv("MXMIGRATE_CLICKHOUSE_URL")
	if url == "" {
		msg := "stores/clickhouse: TestServer not run: set MXMIGRATE_CLICKHOUSE_URL=clickhouse://user:pass@host:8123/db to run the conformance kit on a ClickHouse server (the embedded engine ran it above)"
		fmt.Fprintln(os.Stderr, msg)
		t.Skip(msg)
	}
	storetest.Run(t, storetest.Harness{
		Dialect: Dialect{},
		NewStore: func(t *testing.T) stores.Store {
			s := configure(t, Dialect{}, url)
			h, err := s.Open(t.Context(), stores.OpenOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			// an empty database: the kit's tables are dropped first
			live, err := Dialect{}.Inspect(t.Context(), h, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, tb := range live.Tables {
				if _, err := h.Exec("DROP TABLE IF EXISTS " + Dialect{}.Quote(tb.Name) + " SYNC"); err != nil {
					t.Fatal(err)
				}
			}
			return s
		},
		Literal:  literal,
		Castable: castable,
		Golden:   "testdata/conformance.sql",
		Chains:   3, Steps: 10, MinSteps: 1,
	})
}
