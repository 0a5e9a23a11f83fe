package postgres_test

import (
	"testing"

	"github.com/mxmigrate/mxmigrate/integration/itest"
)

// TestNewHandWrittenPostgreSQL: `mxmigrate new` on PostgreSQL (issue 22,
// item 1).
func TestNewHandWrittenPostgreSQL(t *testing.T) {
	e := newProject(t)
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "init").Must(t, 0)
	e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 0)
	itest.HandWritten(t, func(args ...string) itest.Result { return e.mx(t, args...) },
		"prod:metaxy_features", e.dir, "prod_media__videos", "DELETE FROM prod_media__videos;")
}
