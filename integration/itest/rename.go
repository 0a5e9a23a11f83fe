package itest

import (
	"path/filepath"
	"strings"
	"testing"
)

// Renames drives renames through the CLI (mx runs the binary in the project
// directory dir, a copy of testdata/media whose feature migrations env has
// applied; prefix is the store's table_prefix): a property renamed in the
// definitions is planned as a drop and an add, refused, with a hint that it
// looks like a rename; with [ext.mxmigrate] renames it is a RENAME COLUMN
// that keeps the values (the proof checks them), applies, reverts and
// applies again; a feature key renamed is a RENAME TABLE with --rename.
//
// It is long because it is one scenario, step after step.
func Renames(t *testing.T, mx func(args ...string) Result, env, dir, prefix string) {
	t.Helper()
	videos, frames := prefix+"media__videos", prefix+"media__video_frames"
	lock, toml := filepath.Join(dir, "metaxy.lock"), filepath.Join(dir, "metaxy.toml")

	// a column: is_public -> public
	Edit(t, lock, func(s string) string { return strings.ReplaceAll(s, `"is_public":`, `"public":`) })
	r := mx("generate", "-n", env, "--dry-run").Must(t, 1, "- drop column "+videos+".is_public",
		"? "+videos+".is_public -> public looks like a rename", "--rename "+videos+".is_public=public",
		`renames = { "media/videos" = { is_public = "public" } }`)
	if strings.Contains(r.Stdout, "~ rename") {
		t.Fatalf("a rename planned without being asked for:\n%s", r.Stdout)
	}
	Edit(t, toml, func(s string) string {
		return strings.Replace(s, "[ext.mxmigrate]\n", "[ext.mxmigrate]\nrenames = { \"media/videos\" = { is_public = \"public\" } }\n", 1)
	})
	r = mx("generate", "-n", env, "-m", "public").Must(t, 0, "~ rename column "+videos+".is_public to public", "_public.up.sql")
	if strings.Contains(r.Stdout, "drop column") || strings.Contains(r.Stdout, "looks like a rename") {
		t.Fatalf("the rename is still a drop:\n%s", r.Stdout)
	}
	up := Read(t, filepath.Join(dir, strings.TrimPrefix(strings.Split(r.Stdout[strings.Index(r.Stdout, "wrote "):], "\n")[0], "wrote ")))
	if !strings.Contains(up, "RENAME COLUMN") || strings.Contains(up, "DESTRUCTIVE") {
		t.Fatalf("the up file:\n%s", up)
	}
	mx("up", "-n", env).Must(t, 0, "_public.up.sql")
	mx("check", "-n", env).Must(t, 0, "in sync")
	mx("generate", "-n", env, "--dry-run").Must(t, 0, "No changes detected") // the setting stays, done
	mx("down", "-n", env, "1").Must(t, 0, "_public.down.sql")
	mx("up", "-n", env).Must(t, 0, "_public.up.sql")
	mx("check", "-n", env).Must(t, 0, "in sync")

	// a table: media/video-frames -> media/frames
	Edit(t, lock, func(s string) string { return strings.ReplaceAll(s, "media/video-frames", "media/frames") })
	mx("generate", "-n", env, "--dry-run").Must(t, 1, "- drop table "+frames,
		"? table "+frames+" -> "+prefix+"media__frames looks like a rename", "--rename "+frames+"="+prefix+"media__frames")
	mx("generate", "-n", env, "-m", "frames", "--rename", frames+"="+prefix+"media__frames").Must(t, 0,
		"~ rename table "+frames+" to "+prefix+"media__frames", "_frames.up.sql")
	mx("up", "-n", env).Must(t, 0, "_frames.up.sql")
	mx("check", "-n", env).Must(t, 0, "in sync")
	mx("down", "-n", env, "1").Must(t, 0, "_frames.down.sql")
	mx("up", "-n", env).Must(t, 0)
	mx("lint", "-n", env).Must(t, 0)
}
