package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db"
)

func recurringBase(c *fiber.Ctx) string { return "/a/" + agencyOf(c).Slug + "/recurring" }

// recurringRow is a recurring invoice for display.
type recurringRow struct {
	URL, ClientName, Every, Status, Next, Total string
}

func recurringEvery(r *db.Recurring) string {
	switch r.Frequency {
	case billing.Weekly:
		return "Weekly"
	case billing.Monthly:
		return "Monthly"
	case billing.Quarterly:
		return "Quarterly"
	case billing.Yearly:
		return "Yearly"
	}
	return "Every " + strconv.Itoa(r.IntervalMonths) + " months"
}

func (h *Handlers) recurringRow(c *fiber.Ctx, r *db.Recurring) recurringRow {
	next := "—"
	if r.Status != db.RecurringEnded {
		if d := r.Schedule().Next(r.NextIndex, 1); len(d) == 1 {
			next = d[0].Format(billing.DateLayout)
		}
	}
	return recurringRow{URL: recurringBase(c) + "/" + r.ID, ClientName: r.ClientName, Every: recurringEvery(r), Status: r.Status, Next: next,
		Total: billing.FormatMoney(billing.Compute(r.Lines).Total, r.Currency)}
}

// RecurringIndex lists the recurring invoices.
func (h *Handlers) RecurringIndex(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	list, err := tenantOf(c).RecurringList(c.UserContext(), v)
	if err != nil {
		return err
	}
	var rows []recurringRow
	for _, r := range list {
		rows = append(rows, h.recurringRow(c, r))
	}
	return h.mapPage(c, "pages/recurring/index", fiber.Map{"Title": "Recurring invoices", "Rows": rows, "Base": recurringBase(c)})
}

func (h *Handlers) recurringFormData(c *fiber.Ctx, v db.Viewer, form invoiceForm) (fiber.Map, error) {
	data, err := h.invoiceFormData(c, v, form, nil)
	if err != nil {
		return nil, err
	}
	var freq []option
	for _, f := range billing.Frequencies {
		label := map[string]string{billing.Weekly: "Weekly", billing.Monthly: "Monthly", billing.Quarterly: "Quarterly", billing.Yearly: "Yearly", billing.EveryN: "Every N months"}[f]
		freq = append(freq, option{f, label, f == form.Frequency})
	}
	data["Frequencies"], data["Recurring"] = freq, true
	data["Title"], data["Action"], data["Cancel"], data["FindAction"] = "New recurring invoice", recurringBase(c), recurringBase(c), recurringBase(c)+"/new"
	return data, nil
}

// RecurringNew shows the form of a new recurring invoice.
func (h *Handlers) RecurringNew(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	s, err := tenantOf(c).BillingSettings(c.UserContext())
	if err != nil {
		return err
	}
	form := invoiceForm{ClientID: c.Query("client"), Currency: s.Currency, IssueDate: h.invoiceToday(), TermsDays: strconv.Itoa(s.TermsDays),
		Frequency: billing.Monthly, IntervalMonths: "1", Count: "0", ClientQuery: strings.TrimSpace(c.Query("client_q"))}
	if id := strings.TrimSpace(c.Query("client_id")); id != "" {
		form.ClientID = id
	}
	data, err := h.recurringFormData(c, v, form)
	if err != nil {
		return err
	}
	return h.mapFormPage(c, "pages/recurring/new", "partials/invoices/form", data, nil)
}

// RecurringCreate saves a recurring invoice.
func (h *Handlers) RecurringCreate(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	form := readInvoiceForm(c)
	form.IssueDate = formValue(c, "start_date")
	inv, errs := form.input()
	if msg, ok := errs["issue_date"]; ok {
		delete(errs, "issue_date")
		errs["start_date"] = "Enter the start date as YYYY-MM-DD."
		_ = msg
	}
	in := db.RecurringInput{InvoiceInput: inv, Frequency: form.Frequency, EndDate: form.EndDate, AutoSend: form.AutoSend}
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
	var r *db.Recurring
	if len(errs) == 0 {
		r, err = tenantOf(c).CreateRecurring(c.UserContext(), v, caseActor(stateOf(c).req), in)
	} else {
		err = invoiceFormError(errs)
	}
	if err != nil {
		data, dataErr := h.recurringFormData(c, v, form.withErrors(apperr.FieldsOf(err)))
		if dataErr != nil {
			return dataErr
		}
		return h.mapFormPage(c, "pages/recurring/new", "partials/invoices/form", data, err)
	}
	h.flash(c, "Recurring invoice saved.")
	return h.redirect(c, recurringBase(c)+"/"+r.ID)
}

// RecurringShow shows a recurring invoice, the next dates and its history.
func (h *Handlers) RecurringShow(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	t := tenantOf(c)
	r, err := t.Recurring(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	runs, err := t.RecurringRuns(c.UserContext(), r.ID)
	if err != nil {
		return err
	}
	var next []string
	if r.Status != db.RecurringEnded {
		for _, d := range r.Schedule().Next(r.NextIndex, 5) {
			next = append(next, d.Format(billing.DateLayout))
		}
	}
	inv := &db.Invoice{InvoiceInput: r.InvoiceInput, ClientName: r.ClientName, Total: billing.Compute(r.Lines).Total, Status: db.InvoiceDraft}
	return h.mapPage(c, "pages/recurring/show", fiber.Map{"Title": "Recurring invoice for " + r.ClientName, "R": r, "Row": h.recurringRow(c, r),
		"Next": next, "Runs": runs, "Invoice": h.newInvoiceView(c, inv), "Base": recurringBase(c), "InvoiceBase": invoiceBase(c)})
}

// RecurringAction pauses, resumes or skips the next period.
func (h *Handlers) RecurringAction(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	action := c.Params("action")
	today, _ := billing.ParseDate(h.invoiceToday())
	if err := tenantOf(c).ChangeRecurring(c.UserContext(), v, c.Params("id"), action, today); err != nil {
		return err
	}
	h.flash(c, map[string]string{db.RecurringPause: "Paused.", db.RecurringResume: "Resumed.", db.RecurringSkip: "The next invoice will be skipped."}[action])
	return h.redirect(c, recurringBase(c)+"/"+c.Params("id"))
}
