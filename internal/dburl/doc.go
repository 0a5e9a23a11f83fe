// Package dburl edits database URLs: the scheme and port a printed URL
// takes (--protocol, --port) and query parameters such as
// x-migrations-table.
package dburl
