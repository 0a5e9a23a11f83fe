package generator

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/golang-migrate/migrate/v4/source"
)

// SumFile is the manifest's file name inside a migrations directory.
const SumFile = "mxmigrate.sum"

// File is one migration: a version with its up and down files.
type File struct {
	Version uint64
	// Digits is the version as written (its width matters for numbering).
	Digits string
	Name   string
	Up     string // path
	Down   string // path
}

// Base is "<version>_<name>".
func (f File) Base() string { return f.Digits + "_" + f.Name }

// Dir is a migrations directory as found on disk.
type Dir struct {
	Path  string
	Files []File // by version
	Sum   *Sum   // nil when the directory has no manifest
}

var fileRE = regexp.MustCompile(`^([0-9]+)_(.*)\.(up|down)\.sql$`)

// ReadDir reads a migrations directory. A missing directory is empty.
// Two migrations with one version (a merge of two branches) are an error, and
// so is any file golang-migrate would take for a migration that is not a
// <version>_<name>.up.sql or .down.sql file: golang-migrate reads every
// <version>_<name>.up.<extension> (".up.SQL", ".up.psql", an editor's
// ".up.sql~"), so such a file would run unrecorded, or make golang-migrate
// fail with "duplicate migration file" without saying which.
func ReadDir(path string) (*Dir, error) {
	d := &Dir{Path: path}
	entries, err := os.ReadDir(path)
	if os.IsNotExist(err) {
		return d, nil
	}
	if err != nil {
		return nil, err
	}
	byVersion := map[uint64]*File{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		m := fileRE.FindStringSubmatch(e.Name())
		if m == nil {
			if mg, err := source.DefaultParse(e.Name()); err == nil {
				return nil, &StrayError{Path: filepath.Join(path, e.Name()), Version: mg.Version}
			}
			continue
		}
		v, err := strconv.ParseUint(m[1], 10, 64)
		if err == nil && v > math.MaxInt64 {
			err = strconv.ErrRange // golang-migrate and the migrations table keep a signed 64-bit version
		}
		if err != nil {
			return nil, fmt.Errorf("%s: version %s is too large", filepath.Join(path, e.Name()), m[1])
		}
		f := byVersion[v]
		if f == nil {
			f = &File{Version: v, Digits: m[1], Name: m[2]}
			byVersion[v] = f
		}
		if f.Name != m[2] || f.Digits != m[1] {
			return nil, fmt.Errorf("%s: two migrations have version %d (%s_%s and %s_%s), as after merging two branches; renumber one (delete it and run generate again after applying the other)",
				path, v, f.Digits, f.Name, m[1], m[2])
		}
		p := filepath.Join(path, e.Name())
		if m[3] == "up" {
			f.Up = p
		} else {
			f.Down = p
		}
	}
	for _, f := range byVersion {
		if f.Up == "" || f.Down == "" {
			return nil, fmt.Errorf("%s: migration %s has no %s file", path, f.Base(), map[bool]string{true: "up", false: "down"}[f.Up == ""])
		}
		d.Files = append(d.Files, *f)
	}
	sort.Slice(d.Files, func(i, j int) bool { return d.Files[i].Version < d.Files[j].Version })
	sum, err := ReadSum(filepath.Join(path, SumFile))
	if err != nil {
		return nil, err
	}
	d.Sum = sum
	return d, nil
}

// Latest returns the highest version, or 0 when the directory is empty.
func (d *Dir) Latest() uint64 {
	if len(d.Files) == 0 {
		return 0
	}
	return d.Files[len(d.Files)-1].Version
}

// Find returns the migration with version v.
func (d *Dir) Find(v uint64) (File, bool) {
	for _, f := range d.Files {
		if f.Version == v {
			return f, true
		}
	}
	return File{}, false
}

// StrayError is a file golang-migrate would run as a migration that is not
// one of mxmigrate's .up.sql / .down.sql files.
type StrayError struct {
	Path    string
	Version uint
}

func (e *StrayError) Error() string {
	return fmt.Sprintf("%s: golang-migrate would take this file for migration %d (it reads <version>_<name>.up.<any extension>), and mxmigrate records only .up.sql and .down.sql files: "+
		"remove it (an editor backup or merge leftover?), or if it is a migration you wrote, name it <version>_<name>.up.sql / .down.sql and record it with `mxmigrate rehash`",
		e.Path, e.Version)
}

// Next returns the first migration newer than version v (-1: the first).
func (d *Dir) Next(v int64) (File, bool) {
	for _, f := range d.Files {
		if int64(f.Version) > v {
			return f, true
		}
	}
	return File{}, false
}

// Prev returns the migration before version v.
func (d *Dir) Prev(v uint64) (File, bool) {
	var out File
	found := false
	for _, f := range d.Files {
		if f.Version >= v {
			break
		}
		out, found = f, true
	}
	return out, found
}

// FileHash hashes a migration's up and down files.
func FileHash(f File) (string, error) {
	// streamed: a setup file of 10,000 tables is 12 MB, which the hash
	// need not hold
	var parts []io.Reader
	for _, path := range []string{f.Up, f.Down} {
		file, err := os.Open(path)
		if err != nil {
			return "", err
		}
		defer file.Close()
		parts = append(parts, file)
	}
	return hashParts(parts...)
}

// ReadVerified reads a migration's up and down files once and checks them
// against the hash mxmigrate.sum records, so that what runs is exactly what
// was checked, even if the files change after the directory was read.
func (d *Dir) ReadVerified(f File) (up, down []byte, err error) {
	if up, err = os.ReadFile(f.Up); err != nil {
		return nil, nil, err
	}
	if down, err = os.ReadFile(f.Down); err != nil {
		return nil, nil, err
	}
	if d.Sum == nil {
		return nil, nil, fmt.Errorf("%s: no %s records this migration", f.Up, SumFile)
	}
	for _, e := range d.Sum.Entries {
		if e.Version == f.Version {
			if e.Hash != hashBytes(up, down) {
				return nil, nil, fmt.Errorf("%s or its down file is not what %s records (its hash differs: edited by hand, or changed while this run read the directory); nothing of it ran: review the change, then `mxmigrate rehash` and run again", f.Up, SumFile)
			}
			return up, down, nil
		}
	}
	return nil, nil, fmt.Errorf("%s: no %s entry records version %d", f.Up, SumFile, f.Version)
}

func hashBytes(parts ...[]byte) string {
	rs := make([]io.Reader, len(parts))
	for i, p := range parts {
		rs[i] = bytes.NewReader(p)
	}
	h, _ := hashParts(rs...) // reading bytes does not fail
	return h
}

// hashParts is the manifest's hash of parts: each read whole, a zero byte
// between them (FileHash and hashBytes share it, so that a file written
// and the same file read back hash alike).
func hashParts(parts ...io.Reader) (string, error) {
	h := sha256.New()
	for i, p := range parts {
		if i > 0 {
			h.Write([]byte{0})
		}
		if _, err := io.Copy(h, p); err != nil {
			return "", err
		}
	}
	return hashSum(h), nil
}

func hashSum(h hash.Hash) string { return "h1:" + base64.StdEncoding.EncodeToString(h.Sum(nil)) }

// Identity is what a directory's DDL is specific to.
type Identity struct {
	Dialect     string
	TablePrefix string
}

// MismatchError says a directory belongs to another dialect or prefix.
type MismatchError struct {
	Dir       string
	Have      Identity
	Want      Identity
	EnvName   string
	Suggested string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("migrations directory %s holds DDL for dialect %s with table_prefix %q, but environment %s is dialect %s with table_prefix %q; give it its own directory in metaxy.toml:\n\n[ext.mxmigrate.environments.%q]\ndir = %q",
		e.Dir, e.Have.Dialect, e.Have.TablePrefix, e.EnvName, e.Want.Dialect, e.Want.TablePrefix, e.EnvName, e.Suggested)
}

// Verify checks the directory against its manifest and the environment's
// identity: every file recorded with its hash, nothing edited, nothing missing.
// rehash is the command that accepts intended edits.
func (d *Dir) Verify(id Identity, envName, suggestedDir, rehash string) error {
	if d.Sum == nil {
		if len(d.Files) > 0 {
			return fmt.Errorf("%s has migrations but no %s; if they are yours, record them with `%s`", d.Path, SumFile, rehash)
		}
		return nil
	}
	if d.Sum.Dialect != id.Dialect || d.Sum.TablePrefix != id.TablePrefix {
		return &MismatchError{Dir: d.Path, Have: Identity{d.Sum.Dialect, d.Sum.TablePrefix}, Want: id, EnvName: envName, Suggested: suggestedDir}
	}
	if d.Sum.Corrupt {
		return fmt.Errorf("%s: the manifest's checksum does not match its lines (edited by hand, or merged from two branches); regenerate the conflicting migration, or accept the directory as it is with `%s`", filepath.Join(d.Path, SumFile), rehash)
	}
	recorded := map[uint64]SumEntry{}
	for _, e := range d.Sum.Entries {
		recorded[e.Version] = e
	}
	for _, f := range d.Files {
		e, ok := recorded[f.Version]
		if !ok {
			return fmt.Errorf("%s is not recorded in %s (written by hand, or merged from another branch); review it, then record it with `%s`", f.Up, SumFile, rehash)
		}
		h, err := FileHash(f)
		if err != nil {
			return err
		}
		if h != e.Hash {
			return fmt.Errorf("%s or its down file was changed after mxmigrate wrote it (hash differs from %s); if the edit is intended, record it with `%s`", f.Up, SumFile, rehash)
		}
		delete(recorded, f.Version)
	}
	for _, e := range d.Sum.Entries {
		if _, missing := recorded[e.Version]; missing {
			return fmt.Errorf("%s records migration %s, whose files are missing from %s", SumFile, e.Base(), d.Path)
		}
	}
	return nil
}

// Managed returns the tables this directory's migrations created and did not
// drop again, replayed in version order.
func (d *Dir) Managed() []string { return d.ManagedUpTo(math.MaxUint64) }

// ManagedUpTo is Managed of the migrations up to version v.
func (d *Dir) ManagedUpTo(v uint64) []string {
	if d.Sum == nil {
		return nil
	}
	live := map[string]bool{}
	for _, e := range d.Sum.Entries {
		if e.Version > v {
			continue
		}
		for _, t := range e.Creates {
			live[t] = true
		}
		for _, t := range e.Drops {
			delete(live, t)
		}
	}
	out := make([]string, 0, len(live))
	for t := range live {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Creates are the tables mxmigrate.sum records the migration of version v
// to create.
func (d *Dir) Creates(v uint64) []string {
	if d.Sum == nil {
		return nil
	}
	for _, e := range d.Sum.Entries {
		if e.Version == v {
			return e.Creates
		}
	}
	return nil
}

// Slug turns a message into a file-name part: lower case, [a-z0-9_] only.
func Slug(msg string) string {
	var b strings.Builder
	lastUnderscore := true
	for _, r := range strings.ToLower(msg) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			lastUnderscore = false
		} else if !lastUnderscore {
			b.WriteByte('_')
			lastUnderscore = true
		}
	}
	s := strings.Trim(b.String(), "_")
	if len(s) > 60 {
		s = strings.TrimRight(s[:60], "_")
	}
	if s == "" {
		s = "migration"
	}
	return s
}
