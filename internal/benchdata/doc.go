// Package benchdata builds the in-memory schemas the benchmarks share: feature
// tables of 25 columns with a key and an index, and a target where every tenth
// table gained a column (SPEC section 13's scenario).
package benchdata
