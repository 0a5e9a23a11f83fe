package mxmigrate

import (
	"fmt"
	"strings"

	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/proof"
)

// GenerateOptions are generate's options.
type GenerateOptions struct {
	TargetOptions
	Message          string
	AllowDestructive bool
	DryRun           bool
	// Format is the version style: "" (follow the directory, else seq), "seq" or "unix".
	Format string
	// Baseline writes the first migration of an empty directory against an
	// empty database, whatever the live database holds: for adopting a store
	// whose tables exist already (record it with Force once they match).
	Baseline bool
	// AllowEmpty lets a plan drop feature tables when no feature definition
	// was found at all (retiring every feature); without it such a plan is
	// refused, as a forgotten --definitions-from-store or a wrong project
	// looks the same.
	AllowEmpty bool
	// NoProof writes the plan without running it on a dev database first
	// (the files say so); DevURL overrides the environment's dev database.
	NoProof bool
	DevURL  string
	// Offline plans against the directory's files replayed on a dev
	// database instead of the live database, which it never connects to:
	// the files are those an online generate writes when the live database
	// is at the directory's head.
	Offline bool
}

// GenerateResult says what generate did.
type GenerateResult struct {
	Comparison *Comparison
	// NoChanges is true when the database already matches the target.
	NoChanges bool
	// File is the first written migration (zero on dry runs and no
	// changes); Written are all of them (a plan may take several files).
	File    generator.File
	Written []generator.File
	// Files are the rendered files, in the order they apply (also on dry
	// runs); Up and Down are all of them together (down in the order they
	// revert).
	Files    []generator.Pair
	Up, Down []byte
	// Names are the files' names without .up.sql ("000006_add_scores"),
	// as written, or as a dry run would write them now (a unix version is
	// the time of writing); nil when they cannot be numbered (--format
	// mixing styles).
	Names []string
	// Proof is what running the plan on a dev database found (nil with
	// NoProof, or when there was nothing to prove).
	Proof *proof.Report
}

// DestructiveError lists the changes that need --allow-destructive, and
// what the plan's proof found values do.
type DestructiveError struct {
	Env      string
	Changes  []diff.Change
	Findings []string
}

func (e *DestructiveError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: the plan has %d destructive change(s); nothing was written:\n", e.Env, len(e.Changes))
	for _, c := range e.Changes {
		fmt.Fprintf(&b, "  %s\n    (%s)\n", c.Summary(), c.Destructive())
	}
	if len(e.Findings) > 0 {
		b.WriteString("Running the plan on sample rows in a dev database found:\n")
		for _, f := range e.Findings {
			fmt.Fprintf(&b, "  %s\n", f)
		}
	}
	b.WriteString("Review them, then run generate again with --allow-destructive to write them (marked -- DESTRUCTIVE).")
	return b.String()
}
