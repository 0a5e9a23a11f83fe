#!/usr/bin/env bash
# `make bench`: Go benchmarks, then the scenario driver (integration/bench) on a
# DuckDB file and on PostgreSQL in Docker (provisioned as for the tests). It
# prints the figures and rewrites BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/provision.sh
go test -run '^$' -bench . -benchmem -benchtime 5x ./diff ./dialect/duckdb
# the floor program is built as mxmigrate is (Makefile LDFLAGS)
go run -ldflags='-extldflags=-Wl,--exclude-libs,ALL' ./integration/bench "$@"
