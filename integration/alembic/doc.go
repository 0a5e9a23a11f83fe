// Package alembic runs docs/switching-from-alembic.md as a script against
// PostgreSQL in Docker: Debian's Alembic and SQLAlchemy create the tables the
// way Metaxy's SQLAlchemy integration declares them, then the guide's
// mxmigrate commands take the database over and must end with check clean
// and no migration needed. See guide_test.go for how the page is read.
package alembic
