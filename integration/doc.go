// Package integration holds end-to-end suites on real databases: the DuckDB
// round-trip property test and the CLI flow on the embedded default run on
// every machine; server dialects run in Docker containers (dockertest).
package integration
