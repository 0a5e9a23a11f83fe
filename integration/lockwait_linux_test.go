//go:build linux

package integration

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// waitForBlockedFlock returns once a process waits to flock dir (the
// kernel lists the blocked request, "-> FLOCK", on dir's device and inode
// in /proc/locks); it fails the test if done reports first that the command
// ended without waiting.
func waitForBlockedFlock(t *testing.T, dir string, done <-chan result) {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat(dir, &st); err != nil {
		t.Fatal(err)
	}
	file := fmt.Sprintf(" %02x:%02x:%d ", unix.Major(st.Dev), unix.Minor(st.Dev), st.Ino)
	for {
		b, err := os.ReadFile("/proc/locks")
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, "-> FLOCK") && strings.Contains(line, file) {
				return
			}
		}
		select {
		case r := <-done:
			t.Fatalf("the command ended without waiting for the directory's lock: %+v", r)
		default:
			time.Sleep(10 * time.Millisecond) // polls the kernel's state; no order of events depends on it
		}
	}
}
