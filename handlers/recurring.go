package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// recurringBase is the URL of the request's agency's recurring invoices.
func recurringBase(r *Request) string { return "/a/" + r.Agency.Slug + "/recurring" }

// recurringRow is a recurring invoice for display.
type recurringRow struct {
	URL, ClientName, Every, Status, Next string
	Total                                amount
}

// recurringEvery names how often rec repeats.
func recurringEvery(lang string, rec *tenant.Recurring) string {
	switch rec.Frequency {
	case billing.Weekly, billing.Monthly, billing.Quarterly, billing.Yearly:
		return i18n.T(lang, recurringFrequencyLabels[rec.Frequency])
	}
	return i18n.T(lang, "rec.every_n_months", rec.IntervalMonths)
}

// recurringRowOf is rec in display form; base is recurringBase.
func recurringRowOf(r *Request, base string, rec *tenant.Recurring) recurringRow {
	next := "—"
	if rec.Status != tenant.RecurringEnded {
		if d := rec.Schedule().Next(rec.NextIndex, 1); len(d) == 1 {
			next = d[0].Format(billing.DateLayout)
		}
	}
	return recurringRow{URL: base + "/" + rec.ID, ClientName: rec.ClientName, Every: recurringEvery(r.Lang(), rec), Status: rec.Status, Next: next,
		Total: r.money(rec.Totals().Total, rec.Currency)}
}

// recurringIndexView is the list of recurring invoices.
type recurringIndexView struct {
	Page
	Base string
	Rows []recurringRow
}

// RecurringIndex lists the recurring invoices.
func (h *Handlers) RecurringIndex(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	list, err := r.Tenant.RecurringList(c.UserContext(), v)
	if err != nil {
		return err
	}
	view := &recurringIndexView{Page: Page{Title: "rec.title"}, Base: recurringBase(r)}
	for _, rec := range list {
		view.Rows = append(view.Rows, recurringRowOf(r, view.Base, rec))
	}
	return h.page(c, "pages/recurring/index", view)
}

// recurringFrequencyLabels name the schedules a recurring invoice can
// follow (each its own catalogue id).
var recurringFrequencyLabels = map[string]string{billing.Weekly: "Weekly", billing.Monthly: "Monthly", billing.Quarterly: "Quarterly",
	billing.Yearly: "Yearly", billing.EveryN: "Every N months"}

// recurringFormView is the invoice editor as the new recurring invoice
// page shows it: a start date and a schedule besides the lines.
func (h *Handlers) recurringFormView(c *fiber.Ctx, r *Request, v tenant.Viewer, form invoiceForm) (*invoiceFormView, error) {
	view, err := h.invoiceFormView(c, r, v, form, nil)
	if err != nil {
		return nil, err
	}
	for _, f := range billing.Frequencies {
		view.Frequencies = append(view.Frequencies, option{f, i18n.T(r.Lang(), recurringFrequencyLabels[f]), f == form.Frequency})
	}
	base := recurringBase(r)
	view.Recurring = true
	view.Title, view.Action, view.Cancel, view.FindAction = "rec.new", base, base, base+"/new"
	return view, nil
}

// RecurringNew shows the form of a new recurring invoice.
func (h *Handlers) RecurringNew(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	s, err := r.Tenant.BillingSettings(c.UserContext())
	if err != nil {
		return err
	}
	form := invoiceForm{ClientID: c.Query("client"), Currency: s.Currency, IssueDate: h.invoiceToday(r), TermsDays: strconv.Itoa(s.TermsDays),
		Frequency: billing.Monthly, IntervalMonths: "1", Count: "0", ClientQuery: strings.TrimSpace(c.Query("client_q"))}
	if id := strings.TrimSpace(c.Query("client_id")); id != "" {
		form.ClientID = id
	}
	view, err := h.recurringFormView(c, r, v, form)
	if err != nil {
		return err
	}
	return h.formPage(c, "pages/recurring/new", "partials/invoices/form", view, nil)
}

// RecurringCreate saves a recurring invoice.
func (h *Handlers) RecurringCreate(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	form, err := invoiceFormFor(c, r)
	if err != nil {
		return err
	}
	form.IssueDate = formValue(c, "start_date")
	if more, asked, err := form.moreLines(c, r); asked {
		if err != nil {
			return err
		}
		view, err := h.recurringFormView(c, r, v, more)
		if err != nil {
			return err
		}
		return h.formPage(c, "pages/recurring/new", "partials/invoices/form", view, nil)
	}
	inv, errs := form.input()
	if _, ok := errs["issue_date"]; ok {
		delete(errs, "issue_date")
		errs["start_date"] = "Enter the start date as YYYY-MM-DD."
	}
	in := tenant.RecurringInput{InvoiceInput: inv, Frequency: form.Frequency, EndDate: form.EndDate, AutoSend: form.AutoSend}
	if n, err := strconv.Atoi(form.IntervalMonths); err == nil && len(form.IntervalMonths) < 4 {
		in.IntervalMonths = n
	} else if form.Frequency == billing.EveryN {
		errs["interval_months"] = "Every N months needs N from 1 to 36."
	}
	if form.Count == "" {
		in.Count = 0
	} else if n, err := strconv.Atoi(form.Count); err == nil && len(form.Count) < 6 {
		in.Count = n
	} else {
		errs["count"] = "The number of invoices is a whole number, 0 for no limit."
	}
	for k, v := range apperr.FieldsOf(in.Validate()) {
		if _, ok := errs[k]; !ok {
			errs[k] = v
		}
	}
	var rec *tenant.Recurring
	if len(errs) == 0 {
		rec, err = r.Tenant.CreateRecurring(c.UserContext(), v, caseActor(r), in, auditFor(c, "recurring.created", ""))
	} else {
		err = invoiceFormError(errs)
	}
	if err != nil {
		view, viewErr := h.recurringFormView(c, r, v, form.withErrors(translatedFields(r.Lang(), err)))
		if viewErr != nil {
			return viewErr
		}
		return h.formPage(c, "pages/recurring/new", "partials/invoices/form", view, err)
	}
	// A schedule that starts today issues its first invoice at once, not at
	// the next hourly run (a back-dated one is caught up by that run).
	n, deliverErr, err := 0, error(nil), error(nil)
	if in.IssueDate == h.invoiceToday(r) {
		m, _ := h.invoiceMailer()
		today, _ := billing.ParseDate(in.IssueDate)
		n, deliverErr, err = app.IssueDueRecurring(c.UserContext(), m, r.Agency, r.Tenant, rec.ID, today, h.Config.BaseURL)
	}
	switch {
	case err != nil:
		h.logger(c).Error("issue recurring invoice at once", "agency_id", r.Agency.ID, "recurring", rec.ID, "err", err)
		h.flash(c, "Recurring invoice saved. Its first invoice could not be issued now: the hourly run will try again.")
	case n > 0:
		if deliverErr != nil {
			h.logger(c).Warn("deliver recurring invoice", "agency_id", r.Agency.ID, "recurring", rec.ID, "err", deliverErr)
		}
		h.flash(c, "Recurring invoice saved, and its first invoice issued.")
	default:
		h.flash(c, "Recurring invoice saved.")
	}
	return h.redirect(c, recurringBase(r)+"/"+rec.ID)
}

// recurringShowView is a recurring invoice's page.
type recurringShowView struct {
	Page
	Base        string
	InvoiceBase string
	Recurring   *tenant.Recurring
	Row         recurringRow
	Next        []string // the next dates an invoice is made
	Runs        []tenant.RecurringRun
	Invoice     invoiceView // the invoice each run makes, for its lines
}

// RecurringShow shows a recurring invoice, the next dates and its history.
func (h *Handlers) RecurringShow(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	t := r.Tenant
	rec, err := t.Recurring(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	runs, err := t.RecurringRuns(c.UserContext(), rec.ID)
	if err != nil {
		return err
	}
	base := recurringBase(r)
	inv := &tenant.Invoice{InvoiceInput: rec.InvoiceInput, ClientName: rec.ClientName, Total: rec.Totals().Total, Status: tenant.InvoiceDraft}
	view := &recurringShowView{Page: Page{Title: "Recurring invoice for " + rec.ClientName}, Base: base, InvoiceBase: invoiceBase(r),
		Recurring: rec, Row: recurringRowOf(r, base, rec), Runs: runs, Invoice: h.newInvoiceView(r, inv)}
	if rec.Status != tenant.RecurringEnded {
		for _, d := range rec.Schedule().Next(rec.NextIndex, 5) {
			view.Next = append(view.Next, d.Format(billing.DateLayout))
		}
	}
	return h.page(c, "pages/recurring/show", view)
}

// recurringAudit is the audit log's action for each recurring action.
var recurringAudit = map[string]string{tenant.RecurringPause: "recurring.paused", tenant.RecurringResume: "recurring.resumed", tenant.RecurringSkip: "recurring.skipped",
	tenant.RecurringEnd: "recurring.stopped", tenant.RecurringDelete: "recurring.deleted"}

// RecurringAction pauses, resumes or skips the next period.
func (h *Handlers) RecurringAction(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	action := c.Params("action")
	today, _ := billing.ParseDate(h.invoiceToday(r))
	if err := r.Tenant.ChangeRecurring(c.UserContext(), v, c.Params("id"), action, today, auditFor(c, recurringAudit[action], "")); err != nil {
		return err
	}
	h.flash(c, map[string]string{tenant.RecurringPause: "Paused.", tenant.RecurringResume: "Resumed.", tenant.RecurringSkip: "The next invoice will be skipped.",
		tenant.RecurringEnd: "Ended: no invoice after the ones made so far.", tenant.RecurringDelete: "Recurring invoice deleted."}[action])
	if action == tenant.RecurringDelete {
		return h.redirect(c, recurringBase(r))
	}
	return h.redirect(c, recurringBase(r)+"/"+c.Params("id"))
}
