package handlers

import (
	"bufio"
	"context"
	"errors"
	"net"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/auth"
	"mintedmind/live"
	"mintedmind/metrics"
)

// LiveStreams bounds the live-update streams (GET /a/:slug/live): how many
// one person (their tabs) and this machine may hold open, and how often a
// heartbeat goes down an idle stream so that proxies keep it. Zero fields
// take live's defaults.
type LiveStreams struct {
	PerPerson  int
	PerMachine int
	Heartbeat  time.Duration
}

// publishCase tells the open pages that may see case caseID that it
// changed. Call it after the change committed; it never fails the request
// (a notice that cannot be addressed is logged and dropped: the pages
// still show the change on their next load or poll).
//
// shared says the client's contacts may see the change (a client-visible
// message, a shared document, a status); inbox says the staff inbox
// counts change (a new request or a new message from the client).
func (h *Handlers) publishCase(ctx context.Context, r *Request, caseID string, kind live.Kind, shared, inbox bool) {
	if err := app.PublishCase(ctx, h.live, r.Tenant, caseID, kind, shared, inbox); err != nil {
		h.Log.Warn("live: address a notice", "agency", r.Agency.ID, "case", caseID, "err", err)
	}
}

// publish is publishCase for a handler that holds the fiber context.
func (h *Handlers) publish(c *fiber.Ctx, r *Request, caseID string, kind live.Kind, shared, inbox bool) {
	h.publishCase(c.UserContext(), r, caseID, kind, shared, inbox)
}

// The stream's wire format: an event named for what the page listens to
// (hx-trigger="sse:case-<id>", "sse:inbox"), its data the kind. Notices
// carry ids and kinds only; the page fetches what changed.
const (
	streamRetry   = "retry: 5000\n"  // the browser asks again this long after a quiet end (ms)
	streamOverCap = "retry: 30000\n" // over the cap: ask again in 30 s, and poll meanwhile
)

// LiveStream is GET /a/:slug/live: the signed-in tab's stream of live
// updates (Server-Sent Events). It carries only notices the person may
// see (live.Viewer.May), ends with "end" when the session is signed out
// or revoked, ends quietly at the session's idle or absolute deadline (the
// browser's next request is checked afresh), and over the cap answers
// "poll" so the page polls every 30 s instead.
func (h *Handlers) LiveStream(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	setStreamHeaders(c)
	sub, err := h.live.Subscribe(r.Agency.ID, r.Session.ID, streamTab(c.Query("tab")), live.Viewer{UserID: v.UserID, OwnOnly: v.OwnOnly, ClientID: v.ClientID})
	if errors.Is(err, live.ErrOverCap) {
		metrics.LiveStreamRefused()
		return c.SendString(streamOverCap + "event: poll\ndata: over-cap\n\n")
	}
	if err != nil {
		return err
	}
	deadline := h.sessionDeadline(r.Session)
	conn, hb, clk := c.Context().Conn(), h.live.Config().Heartbeat, h.Clock
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		serveStream(w, conn, sub, hb, func() bool { return clk.Now().Before(deadline) })
	})
	return nil
}

// setStreamHeaders marks the response as an event stream no cache or
// proxy may hold back or transform.
func setStreamHeaders(c *fiber.Ctx) {
	c.Set(fiber.HeaderContentType, "text/event-stream; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-cache, no-store, no-transform")
	c.Set("X-Accel-Buffering", "no") // nginx: pass each event on at once
}

// endedStream answers a stream request the access checks turned away: one
// "end" event, which the page's sse-close attribute obeys, so the
// browser does not ask again.
func endedStream(c *fiber.Ctx) error {
	setStreamHeaders(c)
	return c.SendString("event: end\ndata: " + string(live.ReasonSignedOut) + "\n\n")
}

// requireForStream is require for an EventStream route: the same checks,
// but every refusal is an ended stream rather than a redirect or a page.
// Signed in to another agency is a 404, as on every page of this one.
func (h *Handlers) requireForStream(c *fiber.Ctx, a Access) error {
	u := userOf(c)
	if u == nil && stateOf(c).foreignSession {
		return apperr.New(apperr.NotFound, "We couldn't find that page.")
	}
	if u == nil || !allowed(a, u.Role) {
		return endedStream(c)
	}
	if must, err := h.mustSetUpTwoFactor(c, u); err != nil || must {
		return endedStream(c)
	}
	return c.Next()
}

// sessionDeadline is when the session ends unless the person does
// something meanwhile: its idle timeout from its last request (this one),
// or its absolute end, whichever comes first. A stream is no activity of
// its own: it never keeps a session alive.
func (h *Handlers) sessionDeadline(s *auth.Session) time.Time {
	d := h.Clock.Now().Add(h.Config.SessionIdle)
	if s.ExpiresAt.Before(d) {
		d = s.ExpiresAt
	}
	return d
}

// streamTab keeps a tab id the page sent if it looks like one (the page
// makes a random one per tab); anything else is no tab.
func streamTab(s string) string {
	if len(s) == 0 || len(s) > 40 {
		return ""
	}
	for _, b := range []byte(s) {
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-') {
			return ""
		}
	}
	return s
}

// serveStream writes the stream until it must end: the subscription was
// closed (sign-out: an "end" event), the session's deadline passed (alive
// reports false at a heartbeat), or the browser went away (a write fails).
// Each write pushes the connection's write deadline past the next
// heartbeat, since the server's write timeout is for whole responses.
func serveStream(w *bufio.Writer, conn net.Conn, sub *live.Subscription, heartbeat time.Duration, alive func() bool) {
	defer sub.Close()
	write := func(s string) bool {
		if conn != nil {
			conn.SetWriteDeadline(time.Now().Add(heartbeat + idleTimeout))
		}
		if _, err := w.WriteString(s); err != nil {
			return false
		}
		return w.Flush() == nil
	}
	if !write(streamRetry + "event: live\ndata: open\n\n") {
		return
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case e := <-sub.Events():
			if !write(streamEvent(sub, e)) {
				return
			}
		case <-sub.Done():
			if r := sub.Reason(); r == live.ReasonSignedOut || r == live.ReasonReplaced {
				write("event: end\ndata: " + string(r) + "\n\n")
			}
			return
		case <-tick.C:
			if !alive() {
				return
			}
			msg := ": hb\n\n"
			if sub.Lagged() {
				msg = "event: reload\ndata: lagged\n\n"
			}
			if !write(msg) {
				return
			}
		}
	}
}

// streamEvent is one notice on the wire: the case's event, the inbox's
// when its counts change (staff only), and a reload first when notices
// were dropped before it.
func streamEvent(sub *live.Subscription, e live.Event) string {
	var b strings.Builder
	if sub.Lagged() {
		b.WriteString("event: reload\ndata: lagged\n\n")
	}
	b.WriteString("event: case-" + e.CaseID + "\ndata: " + string(e.Kind) + "\n\n")
	if e.Inbox && sub.Viewer.ClientID == "" {
		b.WriteString("event: inbox\ndata: " + string(e.Kind) + "\n\n")
	}
	return b.String()
}
