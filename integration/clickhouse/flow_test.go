package clickhouse_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/integration/itest"
)

// TestCLIFlow: generate, up, status, check and down on embedded ClickHouse,
// with the engine, ORDER BY, PARTITION BY and SETTINGS of
// [ext.mxmigrate.clickhouse]; a changed partitioning rebuilds a table with
// rows and keeps them; a file re-run after being forced back converges.
//
// It is long because it is one scenario on a real engine, step after step.
func TestCLIFlow(t *testing.T) {
	dir := newProject(t)
	mx(t, dir, "generate", "-n", "ch:metaxy_system", "-m", "init").Must(t, 0, "+ create table metaxy_system__feature_versions")
	r := mx(t, dir, "--verbose", "generate", "-n", "ch:metaxy_features", "-m", "init").Must(t, 0, "+ create table media__videos")
	if !strings.Contains(r.Stderr, "inject_primary_key and inject_index do not apply on ClickHouse") {
		t.Errorf("--verbose does not say that inject_primary_key does not apply:\n%s", r.Stderr)
	}
	sys := itest.Read(t, filepath.Join(dir, "migrations/ch/system/000001_init.up.sql"))
	up := itest.Read(t, filepath.Join(dir, "migrations/ch/features/000001_init.up.sql"))
	for _, want := range []string{"CREATE TABLE IF NOT EXISTS `metaxy_system__feature_versions`", "ENGINE = MergeTree\nORDER BY (`project`, `feature_key`, `metaxy_definition_version`)",
		"ORDER BY (`project`, `execution_id`, `timestamp`)", "`recorded_at` Nullable(DateTime64(6))"} {
		if !strings.Contains(sys, want) {
			t.Errorf("system file lacks %q:\n%s", want, sys)
		}
	}
	for _, want := range []string{"`metaxy_provenance_by_field` Map(String, String)", "`metaxy_created_at` DateTime64(6, 'UTC')",
		"`metaxy_deleted_at` Nullable(DateTime64(6, 'UTC'))", "ENGINE = ReplacingMergeTree(metaxy_updated_at)",
		"PARTITION BY toYYYYMM(metaxy_created_at)", "ORDER BY (`metaxy_feature_version`, `video_id`, `metaxy_updated_at`)",
		"SETTINGS index_granularity = 4096"} {
		if !strings.Contains(up, want) {
			t.Errorf("features file lacks %q:\n%s", want, up)
		}
	}
	if strings.Contains(up, "PRIMARY KEY") || strings.Contains(up, "INDEX") {
		t.Errorf("primary key or index on ClickHouse:\n%s", up)
	}
	mx(t, dir, "url", "-n", "ch:metaxy_features").Must(t, 3, "apply with `mxmigrate up`")
	mx(t, dir, "up", "-n", "ch").Must(t, 0, "ch:metaxy_system: applied 000001_init.up.sql", "ch:metaxy_features: applied 000001_init.up.sql")
	st := mx(t, dir, "status", "-n", "ch", "--json").Must(t, 0)
	var status []map[string]any
	if err := json.Unmarshal([]byte(st.Stdout), &status); err != nil {
		t.Fatal(err, st.Stdout)
	}
	if len(status) != 2 || status[1]["version"] != 1.0 || status[1]["dirty"] != false {
		t.Errorf("status: %v", status)
	}
	mx(t, dir, "check", "-n", "ch").Must(t, 0, "in sync")
	mx(t, dir, "generate", "-n", "ch:metaxy_features").Must(t, 0, "No changes detected")
	mx(t, dir, "generate", "-n", "ch:metaxy_system").Must(t, 0, "No changes detected")

	// rows, then a new partitioning: a rebuild, refused until allowed
	query(t, dir, "INSERT INTO media__videos (video_id, metaxy_feature_version, metaxy_created_at, metaxy_updated_at) VALUES ('a', 'v1', now64(6), now64(6)), ('b', 'v1', now64(6), now64(6)), ('c', 'v2', now64(6), now64(6))")
	itest.Edit(t, filepath.Join(dir, "metaxy.toml"), func(s string) string {
		return strings.Replace(s, `partition_by = "toYYYYMM(metaxy_created_at)"`, `partition_by = "toDate(metaxy_created_at)"`, 1)
	})
	mx(t, dir, "generate", "-n", "ch:metaxy_features", "-m", "daily").Must(t, 1, "~ rebuild table media__videos: PARTITION BY toYYYYMM(metaxy_created_at) -> toDate(metaxy_created_at)", "--allow-destructive")
	// the plan says what each statement costs: a rebuild copies the 3 rows
	// (ClickHouse's total_rows and total_bytes); inserts are not blocked
	cost := regexp.MustCompile(`(?m)^    rewrites the table, lock none \(reads go on, rows inserted meanwhile are lost\), ~3 rows, [0-9.]+ (B|kB)$`)
	if plan := mx(t, dir, "generate", "-n", "ch:metaxy_features", "--dry-run", "--allow-destructive").Must(t, 0).Stdout; !cost.MatchString(plan) {
		t.Errorf("the rebuild's cost is not in the plan:\n%s", plan)
	}
	mx(t, dir, "generate", "-n", "ch:metaxy_features", "-m", "daily", "--allow-destructive").Must(t, 0, "000002_daily.up.sql")
	up2 := itest.Read(t, filepath.Join(dir, "migrations/ch/features/000002_daily.up.sql"))
	for _, want := range []string{"INSERT INTO `media__videos__mxmigrate_new`", "EXCHANGE TABLES `media__videos__mxmigrate_new` AND `media__videos`", "-- DESTRUCTIVE: rebuilds table media__videos"} {
		if !strings.Contains(up2, want) {
			t.Errorf("rebuild file lacks %q:\n%s", want, up2)
		}
	}
	mx(t, dir, "up", "-n", "ch:metaxy_features").Must(t, 0, "applied 000002_daily.up.sql")
	if got := query(t, dir, "SELECT count() FROM media__videos", "SELECT partition_key FROM system.tables WHERE database = 'media' AND name = 'media__videos'"); got != "3\ntoDate(metaxy_created_at)" {
		t.Errorf("after the rebuild: %q", got)
	}
	mx(t, dir, "check", "-n", "ch").Must(t, 0, "in sync")

	// recovery: a file that ran (part of) its statements runs again and converges
	mx(t, dir, "force", "-n", "ch:metaxy_features", "1").Must(t, 0)
	mx(t, dir, "up", "-n", "ch:metaxy_features").Must(t, 0, "applied 000002_daily.up.sql")
	if got := query(t, dir, "SELECT count() FROM media__videos"); got != "3" {
		t.Errorf("after re-running the rebuild: %s rows", got)
	}
	mx(t, dir, "check", "-n", "ch").Must(t, 0, "in sync")

	// a new column
	itest.Edit(t, filepath.Join(dir, "metaxy.lock"), func(s string) string {
		return strings.Replace(s, `"is_public":{"default":false,"title":"Is Public","type":"boolean"}}`,
			`"is_public":{"default":false,"title":"Is Public","type":"boolean"},"codec":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null}}`, 1)
	})
	mx(t, dir, "generate", "-n", "ch:metaxy_features", "-m", "codec").Must(t, 0, "+ add column media__videos.codec String")
	if up3 := itest.Read(t, filepath.Join(dir, "migrations/ch/features/000003_codec.up.sql")); !strings.Contains(up3, "ALTER TABLE `media__videos` ADD COLUMN IF NOT EXISTS `codec` Nullable(String);") {
		t.Errorf("000003:\n%s", up3)
	}
	mx(t, dir, "up", "-n", "ch").Must(t, 0, "applied 000003_codec.up.sql")
	mx(t, dir, "check", "-n", "ch").Must(t, 0, "in sync")

	// a value that does not convert stops the file before the column
	// changes, and the error names the failing statement and its line
	query(t, dir, "INSERT INTO media__videos (video_id, codec, metaxy_feature_version, metaxy_created_at, metaxy_updated_at) VALUES ('d', 'h264', 'v1', now64(6), now64(6))")
	itest.Edit(t, filepath.Join(dir, "metaxy.lock"), func(s string) string {
		return strings.Replace(s, `"codec":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null}`, `"codec":{"anyOf":[{"type":"integer"},{"type":"null"}],"default":null}`, 1)
	})
	mx(t, dir, "generate", "-n", "ch:metaxy_features", "-m", "codec_int", "--allow-destructive").Must(t, 0, "~ alter column media__videos.codec type String -> Int64")
	mx(t, dir, "up", "-n", "ch:metaxy_features").Must(t, 3, "a value of media__videos.codec does not convert from String to Int64", "000004_codec_int.up.sql:", "SELECT throwIf(")
	if got := query(t, dir, "SELECT type FROM system.columns WHERE database = 'media' AND table = 'media__videos' AND name = 'codec'", "SELECT count() FROM media__videos"); got != "Nullable(String)\n4" {
		t.Errorf("after the stopped retype: %q", got)
	}
	query(t, dir, "ALTER TABLE media__videos DELETE WHERE video_id = 'd' SETTINGS mutations_sync = 1")
	mx(t, dir, "force", "-n", "ch:metaxy_features", "3").Must(t, 0)
	// data on standard input does not reach chDB (it would take it for an INSERT's)
	cmd := exec.Command(binary, "up", "-n", "ch:metaxy_features")
	cmd.Dir, cmd.Stdin = dir, strings.NewReader("a\nb\n")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "applied 000004_codec_int.up.sql") {
		t.Errorf("up with data on stdin: %v\n%s", err, out)
	}
	mx(t, dir, "check", "-n", "ch").Must(t, 0, "in sync")
	mx(t, dir, "down", "-n", "ch", "--all", "--yes").Must(t, 0, "ch:metaxy_features: reverted 000001_init.down.sql")
	mx(t, dir, "down", "-n", "ch:metaxy_system", "--all", "--yes").Must(t, 0, "ch:metaxy_system: reverted 000001_init.down.sql")
	mx(t, dir, "status", "-n", "ch").Must(t, 0, "ch:metaxy_system: version none", "ch:metaxy_features: version none")
	if _, err := os.Stat(filepath.Join(dir, "chdata")); err != nil {
		t.Errorf("chdb:chdata is not resolved against the configuration's directory: %v", err)
	}
}
