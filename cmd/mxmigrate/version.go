package main

import (
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/mxmigrate/mxmigrate"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/internal/chdb"
)

// commit and built are set by release builds (scripts/release.sh, -X);
// otherwise the Go toolchain's build information supplies what it has.
var commit, built string

// buildInfo is what `mxmigrate version` reports about this binary.
type buildInfo struct {
	Version, Commit, Built, Go string
	Modified, Static           bool
	Migrate                    string
}

// pseudoVersion matches the versions Go gives untagged commits:
// v0.0.0-20261127134155-0b02acb4ae92, v0.1.1-0.20261127134155-0b02acb4ae92,
// with +dirty when the checkout had changes.
var pseudoVersion = regexp.MustCompile(`[-.](\d{14})-([0-9a-f]{12})(\+dirty)?$`)

func readBuildInfo() buildInfo {
	b := buildInfo{Version: mxmigrate.Version, Commit: commit, Built: built, Static: chdb.Static,
		Go: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH, Migrate: dialect.ModuleVersion("github.com/golang-migrate/migrate/v4")}
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
	return b
}

// lines renders b, then each registered dialect's lines ("Label: text",
// dialect.About.Versions) with their labels aligned.
func (b buildInfo) lines(dialects []string) []string {
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
	if b.Static {
		link = "statically linked"
	}
	out := []string{
		"mxmigrate " + b.Version,
		"commit:          " + c,
		"go:              " + b.Go + ", " + link,
		"golang-migrate:  " + orUnknown(b.Migrate),
	}
	for _, l := range dialects {
		label, text, _ := strings.Cut(l, ": ")
		out = append(out, fmt.Sprintf("%-17s%s", label+":", text))
	}
	return out
}

// dialectVersions are the registered dialects' version lines, in the
// registry's order.
func dialectVersions() []string {
	var out []string
	for _, n := range dialect.Names() {
		d, _ := dialect.Lookup(n)
		if v := d.About().Versions; v != nil {
			out = append(out, v()...)
		}
	}
	return out
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
