package handlers

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/control"
	"mintedmind/i18n"
)

// paymentRow is a subscription payment with its amount written out.
type paymentRow struct {
	*control.SubscriptionPayment
	AmountText string
}

func paymentRows(ps []*control.SubscriptionPayment) []paymentRow {
	out := make([]paymentRow, len(ps))
	for i, p := range ps {
		out[i] = paymentRow{p, billing.FormatMoney(p.Amount, p.Currency)}
	}
	return out
}

// OperatorBilling lists the subscription invoices and payments of every
// agency, newest first.
func (h *Handlers) OperatorBilling(c *fiber.Ctx) error {
	return h.operatorBillingPage(c, nil)
}

func (h *Handlers) operatorBillingPage(c *fiber.Ctx, formErr error) error {
	ctx := c.UserContext()
	invoices, err := h.Control.SubscriptionInvoices(ctx, "", 300)
	if err != nil {
		return err
	}
	payments, err := h.Control.SubscriptionPayments(ctx, "", 300)
	if err != nil {
		return err
	}
	over, err := h.Control.SubscriptionOverpayments(ctx, false, 100)
	if err != nil {
		return err
	}
	view := &operatorBillingView{Page: Page{Title: "Subscription invoices"}, Invoices: subInvoiceRows(invoices), Payments: paymentRows(payments), Settlements: settlementOptions(i18n.English)}
	for _, o := range over {
		row := subOverpaymentRow{SubscriptionOverpayment: o, AmountText: billing.FormatMoney(o.Amount, o.Currency)}
		if !o.Open() {
			row.Settled = settledText(i18n.English, o.Settlement, o.SettledBy, o.SettledAt)
		}
		view.Overpayments = append(view.Overpayments, row)
	}
	return h.formPage(c, "pages/operator/billing", "pages/operator/billing", view, formErr)
}

// operatorBillingView is the console's list of every agency's
// subscription invoices and payments.
type operatorBillingView struct {
	Page
	FormErrors
	Invoices     []subInvoiceRow
	Payments     []paymentRow
	Overpayments []subOverpaymentRow // open ones first to act on, settled ones to see
	Settlements  []option
}

// subOverpaymentRow is a subscription overpayment with its amount and, once
// settled, how.
type subOverpaymentRow struct {
	*control.SubscriptionOverpayment
	AmountText string
	Settled    string // how, by whom and when; empty while open
}

// SubInvoices is the invoice table, whose payment buttons come back here.
func (v *operatorBillingView) SubInvoices() subInvoicesView {
	return subInvoicesView{Invoices: v.Invoices, CSRF: v.CSRF}
}

// subInvoicesView is views/partials/operator/subinvoices.html: invoices
// with a button to record a payment, which returns to Back ("agency": the
// invoice's agency page; empty: the billing page).
type subInvoicesView struct {
	Invoices []subInvoiceRow
	CSRF     string
	Back     string
}

// OperatorInvoicePDF sends a subscription invoice's PDF.
func (h *Handlers) OperatorInvoicePDF(c *fiber.Ctx) error {
	inv, err := h.Control.SubscriptionInvoiceByID(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return h.sendSubscriptionPDF(c, inv, "")
}

// OperatorRecordPayment records a payment the operator received by hand
// (a bank transfer); a full payment reactivates a late agency.
func (h *Handlers) OperatorRecordPayment(c *fiber.Ctx) error {
	ctx := c.UserContext()
	inv, err := h.Control.SubscriptionInvoiceByID(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	amount := inv.Amount
	if s := formValue(c, "amount"); s != "" {
		if amount, err = billing.ParseDecimal(s, 2, billing.MaxUnitPrice); err != nil {
			return h.operatorBillingPage(c, invalidField("amount", "Enter an amount such as 19.00."))
		}
	}
	op := operatorOf(c)
	res, err := h.Control.RecordSubscriptionPayment(ctx, inv.ID, amount, inv.Currency, "manual", "", op.Name, h.operatorAuditEntry(c, "payment.recorded", "", ""))
	if err != nil {
		return h.operatorBillingPage(c, err)
	}
	msg := "Payment recorded for " + inv.Number + "."
	if res.Reactivated != "" {
		msg += " " + inv.AgencyName + " is active again."
	}
	h.flash(c, msg)
	if c.FormValue("back") == "agency" {
		return h.redirect(c, "/operator/agencies/"+inv.AgencyID)
	}
	return h.redirect(c, "/operator/billing")
}

// operatorAuditEntry is the operator audit log entry for this request, for
// a store method that writes it with its change.
func (h *Handlers) operatorAuditEntry(c *fiber.Ctx, action, agencyID, detail string) control.OperatorAuditEntry {
	op := operatorOf(c)
	return control.OperatorAuditEntry{OperatorID: op.ID, OperatorName: op.Name, Action: action, AgencyID: agencyID, Detail: detail}
}

// OperatorBillingSettings shows the operator's seller details, numbering,
// dunning days and Paysera project.
func (h *Handlers) OperatorBillingSettings(c *fiber.Ctx) error {
	s, err := h.Control.LoadSubscriptionSettings(c.UserContext())
	if err != nil {
		return err
	}
	return h.formPage(c, "pages/operator/billing_settings", "pages/operator/billing_settings", h.subscriptionSettingsView(s, s.PayseraPassword != ""), nil)
}

// subscriptionSettingsView is the operator's billing settings form (subscription invoices and Paysera).
type subscriptionSettingsView struct {
	Page
	FormErrors
	S           control.SubscriptionSettings
	HasPassword bool // a Paysera password is saved
	CallbackURL string
	VATRate     string // the VAT rate as typed, or as saved
}

func (h *Handlers) subscriptionSettingsView(s control.SubscriptionSettings, hasPassword bool) *subscriptionSettingsView {
	return &subscriptionSettingsView{Page: Page{Title: "Billing settings"}, S: s, HasPassword: hasPassword, CallbackURL: h.Config.BaseURL + subscriptionCallbackPath,
		VATRate: billing.FormatRate(s.VATRateBP)}
}

// OperatorBillingSettingsSave saves them.
func (h *Handlers) OperatorBillingSettingsSave(c *fiber.Ctx) error {
	ctx := c.UserContext()
	num := func(field string) int64 { n, _ := strconv.ParseInt(formValue(c, field), 10, 64); return n }
	s := control.SubscriptionSettings{SellerName: formValue(c, "seller_name"), SellerAddress: formValue(c, "seller_address"), SellerCompany: formValue(c, "seller_company"),
		SellerVAT: formValue(c, "seller_vat"), BankDetails: formValue(c, "bank_details"), NumberPattern: formValue(c, "number_pattern"),
		DueDays: num("due_days"), ReminderDays: num("reminder_days"), GraceDays: num("grace_days"),
		PayseraProjectID: formValue(c, "paysera_project"), PayseraPassword: c.FormValue("paysera_password"), PayseraPublicKey: formValue(c, "paysera_public_key"),
		PayseraTest: c.FormValue("paysera_test") == "1", VATNote: formValue(c, "vat_note")}
	vatRate := formValue(c, "vat_rate")
	var err error
	if vatRate != "" {
		if s.VATRateBP, err = billing.ParseDecimal(vatRate, 2, billing.MaxVATRateBP); err != nil {
			err = invalidField("vat_rate", "VAT rate: "+err.Error()+" (such as 21 or 9.5).")
		}
	}
	if err == nil {
		err = app.ValidateSubscriptionSettings(&s)
	}
	if err == nil {
		err = h.Control.SaveSubscriptionSettings(ctx, s, h.operatorAuditEntry(c, "billing.settings", "", ""))
	}
	if err != nil {
		old, lerr := h.Control.LoadSubscriptionSettings(ctx)
		if lerr != nil {
			return lerr
		}
		view := h.subscriptionSettingsView(s, old.PayseraPassword != "")
		view.VATRate = vatRate
		return h.formPage(c, "pages/operator/billing_settings", "pages/operator/billing_settings", view, err)
	}
	h.flash(c, "Billing settings saved.")
	return h.redirect(c, "/operator/billing/settings")
}

// OperatorJobs lists the recent job runs and offers to run each job now.
func (p *Platform) OperatorJobs(c *fiber.Ctx) error {
	runs, err := p.Control.RecentJobRuns(c.UserContext(), 200)
	if err != nil {
		return err
	}
	var names []string
	if p.jobs != nil {
		names = p.jobs.Names()
	}
	return p.page(c, "pages/operator/jobs", &operatorJobsView{Page: Page{Title: "Job runs"}, Runs: runs, Names: names})
}

// operatorJobsView is the console's job runs page.
type operatorJobsView struct {
	Page
	Runs  []*control.JobRun
	Names []string // the jobs that can be run now
}

// OperatorJobRun runs a job now, in this request, and records it like a
// scheduled run.
func (p *Platform) OperatorJobRun(c *fiber.Ctx) error {
	name := c.Params("name")
	known := false
	if p.jobs != nil {
		for _, n := range p.jobs.Names() {
			known = known || n == name
		}
	}
	if !known {
		return apperr.New(apperr.NotFound, "There is no job named %q.", name)
	}
	if err := p.operatorAudit(c, "job.run", "", name); err != nil {
		return err
	}
	run, err := p.jobs.Run(context.WithoutCancel(c.UserContext()), name)
	if run == nil && err != nil {
		return err
	}
	if err != nil {
		p.flash(c, "Job "+name+" failed: "+err.Error())
	} else {
		p.flash(c, "Job "+name+" ran.")
	}
	return p.redirect(c, "/operator/jobs")
}
