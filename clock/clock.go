// Package clock gives the code one notion of "now" that tests can set.
package clock

import (
	"sync"
	"time"
)

// Clock tells the current time.
type Clock interface {
	Now() time.Time
}

// System is the wall clock, in UTC.
type System struct{}

// Now returns the current UTC time.
func (System) Now() time.Time { return time.Now().UTC() }

// Manual is a clock that moves only when told; tests and the jobs command use it.
type Manual struct {
	mu    sync.Mutex
	now   time.Time
	steps steps // made by Jump
}

// NewManual returns a clock stopped at t.
func NewManual(t time.Time) *Manual { return &Manual{now: t.UTC()} }

// Now returns the clock's current time.
func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

// Set moves the clock to t.
func (m *Manual) Set(t time.Time) {
	m.mu.Lock()
	m.now = t.UTC()
	m.mu.Unlock()
}

// Advance moves the clock forward by d.
func (m *Manual) Advance(d time.Duration) {
	m.mu.Lock()
	m.now = m.now.Add(d)
	m.mu.Unlock()
}

// Jump moves the clock by d the way a system clock is stepped (NTP, a
// resumed virtual machine): its time changes but none passed, and
// SteppedSince reports a jump forward.
func (m *Manual) Jump(d time.Duration) {
	m.mu.Lock()
	m.now = m.now.Add(d)
	m.steps.add(Step{At: m.now, By: d})
	m.mu.Unlock()
}

// SteppedSince is how far Jump moved the clock forward after t.
func (m *Manual) SteppedSince(t time.Time) time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.steps.forwardSince(t)
}
