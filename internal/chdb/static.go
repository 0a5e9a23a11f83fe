//go:build static

package chdb

// Static: a statically linked build (scripts/release.sh sets the static
// tag), where dlopen cannot load libchdb beside the binary's own libc.
const Static = true
