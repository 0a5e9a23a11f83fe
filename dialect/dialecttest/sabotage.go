package dialecttest

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/mxmigrate/mxmigrate/internal/testhook"
)

// Recorder is a testing.TB that records failures instead of reporting them
// to the test it wraps (which still provides TempDir, Cleanup, Helper and
// Log): a test runs a check of the kit on it to assert that the check fails.
type Recorder struct {
	testing.TB
	mu       sync.Mutex
	failed   bool
	messages []string
}

func (r *Recorder) record(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	if msg != "" {
		r.messages = append(r.messages, msg)
	}
}

// Error records a failure.
func (r *Recorder) Error(args ...any) { r.record(strings.TrimSuffix(fmt.Sprintln(args...), "\n")) }

// Errorf records a failure.
func (r *Recorder) Errorf(format string, args ...any) { r.record(fmt.Sprintf(format, args...)) }

// Fail records a failure.
func (r *Recorder) Fail() { r.record("") }

// FailNow records a failure and ends the check (its goroutine).
func (r *Recorder) FailNow() { r.record(""); runtime.Goexit() }

// Fatal records a failure and ends the check.
func (r *Recorder) Fatal(args ...any) { r.Error(args...); runtime.Goexit() }

// Fatalf records a failure and ends the check.
func (r *Recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...); runtime.Goexit() }

// Skip counts as a failure: a check that skips has not passed.
func (r *Recorder) Skip(args ...any) {
	r.Error(append([]any{"skipped:"}, args...)...)
	runtime.Goexit()
}

// Skipf counts as a failure.
func (r *Recorder) Skipf(format string, args ...any) {
	r.Errorf("skipped: "+format, args...)
	runtime.Goexit()
}

// SkipNow counts as a failure.
func (r *Recorder) SkipNow() { r.record("skipped"); runtime.Goexit() }

// Skipped is always false: a skip is recorded as a failure.
func (r *Recorder) Skipped() bool { return false }

// Failed reports whether a failure was recorded.
func (r *Recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

// Messages returns the failures' messages.
func (r *Recorder) Messages() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.messages...)
}

// Record runs check on a Recorder wrapping t, on a goroutine of its own
// (FailNow ends it), and returns the Recorder when check has returned.
func Record(t testing.TB, check func(testing.TB)) *Recorder {
	r := &Recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		check(r)
	}()
	<-done
	return r
}

// Sabotage is a plan rewritten to lose data in a way the kit must catch.
type Sabotage struct {
	Name string
	// Rewrite returns a statement of the dialect's plans changed where the
	// sabotage applies, unchanged elsewhere (testhook.RewriteStatement's
	// function, for this dialect). direction is "up" or "down".
	Rewrite func(direction, sql string) string
	// Want is what the kit's failure must name ("videos.created"): a value
	// check (ValuesDiffer) on that column, not some other failure.
	Want string
}

// CatchesSabotage runs Transitions on a Recorder, first as the dialect plans
// it, which must pass, then once per sabotage installed as
// testhook.RewriteStatement, which must rewrite at least one statement and
// make the kit fail on a value check naming the sabotage's Want.
func CatchesSabotage(t *testing.T, h Harness, sabotages []Sabotage) {
	t.Run("none", func(t *testing.T) {
		if r := Record(t, func(tb testing.TB) { Transitions(tb, h) }); r.Failed() {
			t.Fatalf("the kit fails without sabotage:\n%s", strings.Join(r.Messages(), "\n"))
		}
	})
	for _, s := range sabotages {
		t.Run(s.Name, func(t *testing.T) {
			var mu sync.Mutex
			hits := 0
			testhook.RewriteStatement = func(dialect, direction, sql string) string {
				if dialect != h.Dialect.Name() {
					return sql
				}
				out := s.Rewrite(direction, sql)
				if out != sql {
					mu.Lock()
					hits++
					mu.Unlock()
				}
				return out
			}
			defer func() { testhook.RewriteStatement = nil }()
			r := Record(t, func(tb testing.TB) { Transitions(tb, h) })
			testhook.RewriteStatement = nil
			if hits == 0 {
				t.Fatalf("sabotage %q rewrote no statement: it tests nothing", s.Name)
			}
			if !r.Failed() {
				t.Fatalf("the kit passed plans sabotaged by %q (%d statements rewritten)", s.Name, hits)
			}
			for _, m := range r.Messages() {
				if strings.Contains(m, ValuesDiffer) && strings.Contains(m, s.Want) {
					t.Logf("caught: %s", m)
					return
				}
			}
			t.Errorf("the kit failed on %q, but no value check names %s:\n%s", s.Name, s.Want, strings.Join(r.Messages(), "\n"))
		})
	}
}
