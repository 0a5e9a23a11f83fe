//go:build !static

package chdb

// Static: not a statically linked build; libchdb can be loaded.
const Static = false
