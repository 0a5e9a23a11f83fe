package integration

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/integration/itest"
)

// applied is a copy of testdata/media whose feature migrations are
// generated and applied on DuckDB, and mx running in it.
func applied(t *testing.T) (string, func(args ...string) itest.Result) {
	dir := project(t, "media")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 0)
	return dir, func(args ...string) itest.Result { return mx(t, dir, args...) }
}

// TestNewHandWrittenDuckDB: `mxmigrate new` on DuckDB (issue 22, item 1).
func TestNewHandWrittenDuckDB(t *testing.T) {
	dir, run := applied(t)
	itest.HandWritten(t, run, "dev:metaxy_features", dir, "media__videos", "DELETE FROM media__videos;")
}

// TestSquashDuckDB: `mxmigrate squash` on DuckDB (issue 22, item 2).
func TestSquashDuckDB(t *testing.T) {
	dir, run := applied(t)
	itest.Squash(t, run, "dev:metaxy_features", dir, "migrations/features")
}

// TestSquashRefusesDataMigrations: files that leave rows (a backfill, seed
// rows) are not squashed into a file that creates only the schema.
func TestSquashRefusesDataMigrations(t *testing.T) {
	dir := project(t, "media")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0)
	mx(t, dir, "new", "-n", "dev:metaxy_features", "-m", "seed").Must(t, 0)
	up := filepath.Join(dir, "migrations", "features", "000002_seed.up.sql")
	itest.Append(t, up, `INSERT INTO media__videos SELECT 'v', 'p', 1.5, 30, DATE '2026-01-01', '[]', true, 'x', '{}', 'f', 'p', 'd', '{}', TIMESTAMPTZ '2026-01-01 00:00:00+00', TIMESTAMPTZ '2026-01-01 00:00:00+00', NULL, NULL;`+"\n")
	mx(t, dir, "rehash", "-n", "dev:metaxy_features").Must(t, 0)
	before := strings.Join(files(t, filepath.Join(dir, "migrations", "features")), " ")
	mx(t, dir, "squash", "-n", "dev:metaxy_features").Must(t, 1, "leave rows in media__videos (1 rows)", "a data migration")
	if got := strings.Join(files(t, filepath.Join(dir, "migrations", "features")), " "); got != before {
		t.Errorf("a refused squash changed the directory: %s", got)
	}
}

// TestRenamesDuckDB: renames on DuckDB (issue 22, item 3).
func TestRenamesDuckDB(t *testing.T) {
	dir, run := applied(t)
	itest.Renames(t, run, "dev:metaxy_features", dir, "")
}
