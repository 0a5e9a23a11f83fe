// Package release tests the release build (scripts/release.sh): the
// linux/amd64 binary is statically linked, and it runs `mxmigrate version`
// and the demo flow on DuckDB in a container built from scratch (the
// repository's Dockerfile) holding nothing but it and the demo files.
package release
