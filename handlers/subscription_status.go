package handlers

// What a suspended or past-due agency's people meet on every page: writes
// refused while suspended, and the banner saying why. The plan limits
// themselves are app.Plans' (app/limits.go), enforced by the agency's store.

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

// refuseSuspendedWrite makes a suspended agency read-only: every request
// that is not a GET is refused with the reason, for staff and client
// contacts alike, except on routes whose row says WritableWhenSuspended
// (signing out, account security, paying).
func (h *Handlers) refuseSuspendedWrite(c *fiber.Ctx) error {
	a := agencyOf(c)
	if a == nil || a.Status != control.AgencySuspended || isSafeMethod(c.Method()) || stateOf(c).route.Has(WritableWhenSuspended) {
		return nil
	}
	return apperr.New(apperr.Forbidden, "%s is suspended because its subscription invoice is unpaid, so nothing can be changed. The owner can pay on the Plan page (/a/%s/plan); the agency is active again as soon as it is paid.", a.Name, a.Slug)
}

// subscriptionBanner is what views/partials/layout/banner.html says to a
// suspended, past-due or soon-due agency's signed-in people.
type subscriptionBanner struct {
	AgencyName string
	Suspended  bool // else past due, or (DueSoon) an invoice is due soon
	DueSoon    bool // active, and an open invoice's reminder has gone: owners only
	Staff      bool // staff see why; client contacts only that the portal is read-only
	PlanURL    string
	Owner      bool // owners get the way to pay
	Due        *subInvoiceRow
	// How the owner pays Due: online (PayURL, posted with CSRF), or by
	// bank transfer to BankDetails with Due's number as the reference.
	PayURL      string
	BankDetails []string
	CSRF        string
}

// subscriptionBanner explains a suspended or past-due agency to its
// signed-in people, and an open subscription invoice to the owners from
// its reminder (ReminderDays before the due date) until it is paid, with
// the way to pay; nil for everyone else.
func (h *Handlers) subscriptionBanner(c *fiber.Ctx) *subscriptionBanner {
	a, u := agencyOf(c), userOf(c)
	if a == nil || u == nil {
		return nil
	}
	b := &subscriptionBanner{AgencyName: a.Name, Staff: u.IsStaff(), Owner: u.Role == tenant.RoleOwner, PlanURL: "/a/" + a.Slug + "/plan"}
	switch a.Status {
	case control.AgencySuspended:
		b.Suspended = true
		if !b.Owner {
			return b
		}
	case control.AgencyPastDue:
		if !b.Staff {
			return nil
		}
	case control.AgencyActive:
		if !b.Owner {
			return nil
		}
		b.DueSoon = true
	default:
		return nil
	}
	ctx := c.UserContext()
	inv, err := h.Control.OldestOpenSubscriptionInvoice(ctx, a.ID)
	if err != nil || inv == nil {
		if b.DueSoon {
			return nil
		}
		return b
	}
	s, err := h.Control.LoadSubscriptionSettings(ctx)
	if err != nil {
		return nil
	}
	if b.DueSoon && h.Clock.Now().Before(inv.DueAt.AddDate(0, 0, -int(s.ReminderDays))) {
		return nil
	}
	paid, err := h.Control.SubscriptionInvoicePaid(ctx, inv.ID)
	if err != nil {
		return nil
	}
	b.Due = &subInvoiceRow{inv, billing.FormatMoney(inv.Amount-paid, inv.Currency)}
	if b.Owner {
		if s.PayseraReady() && paid == 0 {
			b.PayURL, b.CSRF = b.PlanURL+"/invoices/"+inv.ID+"/pay", h.csrfToken(c)
		}
		b.BankDetails = splitLines(s.BankDetails)
	}
	return b
}

// billingNotConfigured is the console's warning, on every page, while
// agencies are billed but the operator has no way to be paid (no bank
// details, no Paysera project): no subscription invoice is issued then.
func (h *Handlers) billingNotConfigured(c *fiber.Ctx) string {
	ctx := c.UserContext()
	if on, err := h.plans.BillingEnabled(ctx); err != nil || !on {
		return ""
	}
	s, err := h.Control.LoadSubscriptionSettings(ctx)
	if err != nil {
		return ""
	}
	return s.NotChargingReason()
}

// splitLines is a multi-line setting's non-empty lines.
func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// subInvoiceRow is a subscription invoice with its amount written out.
type subInvoiceRow struct {
	*control.SubscriptionInvoice
	AmountText string
}

func subInvoiceRows(invs []*control.SubscriptionInvoice) []subInvoiceRow {
	out := make([]subInvoiceRow, len(invs))
	for i, inv := range invs {
		out[i] = subInvoiceRow{inv, billing.FormatMoney(inv.Amount, inv.Currency)}
	}
	return out
}

// agencyPlan is app.Plans.AgencyPlan, kept for the dashboard's subscription
// card (handlers/dashboard.go) while that file is being rewritten; call
// h.plans.AgencyPlan directly.
func (h *Handlers) agencyPlan(ctx context.Context, a *control.Agency) (*control.Plan, *control.Subscription, error) {
	return h.plans.AgencyPlan(ctx, a)
}
