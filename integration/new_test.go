package integration

import (
	"testing"

	"github.com/mxmigrate/mxmigrate/integration/itest"
)

// TestNewHandWrittenDuckDB: `mxmigrate new` on DuckDB (issue 22, item 1).
func TestNewHandWrittenDuckDB(t *testing.T) {
	dir := project(t, "media")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 0)
	itest.HandWritten(t, func(args ...string) itest.Result { return mx(t, dir, args...) },
		"dev:metaxy_features", dir, "media__videos", "DELETE FROM media__videos;")
}
