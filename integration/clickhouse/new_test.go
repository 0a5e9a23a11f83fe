package clickhouse_test

import (
	"testing"

	"github.com/mxmigrate/mxmigrate/integration/itest"
)

// TestNewHandWrittenClickHouse: `mxmigrate new` on ClickHouse (issue 22,
// item 1).
func TestNewHandWrittenClickHouse(t *testing.T) {
	dir := newProject(t)
	mx(t, dir, "generate", "-n", "ch:metaxy_features", "-m", "init").Must(t, 0)
	mx(t, dir, "up", "-n", "ch:metaxy_features").Must(t, 0)
	itest.HandWritten(t, func(args ...string) itest.Result { return mx(t, dir, args...) },
		"ch:metaxy_features", dir, "media__videos", "TRUNCATE TABLE media__videos;")
}
