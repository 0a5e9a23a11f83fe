package main

import (
	"github.com/mxmigrate/mxmigrate"
)

// formatVersion is the version of the shape of every --json object
// (docs/json.md, field by field): a field renamed, removed, retyped or
// given another meaning changes it; TestJSONContract fails when the shape
// changes and it does not.
const formatVersion = 1

// statusJSON is status --json's object of one environment: a version or
// latest that does not exist (nothing applied, no file) is null, as every
// unknown number is.
type statusJSON struct {
	FormatVersion int    `json:"format_version"`
	Version       *int64 `json:"version"`
	Latest        *int64 `json:"latest"`
	*mxmigrate.Status
}

func statusOf(s *mxmigrate.Status) statusJSON {
	return statusJSON{FormatVersion: formatVersion, Version: known(s.Version), Latest: known(s.Latest), Status: s}
}

// known is n, or nil (null) for a negative n (none, unknown).
func known(n int64) *int64 {
	if n < 0 {
		return nil
	}
	return &n
}

// lintJSON is lint --json's object of one environment.
type lintJSON struct {
	FormatVersion int `json:"format_version"`
	*mxmigrate.LintResult
}
