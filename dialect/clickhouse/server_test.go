package clickhouse

import (
	"fmt"
	neturl "net/url"
	"os"
	"testing"

	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/dialect/dialecttest"
)

// TestServer runs the conformance kit on a ClickHouse server when
// MXMIGRATE_CLICKHOUSE_URL names one (clickhouse://user:pass@host:port/db;
// the kit creates and drops tables there). No server is reachable on the
// machines this project is built on, so it says so on stderr and is skipped.
func TestServer(t *testing.T) {
	url := os.Getenv("MXMIGRATE_CLICKHOUSE_URL")
	if url == "" {
		msg := "dialect/clickhouse: TestServer not run: set MXMIGRATE_CLICKHOUSE_URL=clickhouse://user:pass@host:8123/db to run the conformance kit on a ClickHouse server (the embedded engine ran it above)"
		fmt.Fprintln(os.Stderr, msg)
		t.Skip(msg)
	}
	dialecttest.Run(t, dialecttest.Harness{
		Dialect: Dialect{},
		NewStore: func(t testing.TB) dialect.Store {
			// a database of its own (mxmigrate_test_<pid>_<n>), dropped after
			// the test: nothing else on the server is touched
			h, err := configure(t, Dialect{}, url).Open(t.Context(), dialect.OpenOptions{})
			if err != nil {
				t.Fatal(err)
			}
			db := fmt.Sprintf("mxmigrate_test_%d_%d", os.Getpid(), dbSeq.Add(1))
			if _, err := h.Exec("CREATE DATABASE " + db); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { h.Exec("DROP DATABASE IF EXISTS " + db + " SYNC"); h.Close() })
			u, err := neturl.Parse(url)
			if err != nil {
				t.Fatal(err)
			}
			u.Path = "/" + db
			return configure(t, Dialect{}, u.String())
		},
		Literal:  literal,
		Castable: castable,
		Golden:   "testdata/conformance.sql",
		Chains:   3, Steps: 10, MinSteps: 1,
	})
}
