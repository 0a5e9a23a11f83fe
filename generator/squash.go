package generator

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// SquashLocked replaces the directory's migrations up to and including
// version to with m, written at that version (its digits kept) and recorded
// in mxmigrate.sum in their place; later migrations stay as they are. The
// caller holds the directory's Lock and has checked the files against the
// manifest. It returns the file written and the ones it replaced. On an
// error the directory is as it was, as far as the file system lets it be
// put back.
func SquashLocked(dirPath string, to uint64, m Migration) (File, []File, error) {
	d, err := ReadDir(dirPath)
	if err != nil {
		return File{}, nil, err
	}
	last, ok := d.Find(to)
	if !ok {
		return File{}, nil, fmt.Errorf("%s has no migration %d", dirPath, to)
	}
	if d.Sum == nil {
		return File{}, nil, fmt.Errorf("%s has no %s: record the files with `mxmigrate rehash` first", dirPath, SumFile)
	}
	f := File{Version: to, Digits: last.Digits, Name: m.Name}
	f.Up = filepath.Join(dirPath, f.Base()+".up.sql")
	f.Down = filepath.Join(dirPath, f.Base()+".down.sql")

	// what is replaced, kept in memory to put back on an error
	var old []File
	saved := map[string][]byte{}
	for _, o := range d.Files {
		if o.Version > to {
			break
		}
		old = append(old, o)
		for _, p := range []string{o.Up, o.Down} {
			b, err := os.ReadFile(p)
			if err != nil {
				return File{}, nil, err
			}
			saved[p] = b
		}
	}
	sum := &Sum{Dialect: d.Sum.Dialect, TablePrefix: d.Sum.TablePrefix}
	sum.Entries = append(sum.Entries, SumEntry{Version: f.Version, Digits: f.Digits, Name: f.Name,
		Hash: hashBytes(m.Up, m.Down), Creates: m.Creates, Drops: m.Drops})
	for _, e := range d.Sum.Entries {
		if e.Version > to {
			sum.Entries = append(sum.Entries, e)
		}
	}

	// the new pair under names golang-migrate does not read, then the old
	// files out, the new ones in, the manifest last
	tmpUp, tmpDown := filepath.Join(dirPath, ".squash.up.sql.tmp"), filepath.Join(dirPath, ".squash.down.sql.tmp")
	os.Remove(tmpUp)
	os.Remove(tmpDown)
	defer os.Remove(tmpUp)
	defer os.Remove(tmpDown)
	if err := createExclusive(tmpUp, m.Up); err != nil {
		return File{}, nil, err
	}
	if err := createExclusive(tmpDown, m.Down); err != nil {
		return File{}, nil, err
	}
	restore := func(cause error) error {
		os.Remove(f.Up)
		os.Remove(f.Down)
		var errs []error
		for p, b := range saved {
			if err := os.WriteFile(p, b, 0o644); err != nil {
				errs = append(errs, err)
			}
		}
		if len(errs) > 0 {
			return fmt.Errorf("%w; putting the replaced files back failed too (restore them from version control): %v", cause, errors.Join(errs...))
		}
		return cause
	}
	for _, o := range old {
		if err := os.Remove(o.Up); err != nil {
			return File{}, nil, restore(err)
		}
		if err := os.Remove(o.Down); err != nil {
			return File{}, nil, restore(err)
		}
	}
	if err := os.Rename(tmpUp, f.Up); err != nil {
		return File{}, nil, restore(err)
	}
	if err := os.Rename(tmpDown, f.Down); err != nil {
		return File{}, nil, restore(err)
	}
	if err := WriteSum(dirPath, sum); err != nil {
		return File{}, nil, restore(err)
	}
	return f, old, nil
}
