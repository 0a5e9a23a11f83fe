// Package sqlx holds the SQL and URL helpers that several dialects share:
// running catalog queries (at once on a pool, one by one on a connection),
// assembling a schema from catalog rows, the DDL whose text every supported
// dialect shares, and URL editing. It is internal: dialects use it, nothing
// else depends on it.
package sqlx
