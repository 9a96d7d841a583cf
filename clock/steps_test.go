package clock

import (
	"testing"
	"time"
)

// TestWatchedNoticesSteps reads a wall clock that is stepped without time
// passing (a Manual base set by hand): Watched records each step beyond
// the threshold, SteppedSince counts only those forward after a moment,
// and moves within the threshold (NTP slewing) are no step.
func TestWatchedNoticesSteps(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	base := NewManual(t0)
	var seen []Step
	w := Watch(base, func(s Step) { seen = append(seen, s) })
	w.Now()

	t.Run("a step back of an hour is noted, and is no step forward", func(t *testing.T) {
		base.Set(t0.Add(-time.Hour))
		if got := w.Now(); !got.Equal(t0.Add(-time.Hour)) {
			t.Fatalf("Now() = %v: the watched clock must tell the base's time", got)
		}
		if len(seen) != 1 || seen[0].By > -time.Hour+stepThreshold || seen[0].By < -time.Hour-stepThreshold {
			t.Fatalf("steps %v", seen)
		}
		if d := w.SteppedSince(t0.Add(-2 * time.Hour)); d != 0 {
			t.Fatalf("SteppedSince = %v after a step back", d)
		}
	})
	t.Run("a step forward of a day is counted after moments before it", func(t *testing.T) {
		before := w.Now()
		base.Set(before.Add(24 * time.Hour))
		if d := w.SteppedSince(before); d < 24*time.Hour-stepThreshold || d > 24*time.Hour+stepThreshold {
			t.Fatalf("SteppedSince(before) = %v, want about a day", d)
		}
		if d := w.SteppedSince(before.Add(25 * time.Hour)); d != 0 {
			t.Fatalf("SteppedSince(after the step) = %v", d)
		}
		if len(seen) != 2 {
			t.Fatalf("steps %v", seen)
		}
	})
	t.Run("a drift below the threshold is no step", func(t *testing.T) {
		base.Set(w.Now().Add(stepThreshold / 2))
		w.Now()
		if len(seen) != 2 {
			t.Fatalf("steps %v", seen)
		}
	})
	t.Run("a manual clock's Jump is reported the same way", func(t *testing.T) {
		m := NewManual(t0)
		m.Jump(-time.Hour)
		m.Jump(24 * time.Hour)
		if d := SteppedSince(m, t0.Add(-2*time.Hour)); d != 24*time.Hour {
			t.Fatalf("SteppedSince = %v", d)
		}
		if d := SteppedSince(System{}, t0); d != 0 {
			t.Fatalf("the system clock alone cannot tell steps: %v", d)
		}
	})
}
