package clickhouse_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/integration/itest"
)

// TestUnmanagedObjectsClickHouse: a data-skipping index, a CHECK constraint,
// a projection, a column DEFAULT and a table setting made by hand on a
// feature table are kept and listed by check (exit 0) and generate
// --verbose; ignore silences one; manage_unknown = "drop" plans their drops,
// gated behind --allow-destructive, and down restores them.
//
// It is long because it is one scenario on a real engine, step after step.
func TestUnmanagedObjectsClickHouse(t *testing.T) {
	dir := newProject(t)
	const env = "ch:metaxy_features"
	mx(t, dir, "generate", "-n", env, "-m", "init").Must(t, 0)
	mx(t, dir, "up", "-n", env).Must(t, 0)
	const tbl = "media__video_frames"
	query(t, dir,
		"ALTER TABLE "+tbl+" ADD INDEX ix_by_hand lower(video_id) TYPE bloom_filter GRANULARITY 2",
		"ALTER TABLE "+tbl+" ADD CONSTRAINT ck_duration CHECK frame_idx >= 0",
		"ALTER TABLE "+tbl+" ADD PROJECTION pj_by_frame (SELECT * ORDER BY frame_idx)",
		"ALTER TABLE "+tbl+" MODIFY COLUMN frame_idx DEFAULT 7",
		"ALTER TABLE "+tbl+" MODIFY SETTING min_bytes_for_wide_part = 1")
	show := func() string { return query(t, dir, "SHOW CREATE TABLE "+tbl) }
	before := show()

	listed := []string{"index ix_by_hand on media__video_frames: (lower(video_id)) TYPE bloom_filter GRANULARITY 2",
		"check ck_duration on media__video_frames: CHECK frame_idx >= 0", "projection pj_by_frame on media__video_frames: (SELECT * ORDER BY frame_idx)",
		"default frame_idx on media__video_frames: DEFAULT 7", "setting min_bytes_for_wide_part on media__video_frames: min_bytes_for_wide_part = 1"}
	r := mx(t, dir, "check", "-n", env).Must(t, 0, append([]string{"in sync", "5 object(s) not created from the definitions, kept"}, listed...)...)
	t.Log(r.Stdout)
	var reports []struct {
		InSync    bool `json:"in_sync"`
		Unmanaged []struct{ Table, Kind, Name, Definition string }
	}
	if err := json.Unmarshal([]byte(mx(t, dir, "check", "-n", env, "--json").Must(t, 0).Stdout), &reports); err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 || !reports[0].InSync || len(reports[0].Unmanaged) != 5 {
		t.Fatalf("check --json: %+v", reports)
	}
	g := mx(t, dir, "--verbose", "generate", "-n", env, "--dry-run").Must(t, 0, "No changes detected")
	for _, want := range listed {
		if !strings.Contains(g.Stderr, want) {
			t.Errorf("generate --verbose does not list %q:\n%s", want, g.Stderr)
		}
	}

	toml := filepath.Join(dir, "metaxy.toml")
	itest.Edit(t, toml, func(s string) string {
		return strings.Replace(s, "[ext.mxmigrate]\n", "[ext.mxmigrate]\nignore = [\"media__video_frames.pj_*\"]\nmanage_unknown = \"drop\"\n", 1)
	})
	mx(t, dir, "check", "-n", env).Must(t, 1, "- drop index ix_by_hand", "- drop check ck_duration")
	mx(t, dir, "generate", "-n", env, "-m", "drop").Must(t, 1, "destructive", "check ck_duration", "default of media__video_frames.frame_idx", "setting min_bytes_for_wide_part")
	w := mx(t, dir, "generate", "-n", env, "-m", "drop", "--allow-destructive").Must(t, 0, "wrote")
	if strings.Contains(w.Stdout, "pj_by_frame") {
		t.Fatalf("an ignored projection is planned:\n%s", w.Stdout)
	}
	mx(t, dir, "up", "-n", env).Must(t, 0)
	after := show()
	for _, gone := range []string{"ix_by_hand", "ck_duration", "DEFAULT 7", "min_bytes_for_wide_part"} {
		if strings.Contains(after, gone) {
			t.Errorf("%s survived manage_unknown = drop:\n%s", gone, after)
		}
	}
	if !strings.Contains(after, "pj_by_frame") {
		t.Errorf("the ignored projection was dropped:\n%s", after)
	}
	mx(t, dir, "check", "-n", env).Must(t, 0, "in sync")
	mx(t, dir, "down", "-n", env, "1").Must(t, 0)
	if got := show(); got != before {
		t.Fatalf("down did not restore the hand-made objects:\n%s\nwant:\n%s", got, before)
	}
}
