package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// timeInvoiceOptions reads "Invoice unbilled time"'s choices: the lines
// grouped by task or person, the VAT rate, and the last day to bill.
func (h *Handlers) timeInvoiceOptions(c *fiber.Ctx, r *Request) (app.TimeInvoiceOptions, error) {
	o := app.TimeInvoiceOptions{GroupBy: formValue(c, "group"), Until: formValue(c, "until"), Today: h.caseToday(r)}
	if o.GroupBy == "" {
		o.GroupBy = app.GroupByTask
	}
	if vat := strings.TrimSuffix(formValue(c, "vat"), "%"); vat != "" {
		bp, err := billing.ParseDecimal(vat, 2, billing.MaxVATRateBP)
		if err != nil {
			return o, invalidField("vat", "The VAT rate is a percentage from 0 to 100.")
		}
		o.VATRateBP = bp
	}
	return o, nil
}

// invoiceTime makes the draft of scope's unbilled time and opens it.
func (h *Handlers) invoiceTime(c *fiber.Ctx, r *Request, s tenant.TimeScope) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	o, err := h.timeInvoiceOptions(c, r)
	if err != nil {
		return err
	}
	inv, err := app.InvoiceUnbilledTime(c.UserContext(), r.Tenant, v, caseActor(r), s, o, auditFor(c, "time.invoiced", ""))
	if err != nil {
		return err
	}
	h.flash(c, "Draft invoice made from the unbilled time; the time is marked invoiced.")
	return h.redirect(c, "/a/"+r.Agency.Slug+"/invoices/"+inv.ID)
}

// CaseInvoiceTime bills a case's unbilled time on a new draft invoice.
func (h *Handlers) CaseInvoiceTime(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	k, err := r.Tenant.Case(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	return h.invoiceTime(c, r, tenant.TimeScope{CaseID: k.ID})
}

// ClientInvoiceTime bills the unbilled time of all of a client's cases the
// person may see on one new draft invoice.
func (h *Handlers) ClientInvoiceTime(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	cl, err := r.Tenant.Client(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	return h.invoiceTime(c, r, tenant.TimeScope{ClientID: cl.ID})
}
