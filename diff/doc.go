// Package diff compares a current schema with a target schema and returns the
// ordered changes between them. Every change knows its inverse (so the down
// migration is derived, never assembled) and whether it may destroy data.
package diff
