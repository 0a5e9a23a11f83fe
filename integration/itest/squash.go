package itest

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// Squash drives `mxmigrate squash` through the CLI (mx runs the binary in
// the project directory dir, a copy of testdata/media whose feature
// migrations env has applied: one file, 000001_init, in dir/rel) on a 5-file
// directory: squash is refused while the database is below the last
// version replaced; --to 3 of 5 leaves 000003_squashed, 000004, 000005; the
// database at version 5 has nothing pending and is in sync; reverted to
// nothing and applied again (a fresh database), it reaches the same schema.
//
// It is long because it is one scenario, step after step.
func Squash(t *testing.T, mx func(args ...string) Result, env, dir, rel string) {
	t.Helper()
	features := filepath.Join(dir, rel)
	mx("squash", "-n", env).Must(t, 3, "nothing to squash")
	for _, c := range []string{"c2", "c3", "c4", "c5"} {
		Edit(t, filepath.Join(dir, "metaxy.lock"), func(s string) string {
			return strings.Replace(s, `"is_public":{"default":false,"title":"Is Public","type":"boolean"}`,
				`"is_public":{"default":false,"title":"Is Public","type":"boolean"},"`+c+`":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null}`, 1)
		})
		mx("generate", "-n", env, "-m", c).Must(t, 0, "_"+c+".up.sql")
		mx("up", "-n", env).Must(t, 0)
	}
	before := strings.Join(Files(t, features), " ")

	// a database below the versions replaced: refused, nothing changed
	mx("down", "-n", env, "3").Must(t, 0)
	mx("squash", "-n", env).Must(t, 1, env+" is at version 2", "mxmigrate up -n "+env, "--to 2")
	mx("squash", "-n", env, "--to", "4").Must(t, 1, env+" is at version 2")
	mx("squash", "-n", env, "--to", "9").Must(t, 3, "--to 9 is not a version")
	if got := strings.Join(Files(t, features), " "); got != before {
		t.Fatalf("a refused squash changed the directory:\n%s\nwas\n%s", got, before)
	}
	mx("up", "-n", env).Must(t, 0)

	// --dry-run prints the file and changes nothing
	mx("squash", "-n", env, "--to", "3", "--dry-run").Must(t, 0, "checked "+env+" at version 5",
		"replayed 3 files (000001_init..000003_c3)", "-- ---- 000003_squashed.up.sql ----", "squash of 000001_init..000003_c3")
	if got := strings.Join(Files(t, features), " "); got != before {
		t.Fatalf("squash --dry-run changed the directory:\n%s", got)
	}

	mx("squash", "-n", env, "--to", "3").Must(t, 0, "removed "+rel+"/000001_init.up.sql",
		"wrote "+rel+"/000003_squashed.up.sql", "the squashed file alone leaves the same schema")
	want := "000003_squashed.down.sql 000003_squashed.up.sql 000004_c4.down.sql 000004_c4.up.sql 000005_c5.down.sql 000005_c5.up.sql mxmigrate.sum"
	if got := strings.Join(Files(t, features), " "); got != want {
		t.Fatalf("after squash --to 3:\n%s\nwant\n%s", got, want)
	}
	up := Read(t, filepath.Join(features, "000003_squashed.up.sql"))
	if !strings.Contains(up, "media__videos (19 columns)") { // 17, c2 and c3: not c4
		t.Errorf("000003_squashed.up.sql has not the schema of version 3:\n%s", up)
	}

	// the database at version 5: nothing pending, in sync
	var st []map[string]any
	r := mx("status", "-n", env, "--json").Must(t, 0)
	if err := json.Unmarshal([]byte(r.Stdout), &st); err != nil || len(st) != 1 || st[0]["version"] != 5.0 || len(st[0]["pending"].([]any)) != 0 {
		t.Fatalf("status after squash: %v\n%s", err, r.Stdout)
	}
	mx("check", "-n", env).Must(t, 0, "in sync")
	mx("lint", "-n", env).Must(t, 0)

	// a fresh database: the squashed file, then 4 and 5
	mx("down", "-n", env, "--all", "--yes").Must(t, 0, "000003_squashed.down.sql")
	mx("status", "-n", env).Must(t, 0, "version none", "3 pending")
	mx("up", "-n", env).Must(t, 0, "applied 000003_squashed.up.sql", "applied 000005_c5.up.sql")
	mx("check", "-n", env).Must(t, 0, "in sync")
}
