// Package schema is mxmigrate's neutral model of a database schema: tables,
// columns with logical types, primary keys and indexes, plus the SQLAlchemy-style
// naming conventions that name constraints. It imports no dialect.
package schema
