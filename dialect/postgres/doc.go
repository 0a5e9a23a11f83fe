// Package postgres is mxmigrate's PostgreSQL dialect: connections from the
// store's connection_string, golang-migrate URLs for its pgx/v5 driver (scheme
// pgx5), type conversion, pg_catalog introspection in three queries, and DDL.
// Importing the package registers the dialect and golang-migrate's pgx5 driver.
package postgres
