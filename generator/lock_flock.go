//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package generator

import (
	"fmt"
	"syscall"
)

// lockDir takes an exclusive flock on the directory itself, so that two
// generate runs on one machine number their files one after the other. It
// leaves no file behind.
func lockDir(dir string) (func(), error) {
	fd, err := syscall.Open(dir, syscall.O_RDONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	if err := syscall.Flock(fd, syscall.LOCK_EX); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	return func() {
		syscall.Flock(fd, syscall.LOCK_UN)
		syscall.Close(fd)
	}, nil
}
