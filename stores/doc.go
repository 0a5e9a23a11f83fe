// Package stores defines what a database dialect provides to mxmigrate
// (connection, URLs, types, catalog queries, DDL) and a registry that dialect
// packages such as stores/duckdb join when they are imported.
package stores
