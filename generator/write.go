package generator

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Formats of version numbers.
const (
	FormatSeq  = "seq"  // 000001, 000002, ...
	FormatUnix = "unix" // Unix timestamps in seconds
)

// Migration is what Write puts into a directory.
type Migration struct {
	Name     string // slug
	Format   string // "", FormatSeq or FormatUnix; "" follows the directory
	Up, Down []byte
	Creates  []string
	Drops    []string
	Identity Identity
	// BasedOn is the directory's latest version the plan was computed
	// against; if another run added a version meanwhile, Write refuses.
	BasedOn uint64
	// Now gives the time for FormatUnix (default time.Now).
	Now func() time.Time
}

// ErrConcurrent is returned when another generate wrote a migration after
// this one read the directory.
var ErrConcurrent = errors.New("another `mxmigrate generate` wrote a migration into this directory meanwhile")

// Write adds a migration to the directory under an exclusive lock on it:
// never overwriting a file, and never leaving half a migration behind.
func Write(dirPath string, m Migration) (File, error) {
	unlock, err := Lock(dirPath)
	if err != nil {
		return File{}, err
	}
	defer unlock()
	return WriteLocked(dirPath, m)
}

// Lock creates the directory if needed and takes its exclusive lock, which
// Write and Rehash take too; unlock releases it. A generate that holds it
// from reading the directory to writing its files cannot read a migration
// another run is writing.
func Lock(dirPath string) (unlock func(), err error) {
	if err := os.MkdirAll(dirPath, 0o755); err != nil {
		return nil, err
	}
	return lockDir(dirPath)
}

// WriteLocked is Write for a caller that holds the directory's Lock.
func WriteLocked(dirPath string, m Migration) (File, error) {
	fs, err := WriteAllLocked(dirPath, []Migration{m})
	if err != nil {
		return File{}, err
	}
	return fs[0], nil
}

// WriteAllLocked adds migrations to the directory with consecutive versions
// (the files of one plan), all or none, for a caller that holds its Lock.
// ms[0].BasedOn is checked against the directory, and ms[0].Format and Now
// number them all.
func WriteAllLocked(dirPath string, ms []Migration) ([]File, error) {
	d, err := ReadDir(dirPath)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, nil
	}
	if d.Latest() != ms[0].BasedOn {
		return nil, fmt.Errorf("%w (its latest version is now %d, this plan was made at %d): apply it with `mxmigrate up`, then run generate again", ErrConcurrent, d.Latest(), ms[0].BasedOn)
	}
	sum := d.Sum
	if sum == nil {
		sum = &Sum{Dialect: ms[0].Identity.Dialect, TablePrefix: ms[0].Identity.TablePrefix}
	}
	files, err := d.Numbered(ms)
	if err != nil {
		return nil, err
	}
	var written []File
	undo := func() {
		for _, f := range written {
			os.Remove(f.Up)
			os.Remove(f.Down)
		}
	}
	for i, m := range ms {
		f := files[i]
		if err := createExclusive(f.Up, m.Up); err != nil {
			undo()
			return nil, err
		}
		if err := createExclusive(f.Down, m.Down); err != nil {
			os.Remove(f.Up)
			undo()
			return nil, err
		}
		written = append(written, f)
		sum.Entries = append(sum.Entries, SumEntry{Version: f.Version, Digits: f.Digits, Name: m.Name,
			Hash: hashBytes(m.Up, m.Down), Creates: m.Creates, Drops: m.Drops})
	}
	if err := WriteSum(dirPath, sum); err != nil {
		undo()
		return nil, err
	}
	return written, nil
}

// Numbered names the files that ms would be written as, with consecutive
// versions after the directory's latest (ms[0].Format and Now number them
// all), without writing them: what a dry run shows, and what
// WriteAllLocked writes.
func (d *Dir) Numbered(ms []Migration) ([]File, error) {
	next := *d
	next.Files = d.Files[:len(d.Files):len(d.Files)] // appends copy
	out := make([]File, 0, len(ms))
	for _, m := range ms {
		m.Format, m.Now = ms[0].Format, ms[0].Now
		version, digits, err := nextVersion(&next, m)
		if err != nil {
			return nil, err
		}
		f := File{Version: version, Digits: digits, Name: m.Name}
		f.Up = filepath.Join(d.Path, f.Base()+".up.sql")
		f.Down = filepath.Join(d.Path, f.Base()+".down.sql")
		out = append(out, f)
		next.Files = append(next.Files, f) // the next version follows this one
	}
	return out, nil
}

// WriteSum replaces the directory's manifest atomically.
func WriteSum(dirPath string, s *Sum) error {
	tmp, err := os.CreateTemp(dirPath, ".mxmigrate.sum.*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(s.Marshal()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dirPath, SumFile))
}

func createExclusive(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if os.IsExist(err) {
			return fmt.Errorf("%s already exists; mxmigrate never overwrites a migration", path)
		}
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

// Style returns the directory's numbering style ("" when it is empty).
func (d *Dir) Style() string {
	if len(d.Files) == 0 {
		return ""
	}
	if d.Latest() >= 1_000_000_000 {
		return FormatUnix
	}
	return FormatSeq
}

func nextVersion(d *Dir, m Migration) (uint64, string, error) {
	style := d.Style()
	format := m.Format
	if format == "" {
		format = style
	}
	if format == "" {
		format = FormatSeq
	}
	if style != "" && format != style {
		return 0, "", fmt.Errorf("%s numbers its migrations as %s; --format %s would mix styles", d.Path, style, format)
	}
	latest := d.Latest()
	switch format {
	case FormatSeq:
		width := 6
		if len(d.Files) > 0 {
			width = len(d.Files[len(d.Files)-1].Digits)
		}
		v := latest + 1
		return v, fmt.Sprintf("%0*d", width, v), nil
	case FormatUnix:
		now := time.Now
		if m.Now != nil {
			now = m.Now
		}
		v := uint64(now().Unix())
		if v <= latest {
			v = latest + 1
		}
		return v, strconv.FormatUint(v, 10), nil
	}
	return 0, "", fmt.Errorf("unknown --format %q (use seq or unix)", format)
}

// Rehash records the directory's files as they are now: existing entries keep
// the tables they create and drop; files new to the manifest are recorded
// with none (a hand-written migration's tables are not added to the scope).
func Rehash(dirPath string, id Identity) (*Sum, error) {
	unlock, err := lockDir(dirPath)
	if err != nil {
		return nil, err
	}
	defer unlock()
	d, err := ReadDir(dirPath)
	if err != nil {
		return nil, err
	}
	if d.Sum != nil && (d.Sum.Dialect != id.Dialect || d.Sum.TablePrefix != id.TablePrefix) {
		return nil, fmt.Errorf("%s holds DDL for dialect %s with table_prefix %q, not %s with %q: rehash records files as they are, it does not change whom they are for",
			dirPath, d.Sum.Dialect, d.Sum.TablePrefix, id.Dialect, id.TablePrefix)
	}
	old := map[uint64]SumEntry{}
	if d.Sum != nil {
		for _, e := range d.Sum.Entries {
			old[e.Version] = e
		}
	}
	s := &Sum{Dialect: id.Dialect, TablePrefix: id.TablePrefix}
	for _, f := range d.Files {
		h, err := FileHash(f)
		if err != nil {
			return nil, err
		}
		e := SumEntry{Version: f.Version, Digits: f.Digits, Name: f.Name, Hash: h}
		if o, ok := old[f.Version]; ok {
			e.Creates, e.Drops = o.Creates, o.Drops
		}
		s.Entries = append(s.Entries, e)
	}
	return s, WriteSum(dirPath, s)
}

// LockFile is the file that locks a directory where the directory itself
// cannot be locked (Windows, and systems without flock).
const LockFile = ".mxmigrate.lock"
