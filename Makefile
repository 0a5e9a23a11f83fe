# mxmigrate: `make demo` runs the main job on embedded DuckDB; `make test` runs every test.
GO       ?= go
BIN      := bin/mxmigrate
PKGS     := ./...

.PHONY: build test unit bench demo release lint clean

# -buildvcs=auto: the commit goes into `mxmigrate version` even where GOFLAGS
# turns VCS stamping off. LDFLAGS: the binary does not export the 59,901
# C++ symbols of the DuckDB library linked into it, which the dynamic loader
# read at every start (~8 MB resident: docs/performance.md); itest.BuildBinary
# and scripts/bench.sh build with the same.
LDFLAGS := -extldflags=-Wl,--exclude-libs,ALL
build:
	$(GO) build -buildvcs=auto -ldflags='$(LDFLAGS)' -o $(BIN) ./cmd/mxmigrate

# Release binaries (linux/amd64 static, linux/arm64), tarballs and SHA256SUMS
# in dist/ (scripts/release.sh; README, "Install").
release:
	bash scripts/release.sh

# Every test: unit, golden, fuzz seeds, DuckDB round trips, CLI flows.
# scripts/test.sh provisions what the tests need before running them.
test:
	bash scripts/test.sh

# Fast subset that needs no server nor library: not the integration suites,
# dialect/postgres (whose conformance run starts PostgreSQL in Docker), nor
# dialect/clickhouse and internal/chdb (embedded ClickHouse: libchdb).
unit:
	$(GO) test -count=1 $$($(GO) list ./... | grep -v -e /integration -e /dialect/postgres$$ -e /dialect/clickhouse$$ -e /internal/chdb$$)

# Go benchmarks, then SPEC section 13's scenario on DuckDB and PostgreSQL
# (integration/bench); prints the figures and rewrites BENCHMARKS.md.
bench:
	bash scripts/bench.sh

# The whole loop on embedded DuckDB (scripts/demo.sh): applies the committed
# migrations to demo.duckdb, then, in a scratch copy of the demo project, adds
# a column and a feature, generates, shows and applies the migration, and
# checks. Changes no committed file.
demo: build
	bash scripts/demo.sh

# The packages that know no dialect's engine (and dialect/postgres, pure Go)
# must build for Windows and macOS; DuckDB's cgo library is not cross-built.
PORTABLE := . ./config ./features ./desired ./schema ./diff ./generator ./dialect ./plan ./internal/catalog ./internal/sqltext ./internal/dburl ./internal/redact ./dialect/postgres ./dialect/clickhouse ./internal/chdb

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	for os in windows darwin; do GOOS=$$os GOARCH=amd64 CGO_ENABLED=0 $(GO) build $(PORTABLE) || exit 1; GOOS=$$os GOARCH=amd64 CGO_ENABLED=0 $(GO) vet $(filter-out .,$(PORTABLE)) || exit 1; done

clean:
	rm -rf bin dist demo.duckdb demo.duckdb.wal
