#!/usr/bin/env bash
# `make release`: statically linked mxmigrate binaries for linux/amd64 and
# linux/arm64 (DuckDB built in), each in a tarball with the README, plus
# SHA256SUMS, in dist/. The version, commit and commit time are stamped in
# (`mxmigrate version`). This is the project's release configuration (what a
# goreleaser file would hold), kept as a script that runs on this machine.
#
#   bash scripts/release.sh                      # both architectures
#   ARCHS=amd64 OUT=/tmp/d bash scripts/release.sh
#   VERSION=1.2.0 bash scripts/release.sh        # default: the version in project.go
#
# Static linking: glibc is linked in (cgo, for DuckDB's C++ library with
# libstdc++); the netgo and osusergo tags keep name resolution and user
# lookups in Go, so no NSS library is needed at run time. The one thing a
# static binary cannot do is load a shared library: stores on embedded
# ClickHouse (chdb:) need a dynamically linked mxmigrate (go install).
# arm64 is cross-compiled with Debian's aarch64-linux-gnu toolchain, installed
# when missing (as root on Debian). It cannot be linked statically: DuckDB's
# code needs more GOT entries than the -fpic objects of Debian's static glibc
# for arm64 can address ("relocation truncated to fit:
# R_AARCH64_LD64_GOTPAGE_LO15"). So on arm64 libstdc++ and libgcc are linked
# in and glibc is the runtime dependency (libc.so.6, libm.so.6 and the loader
# /lib/ld-linux-aarch64.so.1, glibc 2.35 or newer), as the README says.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
OUT=${OUT:-dist}
ARCHS=${ARCHS:-"amd64 arm64"}
VERSION=${VERSION:-$(sed -n 's/^var Version = "\(.*\)"$/\1/p' project.go)}
COMMIT=$(git rev-parse HEAD 2>/dev/null || echo unknown)
BUILT=$(git log -1 --format=%cI 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then
	COMMIT="$COMMIT-modified"
fi

cross() { # arch -> C and C++ compilers
	case "$1" in
	amd64) [ "$(uname -m)" = x86_64 ] && echo "gcc g++" || echo "x86_64-linux-gnu-gcc x86_64-linux-gnu-g++" ;;
	arm64) [ "$(uname -m)" = aarch64 ] && echo "gcc g++" || echo "aarch64-linux-gnu-gcc aarch64-linux-gnu-g++" ;;
	*) echo "release: unknown architecture $1" >&2; exit 2 ;;
	esac
}

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
sums=()
for arch in $ARCHS; do
	read -r cc cxx <<<"$(cross "$arch")"
	if ! command -v "$cc" >/dev/null; then
		pkg="gcc-${cc%-gcc} g++-${cc%-gcc}"
		if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
			echo "release: installing $pkg (cross compilers for $arch)"
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q $pkg >/dev/null
		else
			echo "release: $cc is missing: install $pkg (Debian) to build linux/$arch" >&2
			exit 1
		fi
	fi
	name="mxmigrate_${VERSION}_linux_${arch}"
	rm -rf "${OUT:?}/$name"
	mkdir -p "$OUT/$name"
	echo "release: building $name"
	tags='static netgo osusergo' link='-static' ldflags=${CGO_LDFLAGS:-}
	if [ "$arch" = arm64 ]; then
		# DuckDB's bindings ask for -lstdc++: a directory holding only the
		# static libstdc++, searched first, makes that the one linked in
		tags='netgo osusergo' link='-static-libgcc'
		static_cxx=$(mktemp -d)
		ln -s "$("$cxx" -print-file-name=libstdc++.a)" "$static_cxx/libstdc++.a"
		ldflags="-L$static_cxx $ldflags"
	fi
	CGO_LDFLAGS="$ldflags" CGO_ENABLED=1 GOOS=linux GOARCH="$arch" CC="$cc" CXX="$cxx" "$GO" build -trimpath -buildvcs=false -tags "$tags" \
		-ldflags "-s -w -X github.com/mxmigrate/mxmigrate.Version=$VERSION -X main.commit=$COMMIT -X main.built=$BUILT -linkmode external -extldflags '$link'" \
		-o "$OUT/$name/mxmigrate" ./cmd/mxmigrate 2> >(grep -v -e 'requires at runtime the shared libraries' -e 'in function' >&2)
	cp README.md "$OUT/$name/"
	# reproducible tarball: fixed order, owner and times
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$BUILT" -C "$OUT" -cf - "$name" | gzip -n >"$OUT/$name.tar.gz"
	sums+=("$name.tar.gz")
done
(cd "$OUT" && sha256sum "${sums[@]}" >SHA256SUMS)
# what the Dockerfile (an image for CI jobs) copies besides the binary
mkdir -p "$OUT/tmp"
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
	cp /etc/ssl/certs/ca-certificates.crt "$OUT/"
else
	echo "release: no /etc/ssl/certs/ca-certificates.crt here: the Dockerfile needs one in $OUT" >&2
fi
echo "release: $OUT"
(cd "$OUT" && cat SHA256SUMS)
