// Package testhook holds the points where tests of this module step into
// mxmigrate's flow to make races happen deterministically, or to sabotage a
// plan so that a test can prove the conformance kit notices. Production code
// only reads them, each behind a nil check; they are nil outside tests.
package testhook

// BeforeLock runs before the runner takes golang-migrate's lock for a step
// of up, down or force: the window in which another run may move the version.
var BeforeLock func()

// RewriteStatement, when set, rewrites the SQL of every statement that
// dialect.Plan returns: dialect is the dialect's name, direction "up" or
// "down", sql the statement as rendered (with its final ";"). It returns
// the SQL to write instead, which may hold several statements, each ending
// with ";". The conformance kit's sabotage tests (TestKitCatchesSabotage) use it
// to inject data-losing SQL and assert that the kit fails.
var RewriteStatement func(dialect, direction, sql string) string

// LakeStatements, when set, replaces the statements that attach a store's
// DuckLake (the extension cannot be fetched on the machines the tests run
// on): a test attaches a plain DuckDB file in its place, to show that
// everything then happens in the attached database and none in the host.
var LakeStatements func(statements []string) []string
