#!/usr/bin/env bash
# Builds a PostgreSQL image from Debian packages, for machines that reach
# Debian's mirror but no container registry: debootstrap a minimal rootfs with
# postgresql-MAJOR, add an entrypoint that honours the official image's
# POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB / PGDATA and port 5432, and
# `docker import` it. The mirror is read from this machine's apt sources.
# PostgreSQL 15 comes from this machine's suite (bookworm); 18 from Debian's
# forky, which the same mirror serves (bootstrapped with debootstrap's sid
# script, which covers suites newer than the tool).
# Usage: build-postgres-image.sh [IMAGE [MAJOR]]
#        (default mxmigrate/postgres:15-debian, MAJOR from the image's tag)
set -euo pipefail
image="${1:-mxmigrate/postgres:15-debian}"
major="${2:-$(tag="${image##*:}"; echo "${tag%%-*}")}"
log() { echo "build-postgres-image: $*" >&2; }

if [ "$(id -u)" != 0 ]; then log "needs root (debootstrap)"; exit 1; fi
if ! command -v debootstrap >/dev/null; then
	log "installing debootstrap"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null 2>&1 || {
		apt-get update -q >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null; }
fi

host_suite="$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")"
suite="$host_suite" script=""
case "$major" in
15) ;;
18) suite=forky script=/usr/share/debootstrap/scripts/sid ;;
*) log "PostgreSQL $major: only 15 (Debian bookworm) and 18 (Debian forky) are known"; exit 1 ;;
esac
mirror=""
for f in /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] || continue
	mirror="$(awk -v s="$host_suite" '
		/^URIs:/ { uris=$2 } /^Suites:/ { for (i=2;i<=NF;i++) if ($i==s) ok=1 }
		/^$/ { if (ok && uris!="") { print uris; exit } ok=0; uris="" }
		END { if (ok && uris!="") print uris }' "$f" | head -n1)"
	[ -n "$mirror" ] && break
done
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
	mirror="$(awk -v s="$host_suite" '$1=="deb" && $0 ~ " "s" " { for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list | head -n1)"
fi
if [ -z "$mirror" ]; then log "no apt mirror for $host_suite found in /etc/apt/sources.list(.d)"; exit 1; fi

root="$(mktemp -d /tmp/mxmigrate-pg-rootfs.XXXXXX)"
trap 'rm -rf "$root"' EXIT
log "debootstrap $suite with postgresql-$major (mirror from apt sources)"
# shellcheck disable=SC2086 # $script is empty or one path
debootstrap --variant=minbase --include="postgresql-$major" "$suite" "$root" "$mirror" $script >"$root.log" 2>&1 || {
	log "debootstrap failed; see $root.log"; exit 1; }
rm -f "$root.log"
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/lib/postgresql/"$major"

cat >"$root/usr/local/bin/docker-entrypoint.sh" <<ENTRY
#!/bin/sh
# Entry point with the official postgres image's conventions.
set -e
BIN=/usr/lib/postgresql/$major/bin
ENTRY
cat >>"$root/usr/local/bin/docker-entrypoint.sh" <<'ENTRY'
PGDATA="${PGDATA:-/var/lib/postgresql/data}"
USER_NAME="${POSTGRES_USER:-postgres}"
DB_NAME="${POSTGRES_DB:-$USER_NAME}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
	mkdir -p "$PGDATA" /var/run/postgresql
	chown -R postgres:postgres "$PGDATA" /var/run/postgresql
	chmod 700 "$PGDATA"
	pw="$(mktemp)"; printf '%s' "${POSTGRES_PASSWORD:-postgres}" >"$pw"; chown postgres "$pw"
	su postgres -s /bin/sh -c "$BIN/initdb -D '$PGDATA' -U '$USER_NAME' --pwfile='$pw' --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8" >/dev/null
	rm -f "$pw"
	echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
	if [ "$DB_NAME" != postgres ]; then
		su postgres -s /bin/sh -c "$BIN/pg_ctl -D '$PGDATA' -o \"-c listen_addresses=''\" -w start" >/dev/null
		su postgres -s /bin/sh -c "$BIN/psql -v ON_ERROR_STOP=1 -U '$USER_NAME' -d postgres -c 'CREATE DATABASE \"$DB_NAME\"'" >/dev/null
		su postgres -s /bin/sh -c "$BIN/pg_ctl -D '$PGDATA' -m fast -w stop" >/dev/null
	fi
fi
exec su postgres -s /bin/sh -c "exec $BIN/postgres -D '$PGDATA' -c listen_addresses='*' $*"
ENTRY
chmod 755 "$root/usr/local/bin/docker-entrypoint.sh"

log "docker import $image"
tar -C "$root" -c . | docker import \
	-c 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
	-c 'EXPOSE 5432' \
	-c 'ENV PGDATA=/var/lib/postgresql/data' \
	-c "ENV PATH=/usr/lib/postgresql/$major/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
	- "$image" >/dev/null
log "built $image"
