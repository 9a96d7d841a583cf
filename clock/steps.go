package clock

import (
	"sync"
	"time"
)

// Clock steps: the system clock can jump (NTP stepping it after a long
// drift, a virtual machine resumed, an operator's date command). Timestamps
// follow the clock, but rules about "how long since" should measure time
// that passed: after a step forward of a day every session would look a
// day idle. A clock that can tell its steps implements StepReporter, and
// SteppedSince lets those rules discount them.

// StepReporter is a clock that knows how far its time jumped forward
// (beyond the time that passed) after a moment.
type StepReporter interface {
	SteppedSince(t time.Time) time.Duration
}

// SteppedSince is how far c's time jumped forward after t; 0 for a clock
// that cannot tell.
func SteppedSince(c Clock, t time.Time) time.Duration {
	if s, ok := c.(StepReporter); ok {
		return s.SteppedSince(t)
	}
	return 0
}

// Step is one jump of a clock: at is its time just after, by how far
// (negative: back).
type Step struct {
	At time.Time
	By time.Duration
}

// stepThreshold is the difference between the clock's and the monotonic
// clock's progress that counts as a step; slewing by NTP stays far below.
const stepThreshold = 30 * time.Second

// keepSteps is how long steps are remembered: longer than any timeout that
// discounts them (the absolute session lifetime).
const keepSteps = 45 * 24 * time.Hour

// steps is a list of remembered steps.
type steps struct{ list []Step }

func (s *steps) add(st Step) {
	s.list = append(s.list, st)
	for len(s.list) > 0 && (st.At.Sub(s.list[0].At) > keepSteps || len(s.list) > 100) {
		s.list = s.list[1:]
	}
}

func (s *steps) forwardSince(t time.Time) time.Duration {
	var d time.Duration
	for _, st := range s.list {
		if st.By > 0 && st.At.After(t) {
			d += st.By
		}
	}
	return d
}

// Watched wraps a wall clock and notices its steps by comparing how far it
// moved with how far Go's monotonic clock did between two readings.
type Watched struct {
	base   Clock
	onStep func(Step)

	mu    sync.Mutex
	wall  time.Time // base's time at the last reading, monotonic part stripped
	mono  time.Time // time.Now() at the last reading, for its monotonic part
	steps steps
}

// Watch returns base watched for steps; onStep, when not nil, is called
// for each (to log it), outside any lock.
func Watch(base Clock, onStep func(Step)) *Watched {
	return &Watched{base: base, onStep: onStep}
}

// Now returns the base clock's time, noting a step since the last reading.
func (w *Watched) Now() time.Time {
	now := w.base.Now()
	mono := time.Now()
	wall := now.Round(0)
	var step *Step
	w.mu.Lock()
	if !w.mono.IsZero() {
		if d := wall.Sub(w.wall) - mono.Sub(w.mono); d > stepThreshold || d < -stepThreshold {
			step = &Step{At: wall, By: d}
			w.steps.add(*step)
		}
	}
	w.wall, w.mono = wall, mono
	w.mu.Unlock()
	if step != nil && w.onStep != nil {
		w.onStep(*step)
	}
	return now
}

// SteppedSince is how far the clock jumped forward after t.
func (w *Watched) SteppedSince(t time.Time) time.Duration {
	w.Now() // a step since the last reading counts too
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.steps.forwardSince(t)
}
