package main

import (
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/mxmigrate/mxmigrate"
	"github.com/mxmigrate/mxmigrate/dialect/duckdb"
	"github.com/mxmigrate/mxmigrate/internal/chdb"
)

// commit and built are set by release builds (scripts/release.sh, -X);
// otherwise the Go toolchain's build information supplies what it has.
var commit, built string

// buildInfo is what `mxmigrate version` reports about this binary.
type buildInfo struct {
	Version, Commit, Built, Go          string
	Modified, Static                    bool
	DuckDB, Migrate, ClickHouseGo, ChDB string
}

// pseudoVersion matches the versions Go gives untagged commits:
// v0.0.0-20261127134155-0b02acb4ae92, v0.1.1-0.20261127134155-0b02acb4ae92,
// with +dirty when the checkout had changes.
var pseudoVersion = regexp.MustCompile(`[-.](\d{14})-([0-9a-f]{12})(\+dirty)?$`)

func readBuildInfo() buildInfo {
	b := buildInfo{Version: mxmigrate.Version, Commit: commit, Built: built, Static: chdb.Static,
		Go: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH, ChDB: chdb.LibraryPackage}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		if m := pseudoVersion.FindStringSubmatch(v); m != nil {
			// a build in a checkout, or go install ...@<commit>: Go made the
			// version up (v0.0.0-<time>-<commit>); keep ours, take the commit
			if b.Commit == "" {
				b.Commit = m[2]
			}
		} else {
			// go install github.com/mxmigrate/mxmigrate/cmd/mxmigrate@v1.2.3
			b.Version = strings.TrimPrefix(v, "v")
		}
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			if b.Commit == "" {
				b.Commit = s.Value
			}
		case "vcs.time":
			if b.Built == "" {
				b.Built = s.Value
			}
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	for _, d := range bi.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		switch d.Path {
		case "github.com/duckdb/duckdb-go/v2":
			b.DuckDB = "duckdb-go " + d.Version
		case "github.com/golang-migrate/migrate/v4":
			b.Migrate = d.Version
		case "github.com/ClickHouse/clickhouse-go/v2":
			b.ClickHouseGo = d.Version
		}
	}
	return b
}

// lines renders b; engine is DuckDB's own version, read from the engine.
func (b buildInfo) lines(engine string) []string {
	c := b.Commit
	if len(c) > 12 {
		c = c[:12]
	}
	if c == "" {
		c = "unknown"
	}
	if b.Modified {
		c += " (modified)"
	}
	if b.Built != "" {
		c += ", " + b.Built
	}
	link := "dynamically linked"
	chdbLine := "libchdb loaded at run time when a chdb: store is opened; tested with npm's " + b.ChDB
	if b.Static {
		link = "statically linked"
		chdbLine = "not available in this statically linked build (chdb: stores need `go install`)"
	}
	duck := engine
	if b.DuckDB != "" {
		duck += " (" + b.DuckDB + ")"
	}
	return []string{
		"mxmigrate " + b.Version,
		"commit:          " + c,
		"go:              " + b.Go + ", " + link,
		"DuckDB:          " + duck + ", built in",
		"golang-migrate:  " + orUnknown(b.Migrate),
		"ClickHouse:      clickhouse-go " + orUnknown(b.ClickHouseGo) + " (servers)",
		"embedded chDB:   " + chdbLine,
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// engineVersion is DuckDB's version as the linked engine reports it.
func engineVersion() string {
	v, err := duckdb.EngineVersion()
	if err != nil {
		return fmt.Sprintf("unknown (%v)", err)
	}
	return v
}
