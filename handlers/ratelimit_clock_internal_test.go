package handlers

import (
	"errors"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/clock"
)

// TestClockStepsRateLimits steps the clock under a used-up limit (issue 26
// point 5): back an hour, the limit still holds and asks for no longer
// than its window (not the window plus the hour); forward a day, the
// window is over and the count starts again from nothing, limited anew.
func TestClockStepsRateLimits(t *testing.T) {
	t.Parallel()
	limit := Limit{Max: 5, Window: 15 * time.Minute}
	retryAfter := func(err error) time.Duration {
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Code != apperr.TooMany {
			t.Fatalf("want a too-many answer, got %v", err)
		}
		return ae.RetryAfter
	}
	useUp := func(t *testing.T, r *rateLimiter, key string) {
		t.Helper()
		for i := 0; i < limit.Max; i++ {
			if err := r.take(key, limit); err != nil {
				t.Fatalf("attempt %d refused: %v", i+1, err)
			}
		}
		retryAfter(r.take(key, limit))
	}

	t.Run("a step back of an hour keeps the limit, for at most its window", func(t *testing.T) {
		clk := clock.NewManual(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
		r := newRateLimiter(clk)
		useUp(t, r, "login:a")
		clk.Jump(-time.Hour)
		if wait := retryAfter(r.take("login:a", limit)); wait <= 0 || wait > limit.Window {
			t.Fatalf("wait %v after the step back, want within (0, %v]", wait, limit.Window)
		}
		clk.Advance(limit.Window) // a window of real time later it is free again
		if err := r.take("login:a", limit); err != nil {
			t.Fatalf("still refused a window after the step back: %v", err)
		}
	})
	t.Run("the slowing limit stays slow after a step back", func(t *testing.T) {
		clk := clock.NewManual(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
		r := newRateLimiter(clk)
		for i := 0; i < limit.Max; i++ {
			r.hit("stranger:a", limit)
		}
		clk.Jump(-time.Hour)
		if wait := retryAfter(r.slow("stranger:a", limit, "")); wait <= 0 || wait > limit.Window/time.Duration(limit.Max) {
			t.Fatalf("wait %v after the step back", wait)
		}
	})
	t.Run("a step forward of a day starts the count again, and it limits again", func(t *testing.T) {
		clk := clock.NewManual(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
		r := newRateLimiter(clk)
		useUp(t, r, "login:b")
		clk.Jump(24 * time.Hour)
		useUp(t, r, "login:b")
	})
	t.Run("other keys are unaffected by either step", func(t *testing.T) {
		clk := clock.NewManual(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
		r := newRateLimiter(clk)
		useUp(t, r, "login:c")
		clk.Jump(-time.Hour)
		if err := r.take("login:d", limit); err != nil {
			t.Fatal(err)
		}
		clk.Jump(24 * time.Hour)
		useUp(t, r, "login:d")
	})
}
