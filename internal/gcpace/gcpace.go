package gcpace

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

const (
	// Headroom is what the heap may grow past its live bytes before the
	// next collection.
	Headroom = 4 << 20
	// MinPercent bounds the collector's work where what is live is large.
	MinPercent = 20
	maxPercent = 100
)

// Start paces the collector from now until the returned stop is called.
// It leaves an explicitly set GOGC alone (the environment wins).
func Start() (stop func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	var stopped atomic.Bool
	arm(&stopped)
	return func() {
		stopped.Store(true)
		debug.SetGCPercent(maxPercent)
	}
}

// arm attaches the pacing to the next collection: a finalizer runs once
// the object it is set on is collected, and sets itself again.
func arm(stopped *atomic.Bool) {
	sentinel := new([16]byte)
	runtime.SetFinalizer(sentinel, func(*[16]byte) {
		if stopped.Load() {
			return
		}
		debug.SetGCPercent(Percent(live()))
		arm(stopped)
	})
}

// Percent is the GOGC that lets a heap of live bytes grow by Headroom.
func Percent(live uint64) int {
	if live == 0 {
		return maxPercent
	}
	return int(min(max(Headroom*100/live, MinPercent), maxPercent))
}

var sample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}

// live is the heap the last collection marked live.
func live() uint64 {
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}
