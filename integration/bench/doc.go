// Command bench is `make bench`'s driver: it sets up SPEC section 13's
// scenario (N feature tables x 25 columns with an injected primary key and
// index, then N/10 of them gain a column) on a DuckDB file and on PostgreSQL
// in Docker, and measures `mxmigrate generate` (median wall time of 5 runs,
// catalog queries, peak RSS), `mxmigrate --help` latency and diff + render of
// 10,000 in-memory tables. It prints the figures and writes BENCHMARKS.md.
package main
