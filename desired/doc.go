// Package desired derives the schema mxmigrate migrates towards: Metaxy's two
// system tables, or one table per feature of the project with Metaxy's system
// columns, optional injected primary key and index, and conventional names.
package desired
