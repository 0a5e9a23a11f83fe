// Package config reads the metaxy.toml that Python Metaxy reads: discovery,
// `extend`, METAXY_* environment overrides, ${VAR} templating, the stores, the
// [ext.sqlalchemy] options and mxmigrate's own [ext.mxmigrate] section, and
// resolves environments ("<store>:<target>") to directories and migrations tables.
package config
