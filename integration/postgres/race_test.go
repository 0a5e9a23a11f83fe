package postgres_test

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate"
	"github.com/mxmigrate/mxmigrate/config"
	_ "github.com/mxmigrate/mxmigrate/dialect/postgres"
	"github.com/mxmigrate/mxmigrate/internal/testhook"
)

// TestConcurrentUpOnlyGoesUp: on PostgreSQL, a second `up` finishes between
// this run's first look at the version and its lock (made to happen by the
// hook). This run decides under the lock: it applies nothing, runs no down
// file (the row in the newest table survives), and says what happened.
func TestConcurrentUpOnlyGoesUp(t *testing.T) {
	e := newProject(t)
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "init").Must(t, 0)
	e.editLock(t, addCodec)
	// a second migration, written without applying the first: generate
	// refuses a database behind its directory, so apply, write, revert
	e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 0)
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "codec").Must(t, 0)
	e.mx(t, "down", "-n", "prod:metaxy_features", "--all", "--yes").Must(t, 0)

	p, err := mxmigrate.Load(config.Options{Path: filepath.Join(e.dir, "metaxy.toml"), Environ: e.vars}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	env, err := p.Environment("prod:metaxy_features")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	raced := false
	testhook.BeforeLock = func() {
		if raced {
			return
		}
		raced = true
		e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 0, "applied 000002_codec.up.sql")
		e.sql(t, `INSERT INTO prod_media__videos (video_id, path, duration_s, recorded_on, tags, is_public, metaxy_provenance, metaxy_provenance_by_field,
			metaxy_feature_version, metaxy_project_version, metaxy_data_version, metaxy_data_version_by_field, metaxy_created_at, metaxy_updated_at)
			VALUES ('v', 'p', 1, now(), '[]', true, 'x', '{}', 'f', 'p', 'd', '{}', now(), now())`)
	}
	defer func() { testhook.BeforeLock = nil }()
	var out bytes.Buffer
	applied, err := p.Up(ctx, env, 0, &out)
	if err != nil || len(applied) != 0 {
		t.Fatalf("the late run applied %v, err %v\n%s", applied, err, out.String())
	}
	if !strings.Contains(out.String(), "another run moved the database from version none (nothing applied) to 2") || strings.Contains(out.String(), "dirty") {
		t.Errorf("the late run must say what happened:\n%s", out.String())
	}
	var n int
	if err := pg.Open(t, e.db).QueryRow(`SELECT count(*) FROM prod_media__videos`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("the row must survive (no down ran): %d %v", n, err)
	}
	e.mx(t, "status", "-n", "prod:metaxy_features").Must(t, 0, "version 2, clean")
}
