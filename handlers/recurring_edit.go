package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// recurringEditView is the recurring invoice form for an existing
// schedule: its lines, client and terms, with the schedule in words.
func (h *Handlers) recurringEditView(c *fiber.Ctx, r *Request, v tenant.Viewer, rec *tenant.Recurring, form invoiceForm) (*invoiceFormView, error) {
	view, err := h.recurringFormView(c, r, v, form)
	if err != nil {
		return nil, err
	}
	url := recurringBase(r) + "/" + rec.ID
	view.Title, view.Action, view.Cancel, view.FindAction = "Edit recurring invoice", url+"/edit", url, url+"/edit"
	view.ScheduleFixed = i18n.T(r.Lang(), "rec.schedule_from", "Every", recurringEvery(r.Lang(), rec), "Date", rec.IssueDate)
	return view, nil
}

// RecurringEdit shows the form that changes a schedule's future invoices.
func (h *Handlers) RecurringEdit(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	rec, err := r.Tenant.Recurring(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	if rec.Status == tenant.RecurringEnded {
		return apperr.New(apperr.Conflict, "This recurring invoice has ended: set up a new one.")
	}
	form := invoiceFormOf(rec.InvoiceInput)
	form.Frequency, form.IntervalMonths, form.EndDate, form.Count, form.AutoSend = rec.Frequency, strconv.Itoa(rec.IntervalMonths), rec.EndDate, strconv.Itoa(rec.Count), rec.AutoSend
	if id := formValue(c, "client_id"); id != "" {
		form.ClientID = id
	}
	view, err := h.recurringEditView(c, r, v, rec, form)
	if err != nil {
		return err
	}
	return h.formPage(c, "pages/recurring/new", "partials/invoices/form", view, nil)
}

// RecurringUpdate saves the changes to a schedule's future invoices; bad
// input re-renders the form with its messages (422) and changes nothing.
func (h *Handlers) RecurringUpdate(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	rec, err := r.Tenant.Recurring(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	form, err := invoiceFormFor(c, r)
	if err != nil {
		return err
	}
	form.IssueDate, form.Frequency, form.IntervalMonths, form.EndDate, form.Count = rec.IssueDate, rec.Frequency, strconv.Itoa(rec.IntervalMonths), rec.EndDate, strconv.Itoa(rec.Count)
	if more, asked, err := form.moreLines(c, r); asked {
		if err != nil {
			return err
		}
		view, err := h.recurringEditView(c, r, v, rec, more)
		if err != nil {
			return err
		}
		return h.formPage(c, "pages/recurring/new", "partials/invoices/form", view, nil)
	}
	inv, errs := form.input()
	in := tenant.RecurringInput{InvoiceInput: inv, AutoSend: form.AutoSend}
	if len(errs) == 0 {
		err = r.Tenant.UpdateRecurring(c.UserContext(), v, rec.ID, in, auditFor(c, "recurring.changed", ""))
	} else {
		err = invoiceFormError(errs)
	}
	if err != nil {
		if code := apperr.CodeOf(err); code != apperr.Invalid {
			return err
		}
		view, viewErr := h.recurringEditView(c, r, v, rec, form.withErrors(translatedFields(r.Lang(), err)))
		if viewErr != nil {
			return viewErr
		}
		return h.formPage(c, "pages/recurring/new", "partials/invoices/form", view, err)
	}
	h.flash(c, i18n.T(r.Lang(), "recurring.saved_total", "Total", i18n.Money(r.Lang(), in.Totals().Total, in.Currency)))
	return h.redirect(c, recurringBase(r)+"/"+rec.ID)
}
