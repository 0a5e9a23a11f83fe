package generator

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var id = Identity{Dialect: "duckdb", TablePrefix: ""}

func write(t *testing.T, dir, name string, basedOn uint64) File {
	t.Helper()
	f, err := Write(dir, Migration{Name: name, Up: []byte("-- up " + name + "\n"), Down: []byte("-- down " + name + "\n"),
		Creates: []string{"t_" + name}, Identity: id, BasedOn: basedOn})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestWriteNumbersAndManifest(t *testing.T) {
	dir := t.TempDir()
	f1 := write(t, dir, "init", 0)
	f2 := write(t, dir, "two", 1)
	if filepath.Base(f1.Up) != "000001_init.up.sql" || filepath.Base(f2.Down) != "000002_two.down.sql" {
		t.Fatalf("names: %s %s", f1.Up, f2.Down)
	}
	d, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Verify(id, "dev:metaxy_features", "x", "rehash"); err != nil {
		t.Fatal(err)
	}
	if got := d.Managed(); strings.Join(got, ",") != "t_init,t_two" {
		t.Errorf("managed: %v", got)
	}
	// a plan made against an older directory is refused
	_, err = Write(dir, Migration{Name: "late", Up: []byte("x"), Down: []byte("y"), Identity: id, BasedOn: 1})
	if !errors.Is(err, ErrConcurrent) {
		t.Errorf("stale plan: %v", err)
	}
	// dialect/prefix mismatch names the config line to add
	err = d.Verify(Identity{Dialect: "postgresql", TablePrefix: "prod_"}, "prod:metaxy_features", "migrations/prod/features", "rehash")
	if err == nil || !strings.Contains(err.Error(), `[ext.mxmigrate.environments."prod:metaxy_features"]`) || !strings.Contains(err.Error(), `dir = "migrations/prod/features"`) {
		t.Errorf("mismatch: %v", err)
	}
}

func TestVerifyDetectsEditsAndStrangers(t *testing.T) {
	dir := t.TempDir()
	f := write(t, dir, "init", 0)
	os.WriteFile(f.Up, []byte("-- edited\n"), 0o644)
	d, _ := ReadDir(dir)
	if err := d.Verify(id, "e", "x", "mxmigrate rehash -n e"); err == nil || !strings.Contains(err.Error(), "changed after mxmigrate wrote it") {
		t.Errorf("edit: %v", err)
	}
	if _, err := Rehash(dir, id); err != nil {
		t.Fatal(err)
	}
	d, _ = ReadDir(dir)
	if err := d.Verify(id, "e", "x", "r"); err != nil {
		t.Errorf("after rehash: %v", err)
	}
	if strings.Join(d.Managed(), ",") != "t_init" {
		t.Errorf("rehash must keep tables: %v", d.Managed())
	}
	if _, err := Rehash(dir, Identity{Dialect: "postgresql"}); err == nil || !strings.Contains(err.Error(), "dialect duckdb") {
		t.Errorf("rehash for another dialect: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "000002_hand.up.sql"), []byte("select 1;"), 0o644)
	os.WriteFile(filepath.Join(dir, "000002_hand.down.sql"), []byte("select 1;"), 0o644)
	d, _ = ReadDir(dir)
	if err := d.Verify(id, "e", "x", "r"); err == nil || !strings.Contains(err.Error(), "not recorded") {
		t.Errorf("stranger: %v", err)
	}
	// two migrations with one version (merged branches)
	os.WriteFile(filepath.Join(dir, "000002_other.up.sql"), []byte("select 1;"), 0o644)
	if _, err := ReadDir(dir); err == nil || !strings.Contains(err.Error(), "two migrations have version 2") {
		t.Errorf("duplicate version: %v", err)
	}
	// a tampered manifest
	dir2 := t.TempDir()
	write(t, dir2, "init", 0)
	sp := filepath.Join(dir2, SumFile)
	b, _ := os.ReadFile(sp)
	os.WriteFile(sp, []byte(strings.Replace(string(b), `+"t_init"`, `+"t_other"`, 1)), 0o644)
	d, _ = ReadDir(dir2)
	if err := d.Verify(id, "e", "x", "r"); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("tampered manifest: %v", err)
	}
	// a missing down file
	dir3 := t.TempDir()
	os.WriteFile(filepath.Join(dir3, "000001_x.up.sql"), nil, 0o644)
	if _, err := ReadDir(dir3); err == nil || !strings.Contains(err.Error(), "no down file") {
		t.Errorf("missing down: %v", err)
	}
}

func TestConcurrentWritesNeverShareAVersion(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, errs[i] = Write(dir, Migration{Name: "m", Up: []byte{byte(i)}, Down: []byte{byte(i)}, Identity: id, BasedOn: 0})
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if !errors.Is(err, ErrConcurrent) {
			t.Errorf("unexpected error: %v", err)
		}
	}
	d, _ := ReadDir(dir)
	if ok != 1 || len(d.Files) != 1 {
		t.Errorf("%d writes succeeded, %d files", ok, len(d.Files))
	}
}

func TestUnixFormatAndWidth(t *testing.T) {
	dir := t.TempDir()
	now := func() time.Time { return time.Unix(1_800_000_000, 0) }
	f, err := Write(dir, Migration{Name: "a", Format: FormatUnix, Up: []byte("1"), Down: []byte("1"), Identity: id, Now: now})
	if err != nil || f.Digits != "1800000000" {
		t.Fatalf("%v %v", f, err)
	}
	f, err = Write(dir, Migration{Name: "b", Up: []byte("2"), Down: []byte("2"), Identity: id, BasedOn: f.Version, Now: now})
	if err != nil || f.Version != 1_800_000_001 {
		t.Fatalf("follows directory style, stays increasing: %v %v", f, err)
	}
	if _, err := Write(dir, Migration{Name: "c", Format: FormatSeq, Up: []byte("3"), Down: []byte("3"), Identity: id, BasedOn: f.Version}); err == nil {
		t.Error("mixing styles must fail")
	}
	// a directory numbered with 4 digits keeps 4 digits
	d4 := t.TempDir()
	os.WriteFile(filepath.Join(d4, "0001_x.up.sql"), []byte("u"), 0o644)
	os.WriteFile(filepath.Join(d4, "0001_x.down.sql"), []byte("d"), 0o644)
	Rehash(d4, id)
	f, err = Write(d4, Migration{Name: "y", Up: []byte("u"), Down: []byte("d"), Identity: id, BasedOn: 1})
	if err != nil || filepath.Base(f.Up) != "0002_y.up.sql" {
		t.Errorf("width: %v %v", f, err)
	}
}

func TestNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "000001_a.up.sql")
	os.WriteFile(p, []byte("mine"), 0o644)
	if err := createExclusive(p, []byte("theirs")); err == nil {
		t.Fatal("overwrote a file")
	}
	if b, _ := os.ReadFile(p); string(b) != "mine" {
		t.Error("content changed")
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{"Add videos!": "add_videos", "": "migration", "  --  ": "migration", "ÄÖ x": "x", "v2 frames/embeddings": "v2_frames_embeddings"} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q want %q", in, got, want)
		}
	}
}

func FuzzReadSum(f *testing.F) {
	s := &Sum{Dialect: "duckdb", TablePrefix: "p_", Entries: []SumEntry{{Version: 1, Digits: "000001", Name: "x", Hash: "h1:abc", Creates: []string{"a b"}, Drops: []string{`q"`}}}}
	f.Add(s.Marshal())
	f.Add([]byte("h1:x\ndialect duckdb\n000001_x h1:y +\"unterminated\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), SumFile)
		os.WriteFile(p, data, 0o644)
		got, err := ReadSum(p)
		if err != nil || got.Corrupt {
			return
		}
		// a manifest that reads back clean re-marshals to something that reads back equal
		os.WriteFile(p, got.Marshal(), 0o644)
		again, err := ReadSum(p)
		if err != nil || again.Corrupt || len(again.Entries) != len(got.Entries) {
			t.Fatalf("round trip: %v %+v", err, again)
		}
	})
}

// TestStrayFilesAreRefused: files golang-migrate would run (any extension)
// or trip over (editor backups) but mxmigrate does not record are errors
// naming them, in every command that reads the directory.
func TestStrayFilesAreRefused(t *testing.T) {
	for _, name := range []string{"000000_seed.up.SQL", "000002_x.up.psql", "000001_init.up.sql~", "000001_init.down.sql.orig"} {
		dir := t.TempDir()
		if _, err := Write(dir, Migration{Name: "init", Up: []byte("SELECT 1;\n"), Down: []byte("SELECT 2;\n"), Identity: Identity{Dialect: "duckdb"}}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte("DROP TABLE victim;\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadDir(dir)
		var se *StrayError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "rehash") {
			t.Errorf("%s: %v", name, err)
		}
		if _, err := Rehash(dir, Identity{Dialect: "duckdb"}); err == nil {
			t.Errorf("%s: rehash must not record a file golang-migrate reads differently", name)
		}
	}
	dir := t.TempDir()
	for _, name := range []string{"README.md", "notes.sql", ".mxmigrate.lock", "000001_x.UP.sql"} {
		os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644)
	}
	if _, err := ReadDir(dir); err != nil {
		t.Errorf("files golang-migrate ignores are allowed: %v", err)
	}
}

// TestReadVerified: the bytes a run applies are checked against the
// manifest when they are read, not only when the directory was listed.
func TestReadVerified(t *testing.T) {
	dir := t.TempDir()
	f, err := Write(dir, Migration{Name: "init", Up: []byte("SELECT 1;\n"), Down: []byte("SELECT 2;\n"), Identity: Identity{Dialect: "duckdb"}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if up, _, err := d.ReadVerified(f); err != nil || string(up) != "SELECT 1;\n" {
		t.Fatalf("%q %v", up, err)
	}
	os.WriteFile(f.Up, []byte("DROP TABLE victim;\n"), 0o644)
	if _, _, err := d.ReadVerified(f); err == nil || !strings.Contains(err.Error(), "is not what mxmigrate.sum records") {
		t.Errorf("a file changed after the check must not be handed out: %v", err)
	}
}
