// Package itest holds what the integration suites share: building and running
// the mxmigrate binary, copying fixture projects, starting PostgreSQL in
// Docker through dockertest.
package itest
