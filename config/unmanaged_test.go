package config

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestUnmanagedKeys(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "metaxy.toml"), base+`
[ext.mxmigrate]
ignore = ["videos.ix_by_hand", "*.ck_*"]
manage_unknown = "drop"
`)
	c := load(t, dir)
	if c.Mx.ManageUnknown != ManageDrop {
		t.Fatalf("manage_unknown = %q", c.Mx.ManageUnknown)
	}
	for _, tc := range []struct {
		table, name string
		want        bool
	}{{"videos", "ix_by_hand", true}, {"videos", "ix_other", false}, {"frames", "ck_fps", true}, {"frames", "fps", false}} {
		if got := c.Mx.Ignored(tc.table, tc.name); got != tc.want {
			t.Errorf("Ignored(%s, %s) = %v, want %v", tc.table, tc.name, got, tc.want)
		}
	}
	write(t, filepath.Join(dir, "metaxy.toml"), base)
	if c := load(t, dir); c.Mx.ManageUnknown != ManageKeep || c.Mx.Ignored("videos", "x") {
		t.Fatalf("defaults: keep, nothing ignored; got %q", c.Mx.ManageUnknown)
	}
}

func TestUnmanagedKeysBad(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`manage_unknown = "delete"`, `ext.mxmigrate.manage_unknown must be "keep"`},
		{`manage_unknown = true`, `ext.mxmigrate.manage_unknown must be a string`},
		{`ignore = ["videos"]`, `ext.mxmigrate.ignore[0]: "videos" is not "<table>.<object>"`},
		{`ignore = ["videos.[ix"]`, `ext.mxmigrate.ignore[0]: "videos.[ix" is not a valid glob`},
		{`ignore = 3`, `ext.mxmigrate.ignore must be a list`},
		{`ignore = ["a.b", 4]`, `ext.mxmigrate.ignore[1] must be a string`},
	} {
		dir := t.TempDir()
		path := write(t, filepath.Join(dir, "metaxy.toml"), base+"\n[ext.mxmigrate]\n"+tc.body+"\n")
		_, err := Load(Options{WorkDir: dir})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: got %v, want an error naming %s and %q", tc.body, err, path, tc.want)
		}
	}
}
