// Package catalog runs the catalog queries that dialects read a live
// database with: one query at a time on a connection, at once on a pool
// (Queries) or one at a time on it too (InOrder, for servers where each
// connection costs an authentication), rows scanned into the neutral
// schema, and a counter that tests use to check that the number of queries
// does not grow with the number of tables. It imports nothing of
// mxmigrate's but schema.
package catalog
