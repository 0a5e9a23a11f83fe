package clickhouse_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/integration/itest"
)

// TestProofSeesRowsCollapse: a rebuild into ReplacingMergeTree with a
// narrower ORDER BY merges rows that share the new key; the proof, on a
// scratch database beside the live one, shows it before anything is
// written, and the scratch database is gone after.
func TestProofSeesRowsCollapse(t *testing.T) {
	dir := newProject(t)
	mx(t, dir, "generate", "-n", "ch:metaxy_system", "-m", "init").Must(t, 0)
	mx(t, dir, "generate", "-n", "ch:metaxy_features", "-m", "init").Must(t, 0, "Proof on chdb:")
	mx(t, dir, "up", "-n", "ch").Must(t, 0)
	itest.Append(t, filepath.Join(dir, "metaxy.toml"), "\n[ext.mxmigrate.clickhouse.features.\"media/video-frames\"]\nengine = \"ReplacingMergeTree(metaxy_updated_at)\"\norder_by = [\"video_id\"]\n")
	r := mx(t, dir, "generate", "-n", "ch:metaxy_features", "-m", "collapse", "--dry-run", "--json")
	if r.Code != 1 || !strings.Contains(r.Stdout, "merged rows that share its sorting key (video_id)") || !strings.Contains(r.Stdout, `"sample_rows": 1`) {
		t.Fatalf("want a refusal with the proof's findings, got exit %d", r.Code)
	}
	if left := query(t, dir, "SELECT name FROM system.databases WHERE name LIKE 'mxmigrate_dev_%'"); strings.TrimSpace(left) != "" {
		t.Errorf("scratch databases left: %s", left)
	}
}
