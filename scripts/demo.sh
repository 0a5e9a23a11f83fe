#!/usr/bin/env bash
# `make demo`: mxmigrate's whole loop on the embedded DuckDB default, changing
# no committed file. It applies the committed migrations to demo.duckdb (left
# behind to explore; git ignores it), then, in a scratch copy of the demo
# project, adds a column and a feature, generates the migration, shows it,
# applies it and checks the database. Colour on a terminal, none under
# NO_COLOR.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
mx="$root/bin/mxmigrate"

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
	bold=$'\e[1m' dim=$'\e[2m' off=$'\e[0m'
else
	bold='' dim='' off=''
	export NO_COLOR=1
fi
step() { printf '\n%s%s%s\n' "$bold" "$*" "$off"; }
run() {
	printf '%s$ mxmigrate %s%s\n' "$dim" "$*" "$off"
	"$mx" "$@"
}

step "1. Apply the committed migrations (migrations/) to demo.duckdb"
rm -f demo.duckdb demo.duckdb.wal
run up -n dev
run check -n dev

scratch=$(mktemp -d "${TMPDIR:-/tmp}/mxmigrate-demo.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cp -R metaxy.toml metaxy.lock definitions migrations demo.duckdb "$scratch/"
cd "$scratch"

step "2. Change the features (in a scratch copy): a column for media/thumbnails, a new feature"
cat >>definitions/thumbnails.toml <<'EOF'

  [[feature.column]]
  name = "blurhash"
  type = "string"
  nullable = true
EOF
cat >definitions/captions.toml <<'EOF'
[[feature]]
key = "media/captions"
project = "media_pipeline"
id_columns = ["video_id"]

  [[feature.column]]
  name = "video_id"
  type = "string"

  [[feature.column]]
  name = "text"
  type = "string"
EOF
printf '%s+ definitions/thumbnails.toml: column blurhash (string, nullable)\n+ definitions/captions.toml: feature media/captions (video_id, text)%s\n' "$dim" "$off"

step "3. Generate: compare the definitions with the live database, write the next migration"
run generate -n dev:metaxy_features -m captions
up=$(ls migrations/features/*_captions.up.sql)
printf '\n%s%s (the SQL; its header comments left out):%s\n' "$dim" "${up#"$scratch"/}" "$off"
grep -v '^-- \(Generated\|environment\|dialect\|message\|direction\|The whole\)' "$up" | sed '/^$/N;/^\n$/D'

step "4. Apply it, and check that the database matches the definitions"
run up -n dev:metaxy_features
run check -n dev
run generate -n dev:metaxy_features --dry-run

step "Done: the scratch copy is removed; demo.duckdb holds the committed migrations."
