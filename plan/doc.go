// Package plan holds what a migration plan is made of, whatever the dialect:
// statements with the changes they carry out, the files (steps) they are
// split into, what each statement costs on the live table (effect, lock,
// size) and how those figures are written, and the statements of objects
// mxmigrate does not model (dropped and created again as introspected).
package plan
