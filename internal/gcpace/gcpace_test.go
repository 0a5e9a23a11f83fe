package gcpace

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
)

func TestPercent(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 100},
		{2 << 20, 100}, // a small heap keeps the default
		{4 << 20, 100}, // the headroom is the heap itself
		{8 << 20, 50},  // live + 4 MB
		{20 << 20, 20}, // 10,000 tables: never below MinPercent
		{1 << 30, 20},
	} {
		if got := Percent(c.live); got != c.want {
			t.Errorf("Percent(%d MB) = %d, want %d", c.live>>20, got, c.want)
		}
	}
}

// TestPaces holds 40 MB live and waits, collection by collection, for the
// pacing to set GOGC from it (the finalizer runs after a collection, on
// its own goroutine: the test reads the runtime's own setting, no clock).
func TestPaces(t *testing.T) {
	if v, ok := os.LookupEnv("GOGC"); ok {
		t.Setenv("GOGC", v) // restored after the test
		os.Unsetenv("GOGC")
	}
	held := make([][]byte, 40)
	for i := range held {
		held[i] = make([]byte, 1<<20)
	}
	stop := Start()
	defer stop()
	want := Percent(40 << 20)
	got := 100
	for i := 0; i < 1000 && got == 100; i++ {
		runtime.GC()
		runtime.Gosched()
		got = debug.SetGCPercent(100)
		debug.SetGCPercent(got)
	}
	runtime.KeepAlive(held)
	if got > want+5 || got < want-5 {
		t.Fatalf("GOGC is %d with 40 MB live, want about %d", got, want)
	}
	stop()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("after stop GOGC is %d, want 100", got)
	}
}

func TestEnvironmentWins(t *testing.T) {
	t.Setenv("GOGC", "100")
	held := make([]byte, 40<<20)
	stop := Start()
	defer stop()
	for i := 0; i < 20; i++ {
		runtime.GC()
		runtime.Gosched()
	}
	runtime.KeepAlive(held)
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC set in the environment: pacing changed it to %d", got)
	}
}
