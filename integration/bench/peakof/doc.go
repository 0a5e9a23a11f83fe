// Command peakof runs a command and writes its peak resident set size (kB,
// from rusage) and wall time (ns) to a file: `peakof FILE -- cmd args...`.
// The bench (integration/bench) runs every measured command through it.
//
// It is its own small program, without cgo, because Linux counts in a
// child's peak RSS the resident pages of the process it was started from
// (at exec the old address space's high-water mark is kept): a wrapper as
// large as the bench itself, which links DuckDB, held psql's floor at ~15
// MB whatever psql used. This one is ~2 MB resident when it starts the
// command, under any floor measured.
package main
