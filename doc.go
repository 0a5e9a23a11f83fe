// Package mxmigrate generates and applies golang-migrate migrations for Metaxy
// metadata stores. It is the library behind the mxmigrate command: load a
// metaxy.toml, plan an environment (target schema vs live database), generate
// numbered up/down files, and apply them. SystemMetadata and
// FilterFeatureMetadata mirror Metaxy's Python SQLAlchemy helpers.
package mxmigrate
