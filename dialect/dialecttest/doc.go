// Package dialecttest is the conformance kit every dialect runs, as
// golang-migrate's database/testing is for its drivers: a shared table of
// schema transitions rendered into one golden file per dialect and applied to
// a real database holding rows (up introspects to the target, down to the
// previous schema), a constant number of catalog queries for 3 and 300
// tables, introspection on one connection, names at the dialect's limit, the
// migrations state read through the dialect's golang-migrate driver, and the
// random round-trip property test, whose tables are named from the kit's
// pool of hostile identifiers (HostileNames). A dialect supplies a Harness:
// how to get a fresh database, and its literal and cast rules.
//
// # What the kit compares
//
// Before every step of Transitions and RoundTrip, and after its up, its
// down and its up again, the kit reads every row of every table in scope,
// all columns, through the dialect's own reader (Inspector.ReadText, each
// value as the database writes it as text, NULL apart), and compares the
// rows after with the rows before as multisets (sorted: their order does
// not matter), projected on the columns it can compare:
//
//   - a table the step drops is not compared (its rows are gone by design;
//     down gives it back empty); every other table keeps its number of rows;
//   - a column that exists before and after is compared, whether the plan
//     classes its change destructive or not (a rebuild, a NOT NULL change or
//     a retype must not alter a value it keeps); a column added is new, and
//     a dropped column loses its data by design (only a destructive step
//     drops one);
//   - a column whose type changes is compared only where the conversion is
//     value-preserving (rowcmp.Comparison): to string, the text must be the value's
//     text before; between numbers that widen (int32 -> int64, an integer ->
//     float64, float32 -> float64), the number must be the same exactly
//     (5 = 5.0); conversions that parse text, round, or depend on the
//     session's time zone (string -> number, float -> int, timestamp <->
//     timestamptz, date -> timestamp) are not compared;
//   - after down, every column of before that the up file kept with a
//     value-preserving conversion must hold exactly its values from before
//     the step again (a non-destructive step's down restores all the rows).
//
// A difference fails the check with ValuesDiffer, the table and column, the
// checksums of the table's sorted rows before and after, and examples of the
// values only before and only after. Transitions fills every column of
// every table; RoundTrip fills the NOT NULL ones (its nullable columns hold
// NULLs, which its random retypes need).
//
// CatchesSabotage and Recorder prove the checks can fail: a dialect's
// TestKitCatchesSabotage rewrites its plans through
// testhook.RewriteStatement to truncate, null or not restore values, and
// asserts that Transitions then fails on a value check.
package dialecttest
