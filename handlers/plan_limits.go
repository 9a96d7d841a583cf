package handlers

import (
	"context"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/files"
)

// billingEnabled reports whether plans, limits and subscription billing
// apply: not on a self-hosted install, nor where no plan has a price.
func (h *Handlers) billingEnabled(ctx context.Context) (bool, error) {
	if h.Config.SelfHosted {
		return false, nil
	}
	return h.Control.AnyPricedPlan(ctx)
}

// agencyPlan returns the plan an agency is on, or nil when plans do not
// apply to it (billing off, or an agency without a plan).
func (h *Handlers) agencyPlan(ctx context.Context, a *control.Agency) (*control.Plan, *control.Subscription, error) {
	on, err := h.billingEnabled(ctx)
	if err != nil || !on {
		return nil, nil, err
	}
	sub, err := h.Control.Subscription(ctx, a.ID)
	if err != nil {
		return nil, nil, err
	}
	if sub.PlanID == "" {
		return nil, sub, nil
	}
	p, err := h.Control.PlanByID(ctx, sub.PlanID)
	if err != nil {
		return nil, nil, err
	}
	return p, sub, nil
}

// startSubscription puts a new agency on the default plan's trial, when
// billing applies.
func (h *Handlers) startSubscription(ctx context.Context, a *control.Agency) error {
	on, err := h.billingEnabled(ctx)
	if err != nil || !on {
		return err
	}
	p, err := h.Control.DefaultPlan(ctx)
	if err != nil {
		return err
	}
	return h.Control.StartSubscription(ctx, a.ID, p)
}

// limitError is the refusal when an action would go over the plan.
func limitError(a *control.Agency, format string, args ...any) error {
	return apperr.New(apperr.Conflict, "%s Your owner can move to a larger plan on the Plan page (/a/%s/plan).", fmt.Sprintf(format, args...), a.Slug)
}

// checkStaffSeat refuses inviting one more staff member (admin, owner)
// than the plan's seats; pending invitations hold a seat.
func (h *Handlers) checkStaffSeat(c *fiber.Ctx, r *Request, role string) error {
	if role == tenant.RoleClient {
		return nil
	}
	a := r.Agency
	p, _, err := h.agencyPlan(c.UserContext(), a)
	if err != nil || p == nil || p.StaffSeats == 0 {
		return err
	}
	u, err := r.Tenant.PlanUsage(c.UserContext())
	if err != nil {
		return err
	}
	if u.Staff+1 > p.StaffSeats {
		return limitError(a, "The %s plan has %d staff seats and all are taken (pending invitations included).", p.Name, p.StaffSeats)
	}
	return nil
}

// checkClientLimit refuses adding clients (one by form, or many by
// import) past the plan's number of clients.
func (h *Handlers) checkClientLimit(c *fiber.Ctx, r *Request, adding int) error {
	a := r.Agency
	p, _, err := h.agencyPlan(c.UserContext(), a)
	if err != nil || p == nil || p.MaxClients == 0 {
		return err
	}
	u, err := r.Tenant.PlanUsage(c.UserContext())
	if err != nil {
		return err
	}
	if u.Clients+int64(adding) > p.MaxClients {
		left := max(p.MaxClients-u.Clients, 0)
		return limitError(a, "The %s plan allows %d clients; you have %d, so %d more can be added, not %d.", p.Name, p.MaxClients, u.Clients, left, adding)
	}
	return nil
}

// planStorageQuota is an agency's document storage limit: its plan's,
// else the installation's -storage-quota (self-hosted, no priced plans, a
// plan without a storage limit).
func (h *Handlers) planStorageQuota(ctx context.Context, a *control.Agency) (int64, error) {
	p, _, err := h.agencyPlan(ctx, a)
	if err != nil {
		return 0, err
	}
	if p == nil || p.StorageBytes == 0 {
		return h.Config.StorageQuota, nil
	}
	return p.StorageBytes, nil
}

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

// usageOf is what the agency uses, for the plan page and plan changes.
func usageLine(used, limit int64, bytes bool) string {
	f := func(n int64) string { return fmt.Sprint(n) }
	if bytes {
		f = files.ByteSize
	}
	if limit == 0 {
		return f(used) + " (no limit)"
	}
	return f(used) + " of " + f(limit)
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

// limitText writes a plan limit for people: a number, a size, or no limit.
func limitText(n int64, bytes bool) string {
	switch {
	case n == 0:
		return "No limit"
	case bytes:
		return files.ByteSize(n)
	}
	return fmt.Sprint(n)
}

// retentionText says how long closed cases are kept.
func retentionText(days int64) string {
	switch {
	case days == 0:
		return "For ever"
	case days%365 == 0:
		if days == 365 {
			return "1 year after closing"
		}
		return fmt.Sprintf("%d years after closing", days/365)
	}
	return fmt.Sprintf("%d days after closing", days)
}
