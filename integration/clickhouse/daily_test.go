package clickhouse_test

import (
	"testing"

	"github.com/mxmigrate/mxmigrate/integration/itest"
)

// applied is newProject with its feature migrations generated and applied,
// and mx running in it.
func applied(t *testing.T) (string, func(args ...string) itest.Result) {
	dir := newProject(t)
	mx(t, dir, "generate", "-n", "ch:metaxy_features", "-m", "init").Must(t, 0)
	mx(t, dir, "up", "-n", "ch:metaxy_features").Must(t, 0)
	return dir, func(args ...string) itest.Result { return mx(t, dir, args...) }
}

// TestNewHandWrittenClickHouse: `mxmigrate new` on ClickHouse (issue 22,
// item 1).
func TestNewHandWrittenClickHouse(t *testing.T) {
	dir, run := applied(t)
	itest.HandWritten(t, run, "ch:metaxy_features", dir, "media__videos", "TRUNCATE TABLE media__videos;")
}

// TestSquashClickHouse: `mxmigrate squash` on ClickHouse (issue 22, item 2).
func TestSquashClickHouse(t *testing.T) {
	dir, run := applied(t)
	itest.Squash(t, run, "ch:metaxy_features", dir, "migrations/ch/features")
}

// TestRenamesClickHouse: renames on ClickHouse (issue 22, item 3).
func TestRenamesClickHouse(t *testing.T) {
	dir, run := applied(t)
	itest.Renames(t, run, "ch:metaxy_features", dir, "")
}
