// Package storetest is the conformance kit every dialect runs, as
// golang-migrate's database/testing is for its drivers: a shared table of
// schema transitions rendered into one golden file per dialect and applied to
// a real database holding rows (up introspects to the target, down to the
// previous schema, rows kept), a constant number of catalog queries for 3 and
// 300 tables, introspection on one connection, names at the dialect's limit,
// the migrations state read through the dialect's golang-migrate driver, and
// the random round-trip property test. A dialect supplies a Harness: how to
// get a fresh database, and its literal and cast rules.
package storetest
