// Package generator turns planned statements into golang-migrate files: it
// reads a migrations directory and its mxmigrate.sum manifest, numbers new
// versions, renders up/down files with headers, and writes them without ever
// overwriting, under a lock on the directory.
package generator
