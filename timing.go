package mxmigrate

import "time"

// Timing is the duration of one phase of a plan.
type Timing struct {
	Phase    string
	Duration time.Duration
}

// stopwatch times the phases of a plan, one after the other.
type stopwatch struct {
	last    time.Time
	timings []Timing
}

func newStopwatch() *stopwatch { return &stopwatch{last: time.Now()} }

func (s *stopwatch) lap(phase string) {
	now := time.Now()
	s.timings = append(s.timings, Timing{phase, now.Sub(s.last)})
	s.last = now
}
