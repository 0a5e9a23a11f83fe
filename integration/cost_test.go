package integration

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlanCarriesCost: on DuckDB, each planned statement says what it does to
// the live table, the lock, and the table's rows (DuckDB's catalog has no
// size in bytes), in the plan, in the up file's comments and in --json.
func TestPlanCarriesCost(t *testing.T) {
	dir := project(t, "media")
	db := filepath.Join(dir, "dev_metadata.duckdb")
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "-m", "init").Must(t, 0, "new table (no rows)")
	mx(t, dir, "up", "-n", "dev:metaxy_features").Must(t, 0)
	sqlExec(t, db, `INSERT INTO media__videos (video_id, path, duration_s, recorded_on, tags, is_public, metaxy_provenance, metaxy_provenance_by_field,
		metaxy_feature_version, metaxy_project_version, metaxy_data_version, metaxy_data_version_by_field, metaxy_created_at, metaxy_updated_at)
		SELECT 'v' || i, 'p', 1.5, DATE '2024-01-01', '{}', false, 'x', '{}', 'f', 'p', 'd', '{}', now(), now() FROM range(1234) t(i)`)
	editLock(t, dir, addCodecDuck)
	const cost = "rewrites a column, lock the database file (no other process can open it meanwhile), ~1,234 rows"
	mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run").Must(t, 0,
		"+ add column media__videos.codec VARCHAR\n    "+cost+"\n", "-- cost: "+cost+"\nALTER TABLE \"media__videos\" ADD COLUMN \"codec\" VARCHAR;")
	var plan struct {
		Changes []struct {
			Summary    string `json:"summary"`
			Statements []struct {
				SQL    string `json:"sql"`
				Effect string `json:"effect"`
				Lock   string `json:"lock"`
				Rows   *int64 `json:"rows"`
				Bytes  *int64 `json:"bytes"`
			} `json:"statements"`
		} `json:"changes"`
	}
	out := mx(t, dir, "generate", "-n", "dev:metaxy_features", "--dry-run", "--json").Must(t, 0).Stdout
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatal(err)
	}
	if len(plan.Changes) != 1 || len(plan.Changes[0].Statements) != 1 {
		t.Fatalf("want one change with one statement:\n%s", out)
	}
	s := plan.Changes[0].Statements[0]
	if s.Effect != "rewrites a column" || !strings.HasPrefix(s.Lock, "the database file") || s.Rows == nil || *s.Rows != 1234 || s.Bytes != nil {
		t.Errorf("statement cost: %+v\n%s", s, out)
	}
}

const codecPropDuck = `"is_public":{"default":false,"title":"Is Public","type":"boolean"},"codec":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null}}`

func addCodecDuck(s string) string {
	return strings.Replace(s, `"is_public":{"default":false,"title":"Is Public","type":"boolean"}}`, codecPropDuck, 1)
}
