//go:build !linux

package integration

import "testing"

// waitForBlockedFlock needs Linux's /proc/locks to see a process wait for
// the directory's lock.
func waitForBlockedFlock(t *testing.T, dir string, done <-chan result) {
	t.Helper()
	t.Skip("waiting for a blocked flock is observed through Linux's /proc/locks")
}
