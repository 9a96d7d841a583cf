package handlers

import (
	"runtime"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Admission: at most a few requests run their handlers at once, and the
// rest wait their turn in the order they came. The pages are CPU work
// over SQLite, so two cores gain nothing from running 32 requests side by
// side, and letting them all in made them queue inside database/sql
// instead, whose waiters for a free connection are served in random
// order: under load a few requests waited many turns and the 99th
// percentile was twice the median. A channel's blocked senders are served
// first come, first served.

// DefaultActiveRequests is how many requests run at once unless
// Config.ActiveRequests says: four per CPU, the read pool of one agency's
// database twice over on two CPUs.
func DefaultActiveRequests() int { return 4 * runtime.GOMAXPROCS(0) }

// admitWait is how long a request waits for its turn before the answer is
// that the server is busy: long enough for a burst of slow requests (50
// sign-ups at once, each hashing a password and creating a database, take
// about 10 s under the race detector), well within the 60 s write timeout.
var admitWait = 30 * time.Second

// errBusy answers a request that waited admitWait without its turn.
var errBusy = fiber.NewError(fiber.StatusServiceUnavailable, "The server is busy. Try again in a moment.")

// admit runs the rest of the chain when a slot is free. Routes marked
// Unqueued (health checks, the metrics scrape, streamed uploads) are not
// given this middleware at all.
func (h *Handlers) admit(c *fiber.Ctx) error {
	if h.slots == nil {
		return c.Next()
	}
	select {
	case h.slots <- struct{}{}:
	default:
		wait := time.NewTimer(admitWait)
		select {
		case h.slots <- struct{}{}:
			wait.Stop()
		case <-wait.C:
			c.Set(fiber.HeaderRetryAfter, "5")
			return errBusy
		}
	}
	defer func() { <-h.slots }()
	return c.Next()
}
