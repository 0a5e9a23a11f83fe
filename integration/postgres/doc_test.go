// Package postgres_test runs mxmigrate against a real PostgreSQL server in a
// Docker container (one per test package, removed at the end even when tests
// fail), with both mxmigrate up and the stock golang-migrate CLI.
package postgres_test
