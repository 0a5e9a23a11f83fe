// Package chdb runs the ClickHouse engine inside the process through chDB's
// libchdb (ClickHouse 26.7), loaded at run time only when a chdb: store is
// opened: mxmigrate starts, and serves every other store, without it.
//
// It binds the few functions of chDB's stable C API (chdb_connect,
// chdb_query, chdb_result_*, chdb_destroy_query_result, chdb_close_conn)
// with purego, keeps the Go runtime's signal handlers across the library's
// start (libchdb replaces them), and offers the one session a process may
// have as a database/sql connector, with `?` arguments bound as ClickHouse
// literals. chdb-go v1.11.0 is not imported: it loads the library in its
// package init and panics when it is missing.
package chdb
