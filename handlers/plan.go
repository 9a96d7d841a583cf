package handlers

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/control"
	"mintedmind/files"
)

// planChoice is one plan offered on the owner's plan page.
type planChoice struct {
	Plan    *control.Plan
	Monthly string
	Yearly  string
	Current bool
	Storage string
	Keeps   string
	Refusal string // why the agency cannot move to it now, if it cannot
}

// PlanPage shows the owner the agency's plan, its usage against the
// limits, the plans to move to, and the subscription invoices.
func (h *Handlers) PlanPage(c *fiber.Ctx, r *Request) error {
	return h.planPage(c, r, nil)
}

func (h *Handlers) planPage(c *fiber.Ctx, r *Request, formErr error) error {
	ctx := c.UserContext()
	a := r.Agency
	view := &planPageView{Page: Page{Title: "Plan and billing"}, StatusLabel: control.StatusLabel(a.Status)}
	on, err := h.plans.BillingEnabled(ctx)
	if err != nil {
		return err
	}
	if !on {
		view.Off = true
		return h.page(c, "pages/plan/index", view)
	}
	current, sub, err := h.plans.AgencyPlan(ctx, a)
	if err != nil {
		return err
	}
	usage, err := r.Tenant.PlanUsage(ctx)
	if err != nil {
		return err
	}
	plans, err := h.Control.Plans(ctx)
	if err != nil {
		return err
	}
	for _, p := range plans {
		ch := planChoice{Plan: p, Monthly: billing.FormatMoney(p.MonthlyPrice, p.Currency), Yearly: billing.FormatMoney(p.YearlyPrice, p.Currency),
			Current: current != nil && current.ID == p.ID, Storage: limitText(p.StorageBytes, true), Keeps: retentionText(p.CaseRetentionDays)}
		ch.Refusal = app.PlanRefusal(p, usage)
		view.Choices = append(view.Choices, ch)
	}
	invoices, err := h.Control.SubscriptionInvoices(ctx, a.ID, 50)
	if err != nil {
		return err
	}
	settings, err := h.Control.LoadSubscriptionSettings(ctx)
	if err != nil {
		return err
	}
	view.Sub, view.Plan = sub, current
	view.Invoices = subInvoiceRows(invoices)
	view.CanPayOnline, view.BankDetails = settings.PayseraReady(), settings.BankDetails
	if current != nil {
		view.Usage = []planUsageRow{
			{"Staff seats", usageLine(usage.Staff, current.StaffSeats, false)},
			{"Clients", usageLine(usage.Clients, current.MaxClients, false)},
			{"Document storage", usageLine(usage.StorageBytes, current.StorageBytes, true)},
			{"Closed cases are kept", retentionText(current.CaseRetentionDays)},
		}
	}
	if sub != nil && sub.NextPlanID != "" {
		if next, err := h.Control.PlanByID(ctx, sub.NextPlanID); err == nil {
			view.NextPlan = next
		}
	}
	if formErr != nil {
		code := apperr.CodeOf(formErr)
		if code == apperr.Internal || code == apperr.Unavailable {
			return formErr
		}
		// The page has no field to put a message beside: a field's message
		// is the one above the plans.
		view.Error = apperr.MessageOf(formErr)
		for _, m := range apperr.FieldsOf(formErr) {
			view.Error = m
		}
		c.Status(statusOf[code])
	}
	return h.page(c, "pages/plan/index", view)
}

// planPageView is the owner's plan page.
type planPageView struct {
	Page
	FormErrors
	Off          bool // this installation has no plans
	StatusLabel  string
	Sub          *control.Subscription // nil: billing off
	Plan         *control.Plan         // nil: no plan yet
	NextPlan     *control.Plan         // a downgrade waiting for the period's end
	Usage        []planUsageRow
	Choices      []planChoice
	Invoices     []subInvoiceRow
	CanPayOnline bool
	BankDetails  string
}

// planUsageRow is one limit of the plan and what the agency uses of it.
type planUsageRow struct {
	Label, Value string
}

// PlanChange moves the agency to another plan: an upgrade at once, a
// downgrade at the end of the period, refused where usage is over the new
// plan's limits.
func (h *Handlers) PlanChange(c *fiber.Ctx, r *Request) error {
	ctx := c.UserContext()
	a := r.Agency
	if on, err := h.plans.BillingEnabled(ctx); err != nil {
		return err
	} else if !on {
		return apperr.New(apperr.NotFound, "This installation has no plans.")
	}
	p, err := h.Control.PlanByID(ctx, formValue(c, "plan"))
	if apperr.Is(err, apperr.NotFound) {
		return h.planPage(c, r, invalidField("plan", "Choose one of the plans."))
	}
	if err != nil {
		return err
	}
	interval := formValue(c, "interval")
	if interval == "" {
		interval = control.IntervalMonth
	}
	change, err := h.plans.ChangePlan(ctx, a, r.Tenant, p, interval)
	if err != nil {
		return h.planPage(c, r, err)
	}
	if err := r.Tenant.RecordAudit(ctx, auditFor(c, "plan.changed", p.Name+" ("+interval+"ly)")); err != nil {
		return err
	}
	if change.AtOnce {
		h.flash(c, "You are now on "+p.Name+".")
	} else {
		h.flash(c, "You move to "+p.Name+" on "+change.From.Format("2 January 2006")+", when the current period ends.")
	}
	return h.redirect(c, "/a/"+a.Slug+"/plan")
}

// PlanCancelChange drops a downgrade that waits for the period's end.
func (h *Handlers) PlanCancelChange(c *fiber.Ctx, r *Request) error {
	a := r.Agency
	if err := h.Control.CancelPlanChange(c.UserContext(), a.ID); err != nil {
		return err
	}
	h.flash(c, "The plan change is cancelled: you stay on your plan.")
	return h.redirect(c, "/a/"+a.Slug+"/plan")
}

// ownInvoice loads one of this agency's subscription invoices; another
// agency's is not found.
func (h *Handlers) ownInvoice(c *fiber.Ctx, r *Request) (*control.SubscriptionInvoice, error) {
	inv, err := h.Control.SubscriptionInvoiceByID(c.UserContext(), c.Params("id"))
	if err != nil {
		return nil, err
	}
	if inv.AgencyID != r.Agency.ID {
		return nil, apperr.New(apperr.NotFound, "Invoice not found.")
	}
	return inv, nil
}

// PlanInvoicePDF sends one of the agency's subscription invoices.
func (h *Handlers) PlanInvoicePDF(c *fiber.Ctx, r *Request) error {
	inv, err := h.ownInvoice(c, r)
	if err != nil {
		return err
	}
	return h.sendSubscriptionPDF(c, inv, r.User.Email)
}

// sendSubscriptionPDF answers with an invoice's PDF as a download.
func (h *Handlers) sendSubscriptionPDF(c *fiber.Ctx, inv *control.SubscriptionInvoice, buyerEmail string) error {
	s, err := h.Control.LoadSubscriptionSettings(c.UserContext())
	if err != nil {
		return err
	}
	paid, err := h.Control.SubscriptionInvoicePaid(c.UserContext(), inv.ID)
	if err != nil {
		return err
	}
	pdf, err := app.SubscriptionInvoicePDF(inv, s, paid, buyerEmail)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+app.SubscriptionInvoiceFilename(inv)+`"`)
	return c.Send(pdf)
}

// usageLine is what the agency uses of a limit, for the plan page.
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
