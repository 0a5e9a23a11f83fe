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
	mx(t, dir, "squash", "-n", "dev:metaxy_features").Must(t, 1, "leave rows in media__videos (1 row(s))", "a data migration")
	if got := strings.Join(files(t, filepath.Join(dir, "migrations", "features")), " "); got != before {
		t.Errorf("a refused squash changed the directory: %s", got)
	}
}

// TestRenamesDuckDB: renames on DuckDB (issue 22, item 3).
func TestRenamesDuckDB(t *testing.T) {
	dir, run := applied(t)
	itest.Renames(t, run, "dev:metaxy_features", dir, "")
}

// TestSquashScopeAndViews: a table a hand-written file made is carried by
// squash and stays out of mxmigrate's scope (check does not plan to drop
// it); a view squash would not carry is refused, naming it.
func TestSquashScopeAndViews(t *testing.T) {
	dir, run := applied(t)
	features := filepath.Join(dir, "migrations", "features")
	run("new", "-n", "dev:metaxy_features", "-m", "notes").Must(t, 0)
	itest.Append(t, filepath.Join(features, "000002_notes.up.sql"), "CREATE TABLE notes (id BIGINT PRIMARY KEY, body VARCHAR);\n")
	itest.Append(t, filepath.Join(features, "000002_notes.down.sql"), "DROP TABLE notes;\n")
	run("rehash", "-n", "dev:metaxy_features").Must(t, 0)
	run("up", "-n", "dev:metaxy_features").Must(t, 0)
	run("squash", "-n", "dev:metaxy_features").Must(t, 0, "wrote migrations/features/000002_squashed.up.sql")
	if sum := read(t, filepath.Join(features, "mxmigrate.sum")); strings.Contains(sum, `+"notes"`) {
		t.Errorf("squash put the hand-made table into the scope:\n%s", sum)
	}
	if up := read(t, filepath.Join(features, "000002_squashed.up.sql")); !strings.Contains(up, `CREATE TABLE "notes"`) {
		t.Errorf("the squashed file does not make the hand-made table:\n%s", up)
	}
	run("check", "-n", "dev:metaxy_features").Must(t, 0, "in sync")

	run("new", "-n", "dev:metaxy_features", "-m", "view").Must(t, 0)
	itest.Append(t, filepath.Join(features, "000003_view.up.sql"), "CREATE VIEW v_videos AS SELECT video_id FROM media__videos;\n")
	itest.Append(t, filepath.Join(features, "000003_view.down.sql"), "DROP VIEW v_videos;\n")
	run("rehash", "-n", "dev:metaxy_features").Must(t, 0)
	run("up", "-n", "dev:metaxy_features").Must(t, 0)
	run("new", "-n", "dev:metaxy_features", "-m", "after").Must(t, 0)
	run("up", "-n", "dev:metaxy_features").Must(t, 0)
	run("lint", "-n", "dev:metaxy_features").Must(t, 0) // replays with the view made before the last file
	before := strings.Join(files(t, features), " ")
	run("squash", "-n", "dev:metaxy_features").Must(t, 1, "view v_videos", "would not make")
	if got := strings.Join(files(t, features), " "); got != before {
		t.Errorf("a refused squash changed the directory: %s", got)
	}
}

// TestRenameIndexedTableDuckDB: DuckDB cannot rename in a table with
// indexes (it aborts at COMMIT when they are dropped around the rename):
// refused, saying how to go on, nothing written; a swap of two names is
// refused, not ignored.
func TestRenameIndexedTableDuckDB(t *testing.T) {
	dir, run := applied(t)
	features := filepath.Join(dir, "migrations", "features")
	sqlExec(t, filepath.Join(dir, "dev_metadata.duckdb"), "CREATE INDEX ix_hand ON media__videos (is_public)")
	itest.Edit(t, filepath.Join(dir, "metaxy.lock"), func(s string) string { return strings.ReplaceAll(s, `"is_public":`, `"public":`) })
	before := strings.Join(files(t, features), " ")
	run("generate", "-n", "dev:metaxy_features", "-m", "public", "--rename", "media__videos.is_public=public").Must(t, 3, "cannot rename in table media__videos while it has indexes (ix_hand)")
	if got := strings.Join(files(t, features), " "); got != before {
		t.Errorf("a refused rename wrote files: %s", got)
	}
	run("generate", "-n", "dev:metaxy_features", "--dry-run", "--rename", "media__videos.path=public", "--rename", "media__videos.public=path").Must(t, 3, "does not swap columns")
}
