package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/db/tenant"
)

// inboxSize is how many requests and messages the inbox lists of each.
const inboxSize = 100

// inboxView is the staff inbox: open requests nobody is assigned to and
// the clients' messages the signed-in person has not seen, for
// views/pages/inbox/index.html (its lists are partials/inbox/lists, which
// live updates fetch alone).
type inboxView struct {
	Page
	URL      string
	Counts   tenant.InboxCounts
	Requests []inboxRequestView
	Messages []inboxMessageView
}

type inboxRequestView struct {
	URL, Number, Title, Client, By string
	At                             time.Time
}

type inboxMessageView struct {
	URL, Number, Title, Client, Author, Body string
	At                                       time.Time
}

// Inbox is the staff inbox. A plain htmx request (a live update) gets its
// lists alone.
func (h *Handlers) Inbox(c *fiber.Ctx, r *Request) error {
	ctx := c.UserContext()
	v, err := r.Viewer(ctx)
	if err != nil {
		return err
	}
	reqs, err := r.Tenant.UnassignedRequests(ctx, v, inboxSize)
	if err != nil {
		return err
	}
	msgs, err := r.Tenant.UnreadClientMessages(ctx, v, inboxSize)
	if err != nil {
		return err
	}
	counts, err := r.Tenant.Inbox(ctx, v)
	if err != nil {
		return err
	}
	base := caseBase(r)
	view := &inboxView{Page: Page{Title: "nav.Inbox"}, URL: "/a/" + r.Agency.Slug + "/inbox", Counts: counts}
	for _, q := range reqs {
		view.Requests = append(view.Requests, inboxRequestView{URL: base + "/" + q.CaseID, Number: tenant.CaseNumber(q.Number), Title: q.Title,
			Client: q.ClientName, By: q.OpenedBy, At: r.local(q.At)})
	}
	for _, m := range msgs {
		view.Messages = append(view.Messages, inboxMessageView{URL: base + "/" + m.CaseID + "#msg-" + m.NoteID, Number: tenant.CaseNumber(m.CaseNumber),
			Title: m.CaseTitle, Client: m.ClientName, Author: m.AuthorName, Body: clip(m.Body, 200), At: r.local(m.At)})
	}
	return h.pageOrFragment(c, "pages/inbox/index", "partials/inbox/lists", view)
}

// clip shortens s to at most n characters, for a preview.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// inboxCount is what the navigation shows beside "Inbox" for the
// signed-in staff member: 0 when nothing waits or it cannot be read (the
// header never fails a page).
func (h *Handlers) inboxCount(c *fiber.Ctx, r *Request) int {
	if r == nil || r.Tenant == nil || r.User == nil || !r.User.IsStaff() {
		return 0
	}
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return 0
	}
	counts, err := r.Tenant.Inbox(c.UserContext(), v)
	if err != nil {
		h.logger(c).Warn("inbox counts", "err", err)
		return 0
	}
	return counts.Total()
}

// inboxCountView is the inbox's number alone, as live updates fetch it
// for the navigation (views/partials/inbox/count.html, which the header
// also draws with its navLink).
type inboxCountView struct {
	Page
	Count    int
	CountURL string
}

// InboxCount is the number beside "Inbox" in the navigation, alone.
func (h *Handlers) InboxCount(c *fiber.Ctx, r *Request) error {
	return h.fragment(c, "partials/inbox/count", &inboxCountView{Count: h.inboxCount(c, r), CountURL: "/a/" + r.Agency.Slug + "/inbox/count"})
}
