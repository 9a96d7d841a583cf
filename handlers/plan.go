package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/control"
	"mintedmind/i18n"
)

// planChoice is one plan offered on the owner's plan page.
type planChoice struct {
	Plan    *control.Plan
	Monthly string
	Yearly  string
	Current bool
	Seats   string
	Clients string
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
	lang := r.Lang()
	view := &planPageView{Page: Page{Title: "plan.title"}, StatusLabel: control.StatusLabel(a.Status)}
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
			Current: current != nil && current.ID == p.ID, Seats: limitText(lang, p.StaffSeats, false), Clients: limitText(lang, p.MaxClients, false),
			Storage: limitText(lang, p.StorageBytes, true), Keeps: retentionText(lang, p.CaseRetentionDays)}
		ch.Refusal = i18n.T(lang, app.PlanRefusal(p, usage))
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
			{i18n.T(lang, "plan.seats"), usageLine(lang, usage.Staff, current.StaffSeats, false)},
			{i18n.T(lang, "nav.Clients"), usageLine(lang, usage.Clients, current.MaxClients, false)},
			{i18n.T(lang, "plan.storage"), usageLine(lang, usage.StorageBytes, current.StorageBytes, true)},
			{i18n.T(lang, "plan.kept_for"), retentionText(lang, current.CaseRetentionDays)},
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
		view.Error = i18n.T(lang, apperr.MessageOf(formErr))
		for _, m := range apperr.FieldsOf(formErr) {
			view.Error = i18n.T(lang, m)
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
		h.flash(c, i18n.T(r.Lang(), "plan.now_on", "Plan", p.Name))
	} else {
		h.flash(c, i18n.T(r.Lang(), "plan.moves_on", "Plan", p.Name, "Date", writeDate(change.From)))
	}
	return h.redirect(c, "/a/"+a.Slug+"/plan")
}

// PlanCancelChange drops a downgrade that waits for the period's end.
func (h *Handlers) PlanCancelChange(c *fiber.Ctx, r *Request) error {
	a := r.Agency
	if err := h.Control.CancelPlanChange(c.UserContext(), a.ID); err != nil {
		return err
	}
	h.flash(c, "plan.change_cancelled")
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

// usageLine is what the agency uses of a limit, in lang, for the plan page.
func usageLine(lang string, used, limit int64, bytes bool) string {
	f := func(n int64) string { return i18n.Number(lang, n) }
	if bytes {
		f = func(n int64) string { return i18n.ByteSize(lang, n) }
	}
	if limit == 0 {
		return i18n.T(lang, "plan.used_no_limit", "Used", f(used))
	}
	return i18n.T(lang, "plan.used_of", "Used", f(used), "Limit", f(limit))
}

// limitText writes a plan limit for people in lang: a number, a size, or
// no limit.
func limitText(lang string, n int64, bytes bool) string {
	switch {
	case n == 0:
		return i18n.T(lang, "plan.no_limit")
	case bytes:
		return i18n.ByteSize(lang, n)
	}
	return i18n.Number(lang, n)
}

// retentionText says in lang how long closed cases are kept.
func retentionText(lang string, days int64) string {
	switch {
	case days == 0:
		return i18n.T(lang, "plan.for_ever")
	case days%365 == 0:
		return i18n.T(lang, "plan.years_after_closing", int(days/365))
	}
	return i18n.T(lang, "plan.days_after_closing", int(days))
}
