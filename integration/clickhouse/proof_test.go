package clickhouse_test

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate"
	"github.com/mxmigrate/mxmigrate/config"
	_ "github.com/mxmigrate/mxmigrate/dialect/clickhouse" // the dialect the in-process generate runs

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
	// accepted, the rebuild goes through on the sample rows: the rows it
	// merges are a finding
	itest.Edit(t, filepath.Join(dir, "metaxy.toml"), func(s string) string {
		return strings.Replace(s, "[ext.mxmigrate.clickhouse]\n", "[ext.mxmigrate.clickhouse]\naccept_collapse = true\n", 1)
	})
	r = mx(t, dir, "generate", "-n", "ch:metaxy_features", "-m", "collapse", "--dry-run", "--json")
	var out struct {
		Refused bool `json:"refused"`
		Proof   struct {
			Findings []string `json:"findings"`
		} `json:"proof"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, r.Stdout)
	}
	if all := strings.Join(out.Proof.Findings, "\n"); r.Code != 1 || !out.Refused || !strings.Contains(all, "table media__video_frames keeps") || !strings.Contains(all, "rows merge or are lost") {
		t.Errorf("an accepted collapse: want the rows it merges as a finding, got exit %d: %+v", r.Code, out)
	}
	if left := query(t, dir, "SELECT name FROM system.databases WHERE name LIKE 'mxmigrate_dev_%'"); strings.TrimSpace(left) != "" {
		t.Errorf("scratch databases left: %s", left)
	}
}

// TestOfflineMatchesOnlineClickHouse: with the live chDB directory moved
// away, generate --offline plans against the committed files replayed on
// embedded chDB in a temporary directory, and prints the files an online
// run prints when the live database is at the directory's head; a dev_url
// naming the live database is refused.
func TestOfflineMatchesOnlineClickHouse(t *testing.T) {
	dir := newProject(t)
	mx(t, dir, "generate", "-n", "ch:metaxy_system", "-m", "init").Must(t, 0)
	mx(t, dir, "generate", "-n", "ch:metaxy_features", "-m", "init").Must(t, 0)
	mx(t, dir, "up", "-n", "ch").Must(t, 0)
	itest.Edit(t, filepath.Join(dir, "metaxy.toml"), func(s string) string {
		return s + "\n[ext.mxmigrate.column_types.\"media/videos\"]\nduration_s = \"string\"\n"
	})
	files := func(r itest.Result) (string, string) {
		var out struct{ Up, Down string }
		if err := json.Unmarshal([]byte(r.Stdout), &out); err != nil {
			t.Fatalf("%v\n%s", err, r.Stdout)
		}
		return out.Up, out.Down
	}
	args := []string{"generate", "-n", "ch:metaxy_features", "-m", "change", "--dry-run", "--json", "--allow-destructive"}
	upOn, downOn := files(mx(t, dir, args...).Must(t, 0))
	mx(t, dir, append(args, "--dev-url", "chdb:chdata?database=media")...).Must(t, 3, "names the live database")
	live := filepath.Join(dir, "chdata")
	if err := os.Rename(live, live+".away"); err != nil {
		t.Fatal(err)
	}
	upOff, downOff := files(mx(t, dir, append(args, "--offline")...).Must(t, 0, `"dev_database": "chdb:`))
	if _, err := os.Stat(live); !os.IsNotExist(err) {
		t.Error("--offline created or opened the live data directory")
	}
	if upOn == "" || upOn != upOff || downOn != downOff {
		t.Errorf("offline files differ from online ones:\n--- online\n%s\n--- offline\n%s", upOn, upOff)
	}
}

// TestProofCatchesSabotageThroughGenerate: generate, in this process, with
// its rendered SQL corrupted by a test hook (a column's values dropped, a
// type other than the target's, a down that does nothing), refuses to
// write, on chDB.
func TestProofCatchesSabotageThroughGenerate(t *testing.T) {
	itest.RefusesSabotage(t, []itest.Sabotage{
		{Name: "values dropped", Rewrite: func(dir, sql string) string {
			if dir == "up" && strings.Contains(sql, "MODIFY COLUMN") {
				return sql + "\nALTER TABLE `media__videos` UPDATE `path` = '' WHERE 1 SETTINGS mutations_sync = 2;"
			}
			return sql
		}, Want: "media__videos.path"},
		{Name: "type narrowed", Rewrite: func(dir, sql string) string {
			if dir == "up" {
				return strings.Replace(sql, "MODIFY COLUMN `duration_s` String", "MODIFY COLUMN `duration_s` LowCardinality(String)", 1)
			}
			return sql
		}, Want: "the schema after up is the target"},
		itest.DownSwapped,
	}, func(t *testing.T) (*mxmigrate.Project, *mxmigrate.Env, string) {
		dir := newProject(t)
		mx(t, dir, "generate", "-n", "ch:metaxy_system", "-m", "init").Must(t, 0)
		mx(t, dir, "generate", "-n", "ch:metaxy_features", "-m", "init").Must(t, 0)
		mx(t, dir, "up", "-n", "ch").Must(t, 0)
		itest.Append(t, filepath.Join(dir, "metaxy.toml"), "\n[ext.mxmigrate.column_types.\"media/videos\"]\nduration_s = \"string\"\n")
		p, err := mxmigrate.Load(config.Options{Path: filepath.Join(dir, "metaxy.toml"), Environ: []string{}}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		env, err := p.Environment("ch:metaxy_features")
		if err != nil {
			t.Fatal(err)
		}
		return p, env, filepath.Join(dir, "migrations", "ch", "features")
	})
}

// TestDryRunCreatesNoDataDirectory: a dry run against a chDB directory that
// does not exist proves its plan in a temporary one, and creates neither
// the directory nor the live database.
func TestDryRunCreatesNoDataDirectory(t *testing.T) {
	dir := newProject(t)
	mx(t, dir, "generate", "-n", "ch:metaxy_system", "-m", "init", "--dry-run").Must(t, 0, "Proof on chdb:")
	if _, err := os.Stat(filepath.Join(dir, "chdata")); !os.IsNotExist(err) {
		t.Errorf("a dry run created the live data directory (%v)", err)
	}
}
