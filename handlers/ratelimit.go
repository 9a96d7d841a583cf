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
		e := apperr.New(apperr.TooMany, "Too many attempts. Please wait %d minutes and try again.", int(math.Ceil(wait.Minutes())))
		e.RetryAfter = wait
		return e
	}
	return nil
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
	if w == nil || r.clock.Now().Sub(w.start) >= l.Window {
		return nil
	}
	return w
}

// sweep drops expired windows once a minute so the map stays small.
func (r *rateLimiter) sweep() {
	now := r.clock.Now()
	if now.Sub(r.lastSweep) < time.Minute {
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
