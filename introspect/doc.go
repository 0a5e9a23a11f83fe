// Package introspect decides which tables are in scope for an environment and
// reads their live schema through the dialect, counting catalog queries so
// that tests can check the count does not grow with the number of tables.
package introspect
