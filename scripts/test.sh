#!/usr/bin/env bash
# Runs every test of mxmigrate, after provisioning what they need
# (scripts/provision.sh: a Docker engine, the PostgreSQL image, the stock
# migrate CLI, libchdb for embedded ClickHouse). DuckDB is embedded and needs
# nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/provision.sh
go vet ./...
go test -count=1 -timeout 60m ./...
