package postgres_test

import (
	"testing"

	"github.com/mxmigrate/mxmigrate/integration/itest"
)

// applied is newProject with its feature migrations generated and applied,
// and mx running in it.
func applied(t *testing.T) (*env, func(args ...string) itest.Result) {
	e := newProject(t)
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "init").Must(t, 0)
	e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 0)
	return e, func(args ...string) itest.Result { return e.mx(t, args...) }
}

// TestNewHandWrittenPostgreSQL: `mxmigrate new` on PostgreSQL (issue 22,
// item 1).
func TestNewHandWrittenPostgreSQL(t *testing.T) {
	e, run := applied(t)
	itest.HandWritten(t, run, "prod:metaxy_features", e.dir, "prod_media__videos", "DELETE FROM prod_media__videos;")
}

// TestSquashPostgreSQL: `mxmigrate squash` on PostgreSQL (issue 22, item 2).
func TestSquashPostgreSQL(t *testing.T) {
	e, run := applied(t)
	itest.Squash(t, run, "prod:metaxy_features", e.dir, "migrations/features")
}

// TestRenamesPostgreSQL: renames on PostgreSQL (issue 22, item 3).
func TestRenamesPostgreSQL(t *testing.T) {
	e, run := applied(t)
	itest.Renames(t, run, "prod:metaxy_features", e.dir, "prod_")
}
