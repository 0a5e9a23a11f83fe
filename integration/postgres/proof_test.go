package postgres_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate"
	"github.com/mxmigrate/mxmigrate/integration/itest"
)

// provedProject is the media project on PostgreSQL with its system and
// feature migrations applied.
func provedProject(t *testing.T) *env {
	t.Helper()
	return proved(t, newProject(t))
}

// proved is e with its system and feature migrations applied.
func proved(t *testing.T, e *env) *env {
	t.Helper()
	e.mx(t, "generate", "-n", "prod:metaxy_system", "-m", "init").Must(t, 0, "Proof on ")
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "init").Must(t, 0)
	e.mx(t, "up", "-n", "prod").Must(t, 0)
	return e
}

// devDatabases lists the scratch databases the proof left on the server.
func devDatabases(t *testing.T, e *env) string {
	t.Helper()
	return e.names(t, `SELECT datname FROM pg_database WHERE datname LIKE 'mxmigrate_dev_%'`)
}

// TestProofOnPostgreSQL: a scratch database on the live server proves the
// plan; a float made an integer (29.97 -> 30) and a string id made an
// integer ('007' and '7' merge) are findings in the plan and in --json,
// before anything is written; the scratch database is dropped after.
func TestProofOnPostgreSQL(t *testing.T) {
	e := provedProject(t)
	itest.Edit(t, filepath.Join(e.dir, "metaxy.toml"), func(s string) string {
		return s + "\n[ext.mxmigrate.column_types.\"media/videos\"]\nduration_s = \"int64\"\npath = \"int64\"\n"
	})
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "retype").Must(t, 1,
		"'29.97' becomes '30'", "'007' and '7' all become '7'", "prod_media__videos.duration_s (float64 -> int64)")
	r := e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "retype", "--dry-run", "--json").Must(t, 1)
	var out struct {
		Refused bool `json:"refused"`
		Proof   struct {
			Dev        string   `json:"dev_database"`
			SampleRows int      `json:"sample_rows"`
			Findings   []string `json:"findings"`
		} `json:"proof"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, r.Stdout)
	}
	all := strings.Join(out.Proof.Findings, "\n")
	if !out.Refused || out.Proof.SampleRows == 0 || !strings.Contains(out.Proof.Dev, "mxmigrate_dev_") ||
		!strings.Contains(all, "'29.97' becomes '30'") || !strings.Contains(all, "'007' and '7' all become '7'") {
		t.Errorf("--json proof: %+v", out)
	}
	if m, _ := filepath.Glob(filepath.Join(e.dir, "migrations", "features", "*retype*")); len(m) != 0 {
		t.Errorf("a refused plan wrote %v", m)
	}
	if left := devDatabases(t, e); left != "" {
		t.Errorf("scratch databases left on the server: %s", left)
	}
}

// TestProofCatchesSabotagePostgreSQL: a plan whose rendered SQL a test
// hook corrupts (a column's values dropped, a type other than the
// target's, a down that does nothing) is not written (in-process: the
// rewrite is a test hook).
func TestProofCatchesSabotagePostgreSQL(t *testing.T) {
	itest.RefusesSabotage(t, []itest.Sabotage{
		{Name: "values dropped", Rewrite: func(dir, sql string) string {
			if dir == "up" && strings.HasPrefix(sql, "ALTER TABLE") && strings.Contains(sql, `"duration_s"`) {
				return sql + "\nUPDATE \"prod_media__videos\" SET \"path\" = 'x';"
			}
			return sql
		}, Want: "prod_media__videos.path"},
		{Name: "type narrowed", Rewrite: func(dir, sql string) string {
			if dir == "up" && strings.Contains(sql, `ALTER COLUMN "duration_s" TYPE`) {
				return `ALTER TABLE "prod_media__videos" ALTER COLUMN "duration_s" TYPE varchar(64) USING "duration_s"::varchar(64);`
			}
			return sql
		}, Want: "the schema after up is the target"},
		itest.DownSwapped,
	}, func(t *testing.T) (*mxmigrate.Project, *mxmigrate.Env, string) {
		e := provedProject(t)
		itest.Edit(t, filepath.Join(e.dir, "metaxy.toml"), func(s string) string {
			return s + "\n[ext.mxmigrate.column_types.\"media/videos\"]\nduration_s = \"string\"\n"
		})
		p, env := e.environment(t, "prod:metaxy_features")
		return p, env, filepath.Join(e.dir, "migrations", "features")
	})
}

// TestOfflineMatchesOnlinePostgreSQL: with the live server unreachable,
// generate --offline plans against the committed files replayed on a dev
// server in a container (docker://postgres/MAJOR) and prints the files an
// online run prints when the live database is at the directory's head;
// without a dev_url it says to set one.
func TestOfflineMatchesOnlinePostgreSQL(t *testing.T) {
	major, err := pg.ServerMajor()
	if err != nil {
		t.Fatal(err)
	}
	e := proved(t, bareProject(t))
	itest.Edit(t, filepath.Join(e.dir, "metaxy.toml"), func(s string) string {
		return strings.Replace(s, "inject_index = false", "inject_index = true", 1)
	})
	files := func(r itest.Result) (string, string) {
		var out struct{ Up, Down string }
		if err := json.Unmarshal([]byte(r.Stdout), &out); err != nil {
			t.Fatalf("%v\n%s", err, r.Stdout)
		}
		return out.Up, out.Down
	}
	upOn, downOn := files(e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "index", "--dry-run", "--json").Must(t, 0))
	dev := fmt.Sprintf("docker://postgres/%d", major)
	e.vars = []string{"MEDIA_PG_URL=postgresql://nobody:x@127.0.0.1:1/stopped?connect_timeout=2"}
	upOff, downOff := files(e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "index", "--dry-run", "--json", "--offline", "--dev-url", dev).Must(t, 0))
	if upOn == "" || upOn != upOff || downOn != downOff {
		t.Errorf("offline files differ from online ones:\n--- online\n%s\n--- offline\n%s", upOn, upOff)
	}
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "index", "--dry-run", "--offline").Must(t, 3, "dev_url")
}
