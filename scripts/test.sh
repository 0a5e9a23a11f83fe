#!/usr/bin/env bash
# Runs every test of mxmigrate, after provisioning what they need
# (scripts/provision.sh: a Docker engine, the PostgreSQL images, the stock
# migrate CLI, libchdb for embedded ClickHouse). DuckDB is embedded and needs
# nothing. Every package runs against the first PostgreSQL image of
# $MXMIGRATE_POSTGRES_IMAGES; the packages that start PostgreSQL run again
# against each other image (the matrix: 15 and 18 by default).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/provision.sh
go vet ./...
read -r -a images <<<"$MXMIGRATE_POSTGRES_IMAGES"
echo "== all packages (PostgreSQL: ${images[0]})"
go test -count=1 -timeout 60m ./...
if [ "${#images[@]}" -gt 1 ]; then
	mapfile -t pg_pkgs < <(grep -rl --include='*_test.go' 'itest.StartPostgres' . | xargs -n1 dirname | sort -u)
	for image in "${images[@]:1}"; do
		echo "== PostgreSQL packages on $image: ${pg_pkgs[*]}"
		MXMIGRATE_POSTGRES_IMAGE="$image" go test -count=1 -timeout 60m "${pg_pkgs[@]}"
	done
fi
