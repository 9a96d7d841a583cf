package handlers

// What a suspended or past-due agency's people meet on every page: writes
// refused while suspended, and the banner saying why. The plan limits
// themselves are app.Plans' (app/limits.go), enforced by the agency's store.

import (
	"context"

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
// suspended, past-due agency's signed-in people.
type subscriptionBanner struct {
	AgencyName string
	Suspended  bool // else past due
	Staff      bool // staff see why; client contacts only that the portal is read-only
	PlanURL    string
	Owner      bool // owners get the link to pay
	Due        *subInvoiceRow
}

// subscriptionBanner explains a suspended or past-due agency to its
// signed-in people, with the way to pay for owners; nil for everyone else.
func (h *Handlers) subscriptionBanner(c *fiber.Ctx) *subscriptionBanner {
	a, u := agencyOf(c), userOf(c)
	if a == nil || u == nil {
		return nil
	}
	b := &subscriptionBanner{AgencyName: a.Name, Staff: u.IsStaff(), Owner: u.Role == tenant.RoleOwner, PlanURL: "/a/" + a.Slug + "/plan"}
	switch a.Status {
	case control.AgencySuspended:
		b.Suspended = true
		return b
	case control.AgencyPastDue:
		if !b.Staff {
			return nil
		}
		if invs, err := h.Control.SubscriptionInvoices(c.UserContext(), a.ID, 5); err == nil {
			for _, row := range subInvoiceRows(invs) {
				if row.Status == control.SubInvoiceOpen {
					b.Due = &row
				}
			}
		}
		return b
	}
	return nil
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
