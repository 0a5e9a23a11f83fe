// Package duckdb is mxmigrate's DuckDB dialect: opening database files, URLs,
// type conversion, catalog queries, DDL planned around DuckDB's ALTER TABLE
// limits, and a golang-migrate database driver registered as "duckdb".
// Importing the package registers both.
package duckdb
