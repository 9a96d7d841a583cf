package handlers

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/live"
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
	a, err := r.Tenant.CaseAudience(ctx, caseID)
	if err != nil {
		h.Log.Warn("live: address a notice", "agency", r.Agency.ID, "case", caseID, "err", err)
		return
	}
	h.live.Publish(r.Agency.ID, live.Event{CaseID: caseID, ClientID: a.ClientID, Kind: kind, Shared: shared, Inbox: inbox,
		AssigneeID: a.AssigneeID, ResponsibleID: a.ResponsibleID})
}

// publish is publishCase for a handler that holds the fiber context.
func (h *Handlers) publish(c *fiber.Ctx, r *Request, caseID string, kind live.Kind, shared, inbox bool) {
	h.publishCase(c.UserContext(), r, caseID, kind, shared, inbox)
}
