package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mintedmind/handlers"
)

// Password-reset requests are limited twice: per client address (four
// times the per-account limit, whatever emails it asks for), with a 429,
// and per account, silently (the same answer, no more emails).
func TestPasswordResetRateLimits(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t, behindProxy, func(c *handlers.Config) { c.ResetLimit = handlers.Limit{Max: 2, Window: time.Hour} })
	a := e.mustSignup(t, "rlreset")
	from := func(ip string) *browser {
		c := e.newClient()
		c.headers["X-Forwarded-For"] = ip
		c.get("/forgot")
		return c
	}

	t.Run("one address asking for many emails gets 429 past four times the account limit", func(t *testing.T) {
		c := from("203.0.113.9")
		for i := range 8 {
			wantStatus(t, c.post("/forgot", url.Values{"email": {fmt.Sprintf("nobody%d@example.test", i)}}), http.StatusOK)
		}
		wantStatus(t, c.post("/forgot", url.Values{"email": {"nobody9@example.test"}}), http.StatusTooManyRequests)
		t.Run("another address is not limited", func(t *testing.T) {
			wantStatus(t, from("203.0.113.10").post("/forgot", url.Values{"email": {"nobody10@example.test"}}), http.StatusOK)
		})
	})

	t.Run("one account gets no more reset emails past its limit, from any address", func(t *testing.T) {
		e.flushMail(t)
		before := resetMails(e, a.OwnerEmail)
		for i := range 4 {
			res := from(fmt.Sprintf("198.51.100.%d", i+1)).post("/forgot", url.Values{"email": {a.OwnerEmail}})
			wantStatus(t, res, http.StatusOK)
			wantContains(t, res, "If an account exists")
		}
		e.flushMail(t)
		if got := resetMails(e, a.OwnerEmail) - before; got != 2 {
			t.Errorf("%d reset emails for 4 requests, want the limit's 2", got)
		}
	})
}

// resetMails counts the emails to `to` that carry a password-reset link.
func resetMails(e *env, to string) int {
	n := 0
	for _, m := range e.smtp.Messages() {
		for _, r := range m.To {
			if r == to && strings.Contains(m.Body, "/reset/") {
				n++
			}
		}
	}
	return n
}
