// Package clickhouse is the ClickHouse dialect: Metaxy's ClickHouse stores on
// a server (clickhouse://, golang-migrate's ClickHouse driver over
// clickhouse-go/v2) and embedded ClickHouse data directories (chdb:, through
// internal/chdb). Tables are MergeTree-family tables whose engine, ORDER BY,
// PARTITION BY and SETTINGS come from [ext.mxmigrate.clickhouse] (shape.go);
// what ClickHouse cannot alter in place is rebuilt (render.go). No DDL is
// transactional, so every statement is idempotent.
package clickhouse
