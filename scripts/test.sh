#!/usr/bin/env bash
# Runs every test of mxmigrate. DuckDB is embedded (cgo, bundled with the Go
# module), so the suites need nothing else installed.
set -euo pipefail
cd "$(dirname "$0")/.."
go vet ./...
go test -count=1 -timeout 45m ./...
