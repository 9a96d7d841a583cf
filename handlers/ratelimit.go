package handlers

import (
	"fmt"
	"math"
	"sync"
	"time"

	"mintedmind/apperr"
	"mintedmind/clock"
)

// rateLimiter counts events per key in fixed windows, in memory. It guards
// sign-in, sign-up and password reset by account and by client address;
// a restart forgets the counts, which is acceptable for these limits.
type rateLimiter struct {
	clock     clock.Clock
	mu        sync.Mutex
	counts    map[string]*window
	lastSweep time.Time
}

type window struct {
	start time.Time
	last  time.Time // of the latest event
	n     int
	span  time.Duration
}

func newRateLimiter(c clock.Clock) *rateLimiter {
	return &rateLimiter{clock: c, counts: map[string]*window{}}
}

// check returns a too-many error when key has used up its limit.
func (r *rateLimiter) check(key string, l Limit) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.current(key, l)
	if w != nil && w.n >= l.Max {
		wait := w.start.Add(l.Window).Sub(r.clock.Now())
		return tooMany(wait, "")
	}
	return nil
}

// slow is check for a limit that slows down rather than stops: past
// l.Max events in the window, one more is let through every
// l.Window/l.Max after the latest (about as many again in the window).
func (r *rateLimiter) slow(key string, l Limit, why string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.current(key, l)
	if w == nil || w.n < l.Max {
		return nil
	}
	if wait := w.last.Add(l.Window / time.Duration(max(l.Max, 1))).Sub(r.clock.Now()); wait > 0 {
		return tooMany(wait, why)
	}
	return nil
}

// tooMany is the answer to an attempt over a limit, to be tried again
// after wait; why, when given, follows the first sentence.
func tooMany(wait time.Duration, why string) error {
	when := fmt.Sprintf("%d minutes", int(math.Ceil(wait.Minutes())))
	if wait < 2*time.Minute {
		when = fmt.Sprintf("%d seconds", int(math.Ceil(wait.Seconds())))
	}
	if why != "" {
		why = " " + why
	}
	e := apperr.New(apperr.TooMany, "Too many attempts.%s Please wait %s and try again.", why, when)
	e.RetryAfter = wait
	return e
}

// hit counts one event for key.
func (r *rateLimiter) hit(key string, l Limit) {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.current(key, l)
	if w == nil {
		w = &window{start: r.clock.Now(), span: l.Window}
		r.counts[key] = w
	}
	w.n++
	w.last = r.clock.Now()
	r.sweep()
}

// take checks and counts in one step.
func (r *rateLimiter) take(key string, l Limit) error {
	if err := r.check(key, l); err != nil {
		return err
	}
	r.hit(key, l)
	return nil
}

// reset forgets key, after a successful sign-in.
func (r *rateLimiter) reset(key string) {
	r.mu.Lock()
	delete(r.counts, key)
	r.mu.Unlock()
}

func (r *rateLimiter) current(key string, l Limit) *window {
	w := r.counts[key]
	now := r.clock.Now()
	if w == nil || now.Sub(w.start) >= l.Window {
		return nil
	}
	if now.Before(w.start) {
		// The clock was stepped back: the window restarts now with its
		// count, rather than lasting until the clock catches up.
		w.start = now
		if now.Before(w.last) {
			w.last = now
		}
	}
	return w
}

// sweep drops expired windows once a minute so the map stays small.
func (r *rateLimiter) sweep() {
	now := r.clock.Now()
	if d := now.Sub(r.lastSweep); d >= 0 && d < time.Minute {
		return
	}
	r.lastSweep = now
	for k, w := range r.counts {
		if now.Sub(w.start) >= w.span {
			delete(r.counts, k)
		}
	}
}

func limitKey(kind, who string) string { return fmt.Sprintf("%s:%s", kind, who) }
