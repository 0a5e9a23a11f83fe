package mxmigrate

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mxmigrate/mxmigrate/config"
)

// Version is mxmigrate's version, written into every generated file. Release
// builds set it (scripts/release.sh: -X github.com/mxmigrate/mxmigrate.Version=...).
var Version = "0.1.0"

// Project is a loaded Metaxy configuration.
type Project struct {
	Config *config.Config
	// Warn receives warnings (stderr by default).
	Warn io.Writer
	// Notes, when set, receives what --verbose shows about how the target
	// was shaped (e.g. settings that do not apply to the dialect).
	Notes io.Writer
	// ExitSoon tells dialects that the process exits after the command (the
	// CLI), so read-only commands may skip freeing what the OS frees anyway.
	ExitSoon bool
	// LockWait is how long up, down and force wait for the migrations lock
	// another run holds (DefaultLockWait when 0).
	LockWait time.Duration
}

// Load discovers and reads metaxy.toml, printing its warnings to warn.
func Load(opts config.Options, warn io.Writer) (*Project, error) {
	if warn == nil {
		warn = os.Stderr
	}
	c, err := config.Load(opts)
	if err != nil {
		return nil, err
	}
	p := &Project{Config: c, Warn: warn}
	for _, w := range c.Warnings {
		p.warnf("%s", w)
	}
	return p, nil
}

func (p *Project) warnf(format string, args ...any) {
	fmt.Fprintf(p.Warn, "warning: "+format+"\n", args...)
}

// rel shows a path relative to the configuration's directory when it is inside it.
func (p *Project) rel(path string) string {
	if r, err := filepath.Rel(p.Config.Dir, path); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return path
}
