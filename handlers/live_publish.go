package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/db/tenant"
	"mintedmind/live"
)

// Notices for writes that reach a case's history from elsewhere than the
// case page's own forms: invoices and payments (their case's history and the
// client's), tasks (the client sees the shared ones), time (staff only) and
// documents asked for. Each is called after the write committed and never
// fails the request.

// publishInvoice tells the pages of the invoice's case, and for a credit
// note those of the credited invoice's case, that an invoice event was
// written: issued, voided, paid. Invoice events are client-visible; the
// broker still sends them only to the case client's contacts. viewer
// bounds which invoices may be looked up (tenant.Viewer{} for a callback,
// which has no person).
func (h *Handlers) publishInvoice(c *fiber.Ctx, r *Request, v tenant.Viewer, invoiceID string) {
	ctx := c.UserContext()
	inv, err := r.Tenant.Invoice(ctx, v, invoiceID)
	if err != nil {
		h.Log.Warn("live: find the invoice's case", "agency", r.Agency.ID, "invoice", invoiceID, "err", err)
		return
	}
	cases := []string{inv.CaseID}
	if inv.CreditFor != "" {
		if orig, err := r.Tenant.Invoice(ctx, v, inv.CreditFor); err == nil && orig.CaseID != inv.CaseID {
			cases = append(cases, orig.CaseID)
		}
	}
	for _, id := range cases {
		if id != "" {
			h.publishCase(ctx, r, id, live.KindEvent, true, false)
		}
	}
}

// taskShared reports whether a task of the case is shared with the client,
// false when it cannot be read (gone, or not the viewer's): a notice of an
// item the client may not see is then never addressed to them.
func (h *Handlers) taskShared(c *fiber.Ctx, r *Request, v tenant.Viewer, caseID, taskID string) bool {
	k, err := r.Tenant.Task(c.UserContext(), v, caseID, taskID)
	return err == nil && k.Shared
}

// publishTask tells the case's pages that its tasks changed; shared says
// the client sees the task (before or after the change).
func (h *Handlers) publishTask(c *fiber.Ctx, r *Request, caseID string, shared bool) {
	h.publish(c, r, caseID, live.KindEvent, shared, false)
}

// publishTime tells the staff pages of the case that its recorded time
// changed; time is never shown to the client.
func (h *Handlers) publishTime(c *fiber.Ctx, r *Request, caseID string) {
	if caseID != "" {
		h.publish(c, r, caseID, live.KindEvent, false, false)
	}
}

// publishDocRequest tells both sides' pages of the case that a document
// asked for changed (asked, sent, accepted, returned, edited, withdrawn):
// the client's checklist shows every one.
func (h *Handlers) publishDocRequest(c *fiber.Ctx, r *Request, caseID string) {
	h.publish(c, r, caseID, live.KindEvent, true, false)
}

// publishOrderPaid is publishInvoice for a Paysera order just paid (the
// callback has no person: its signature is its authority).
func (h *Handlers) publishOrderPaid(c *fiber.Ctx, r *Request, orderID string) {
	o, err := r.Tenant.ProviderOrder(c.UserContext(), orderID)
	if err != nil {
		h.Log.Warn("live: find the paid order's invoice", "agency", r.Agency.ID, "order", orderID, "err", err)
		return
	}
	h.publishInvoice(c, r, tenant.Viewer{}, o.InvoiceID)
}

// templateShared reports whether a task template shares any of its tasks
// with the client (then the client's page changes when it is applied).
func (h *Handlers) templateShared(c *fiber.Ctx, r *Request, templateID string) bool {
	tt, err := r.Tenant.TaskTemplate(c.UserContext(), templateID)
	if err != nil {
		return false
	}
	for _, k := range tt.Tasks {
		if k.Shared {
			return true
		}
	}
	return false
}

// publishSavedTime is publishTime for the entry a started timer saved
// from the timer that ran before ("" when none ran): its case changed.
func (h *Handlers) publishSavedTime(c *fiber.Ctx, r *Request, v tenant.Viewer, entryID string) {
	if entryID == "" {
		return
	}
	if e, err := r.Tenant.TimeEntry(c.UserContext(), v, entryID, true); err == nil {
		h.publishTime(c, r, e.CaseID)
	}
}
