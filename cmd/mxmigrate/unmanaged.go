package main

import (
	"fmt"
	"io"

	"github.com/mxmigrate/mxmigrate"
	"github.com/mxmigrate/mxmigrate/diff"
)

// printUnmanaged lists what the live tables have that mxmigrate did not
// create and keeps (decision 40), under a line that says what to do about it.
func printUnmanaged(out io.Writer, env string, cmp *mxmigrate.Comparison) {
	if len(cmp.Unmanaged) == 0 {
		return
	}
	fmt.Fprintf(out, "%s: %d object(s) not created from the definitions, kept (no statement touches them; [ext.mxmigrate] ignore = [\"<table>.<object>\"] stops listing them, manage_unknown = \"drop\" plans dropping them):\n", env, len(cmp.Unmanaged))
	for _, u := range cmp.Unmanaged {
		fmt.Fprintf(out, "  = %s\n", u.Summary())
	}
}

// unmanagedJSON is the list for --json: never null.
func unmanagedJSON(cmp *mxmigrate.Comparison) []diff.Unmanaged {
	if cmp == nil || cmp.Unmanaged == nil {
		return []diff.Unmanaged{}
	}
	return cmp.Unmanaged
}
