# Sourced by scripts/test.sh: provisions what the integration suites need.
#  - a Docker engine: when none answers and we are root on Debian, installs
#    Debian's docker.io, starts dockerd (output to .cache/dockerd.log, never to
#    our stdout/stderr) and stops it when the calling script exits;
#  - the PostgreSQL images of the matrix: $MXMIGRATE_POSTGRES_IMAGES (default
#    "postgres:15 postgres:18"); one that cannot be pulled (no registry
#    reachable) is replaced by an equivalent local image built from Debian
#    packages (scripts/build-postgres-image.sh);
#  - the stock golang-migrate CLI (postgres, pgx5) in .cache/bin;
#  - embedded ClickHouse: libchdb (npm's @chdb/lib-linux-x64-gnu, ClickHouse
#    26.7), fetched once with `npm pack` into .cache/chdb.
# Exports MXMIGRATE_POSTGRES_IMAGES, MXMIGRATE_POSTGRES_IMAGE (the first),
# MXMIGRATE_MIGRATE_CLI and CHDB_LIB_PATH.

MX_CACHE="$(pwd)/.cache"
mkdir -p "$MX_CACHE/bin"
MX_DOCKERD_PID=""

mx_log() { echo "provision [${SECONDS}s]: $*" >&2; }

mx_stop_dockerd() {
	if [ -n "$MX_DOCKERD_PID" ] && kill -0 "$MX_DOCKERD_PID" 2>/dev/null; then
		mx_log "stopping the dockerd this run started (pid $MX_DOCKERD_PID)"
		kill "$MX_DOCKERD_PID" 2>/dev/null || true
		for _ in $(seq 1 50); do kill -0 "$MX_DOCKERD_PID" 2>/dev/null || break; sleep 0.2; done
	fi
}

mx_ensure_docker() {
	if docker info >/dev/null 2>&1; then
		return 0
	fi
	if [ "$(id -u)" != 0 ] || [ ! -f /etc/debian_version ]; then
		mx_log "no Docker engine answers. Start one (e.g. 'sudo systemctl start docker', or Docker Desktop), or run as root on Debian to let this script install docker.io."
		return 1
	fi
	if ! command -v dockerd >/dev/null 2>&1; then
		mx_log "installing Debian's docker.io"
		apt-get update -q >"$MX_CACHE/apt.log" 2>&1 || true
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >>"$MX_CACHE/apt.log" 2>&1 || {
			mx_log "apt-get install docker.io failed; see $MX_CACHE/apt.log"; return 1; }
	fi
	mx_log "starting dockerd (log: $MX_CACHE/dockerd.log)"
	setsid dockerd >"$MX_CACHE/dockerd.log" 2>&1 </dev/null &
	MX_DOCKERD_PID=$!
	trap mx_stop_dockerd EXIT
	for _ in $(seq 1 60); do
		docker info >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	mx_log "dockerd did not answer within 30 s; see $MX_CACHE/dockerd.log"
	return 1
}

# mx_ensure_tools: Debian packages the tests run: `file` (the release test asks
# it whether the binary is statically linked; ldd comes with libc-bin), and
# Alembic, SQLAlchemy, psycopg2 and psql (integration/alembic runs
# docs/switching-from-alembic.md with them, against Debian's /usr/bin/python3).
mx_ensure_tools() {
	local missing=""
	command -v file >/dev/null 2>&1 || missing="$missing file"
	command -v psql >/dev/null 2>&1 || missing="$missing postgresql-client"
	[ -x /usr/bin/alembic ] || missing="$missing alembic"
	/usr/bin/python3 -c 'import alembic, sqlalchemy, psycopg2' >/dev/null 2>&1 ||
		missing="$missing python3-alembic python3-sqlalchemy python3-psycopg2"
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ] || [ ! -f /etc/debian_version ]; then
		mx_log "the tests need these Debian packages:$missing (apt-get install$missing)"
		return 1
	fi
	mx_log "installing Debian's$missing"
	# shellcheck disable=SC2086 # a list of package names
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >>"$MX_CACHE/apt.log" 2>&1 || {
		apt-get update -q >>"$MX_CACHE/apt.log" 2>&1 || true
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >>"$MX_CACHE/apt.log" 2>&1
	} || { mx_log "apt-get install$missing failed; see $MX_CACHE/apt.log"; return 1; }
}

# mx_ensure_postgres_images resolves the PostgreSQL matrix: each image of
# $MXMIGRATE_POSTGRES_IMAGES (default "postgres:15 postgres:18"; a lone
# $MXMIGRATE_POSTGRES_IMAGE is a list of one) is used when present or
# pullable; otherwise postgres:MAJOR becomes mxmigrate/postgres:MAJOR-debian,
# built from Debian packages. Exports the resolved list, and its first image
# as MXMIGRATE_POSTGRES_IMAGE (what a single `go test` run uses).
mx_ensure_postgres_images() {
	local wanted="${MXMIGRATE_POSTGRES_IMAGES:-${MXMIGRATE_POSTGRES_IMAGE:-postgres:15 postgres:18}}"
	local resolved="" image
	for image in $wanted; do
		image="$(mx_resolve_postgres_image "$image")" || return 1
		resolved="${resolved:+$resolved }$image"
	done
	export MXMIGRATE_POSTGRES_IMAGES="$resolved"
	export MXMIGRATE_POSTGRES_IMAGE="${resolved%% *}"
	mx_log "PostgreSQL images: $resolved"
}

mx_resolve_postgres_image() {
	local image="$1" major local_image
	if docker image inspect "$image" >/dev/null 2>&1; then
		echo "$image"
		return 0
	fi
	case "$image" in
	mxmigrate/postgres:*-debian) local_image="$image" ;;
	*)
		mx_log "pulling $image"
		if timeout 120 docker pull -q "$image" >"$MX_CACHE/pull.log" 2>&1; then
			echo "$image"
			return 0
		fi
		major="${image##*:}"
		major="${major%%[.-]*}"
		case "$image" in
		postgres:[0-9]*) ;;
		*) mx_log "cannot pull $image, and only postgres:MAJOR images can be built from Debian packages"; return 1 ;;
		esac
		local_image="mxmigrate/postgres:$major-debian"
		mx_log "cannot pull $image (no registry reachable?); using $local_image built from Debian packages"
		;;
	esac
	if ! docker image inspect "$local_image" >/dev/null 2>&1; then
		bash scripts/build-postgres-image.sh "$local_image" >&2 || return 1
	fi
	echo "$local_image"
}

mx_ensure_migrate_cli() {
	local bin="$MX_CACHE/bin/migrate"
	if [ ! -x "$bin" ]; then
		mx_log "building the stock migrate CLI (postgres, pgx5) into $bin"
		GOBIN="$MX_CACHE/bin" go install -tags 'postgres pgx5' github.com/golang-migrate/migrate/v4/cmd/migrate@v4.20.1 || return 1
	fi
	export MXMIGRATE_MIGRATE_CLI="$bin"
}

# mx_ensure_chdb fetches libchdb (178 MB tarball, 566 MB library) once. The
# npm registry is whatever npm is configured with on this machine.
MX_CHDB_PACKAGE="@chdb/lib-linux-x64-gnu@26.7.3-stable.1"
mx_ensure_chdb() {
	local dir="$MX_CACHE/chdb"
	local lib="$dir/package/libchdb.so"
	if [ -n "${CHDB_LIB_PATH:-}" ] && [ -f "$CHDB_LIB_PATH" ]; then
		return 0
	fi
	if [ ! -f "$lib" ]; then
		if ! command -v npm >/dev/null 2>&1; then
			mx_log "npm is needed to fetch libchdb ($MX_CHDB_PACKAGE) for the ClickHouse tests: install Node.js and npm, or set CHDB_LIB_PATH to a libchdb.so"
			return 1
		fi
		mx_log "fetching libchdb ($MX_CHDB_PACKAGE) with npm pack into $dir"
		mkdir -p "$dir"
		local tgz
		tgz=$(cd "$dir" && npm pack --silent "$MX_CHDB_PACKAGE" 2>"$MX_CACHE/npm.log" | tail -1) || {
			mx_log "npm pack failed; see $MX_CACHE/npm.log"; return 1; }
		tar -xzf "$dir/$tgz" -C "$dir" package/libchdb.so && rm -f "$dir/$tgz" || return 1
	fi
	export CHDB_LIB_PATH="$lib"
}

SECONDS=0
mx_ensure_docker && mx_ensure_tools && mx_ensure_postgres_images && mx_ensure_migrate_cli && mx_ensure_chdb && mx_log "ready"
