//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || windows)

package generator

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// lockDir creates LockFile in the directory exclusively, waiting up to a
// minute for another run to remove it: the portable fallback where neither
// flock nor LockFileEx exists.
func lockDir(dir string) (func(), error) {
	p := filepath.Join(dir, LockFile)
	deadline := time.Now().Add(time.Minute)
	for {
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			f.Close()
			return func() { os.Remove(p) }, nil
		}
		if !errors.Is(err, os.ErrExist) || time.Now().After(deadline) {
			return nil, fmt.Errorf("lock %s: %w (remove %s if no mxmigrate runs)", dir, err, p)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
