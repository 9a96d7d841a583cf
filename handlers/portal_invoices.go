package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db"
)

var errNothingToPay = apperr.New(apperr.Conflict, "Nothing is owed on this invoice.")

// portalInvoiceBase is where the contact's invoices live in the portal.
func portalInvoiceBase(c *fiber.Ctx) string { return portalBase(c) + "/invoices" }

// PortalInvoices lists the client's invoices: what is open first.
func (h *Handlers) PortalInvoices(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	rows, err := tenantOf(c).PortalInvoices(c.UserContext(), v)
	if err != nil {
		return err
	}
	var open, done []db.InvoiceRow
	for _, r := range rows {
		if r.Open() {
			open = append(open, r)
		} else {
			done = append(done, r)
		}
	}
	base, today := portalInvoiceBase(c), h.invoiceToday()
	return h.mapPage(c, "pages/portal/invoices", fiber.Map{
		"Title": "Invoices", "Open": h.invoiceRows(base, today, open), "Done": h.invoiceRows(base, today, done), "Base": portalBase(c),
	})
}

// portalInvoice loads the URL's invoice for the signed-in contact.
func (h *Handlers) portalInvoice(c *fiber.Ctx) (*db.Invoice, error) {
	v, err := h.viewer(c)
	if err != nil {
		return nil, err
	}
	return tenantOf(c).PortalInvoice(c.UserContext(), v, c.Params("id"))
}

// PortalInvoice shows one invoice: its lines and totals, the payments
// received with their references, the PDF, and Pay when something is owed
// and the agency takes payments online.
func (h *Handlers) PortalInvoice(c *fiber.Ctx) error {
	return h.portalInvoicePage(c, nil)
}

func (h *Handlers) portalInvoicePage(c *fiber.Ctx, payErr error) error {
	inv, err := h.portalInvoice(c)
	if err != nil {
		return err
	}
	t := tenantOf(c)
	payments, err := t.InvoicePayments(c.UserContext(), inv.ID)
	if err != nil {
		return err
	}
	s, err := t.BillingSettings(c.UserContext())
	if err != nil {
		return err
	}
	view := h.newInvoiceView(c, inv)
	view.URL, view.CaseURL = portalInvoiceBase(c)+"/"+inv.ID, ""
	if inv.CaseID != "" {
		view.CaseURL = portalBase(c) + "/cases/" + inv.CaseID
	}
	paid := make([]paymentView, len(payments))
	for i, p := range payments {
		paid[i] = paymentView{PaidOn: p.PaidOn, Amount: billing.FormatMoney(p.Amount, p.Currency), Method: db.PaymentMethodLabel(p.Method), Reference: p.Reference}
	}
	data := fiber.Map{
		"Title": inv.Label(), "Invoice": view, "Payments": paid, "Base": portalBase(c),
		"CanPay": inv.Open() && inv.Kind != db.KindCreditNote && s.PayseraReady(),
	}
	if payErr != nil {
		return h.mapFormPage(c, "pages/portal/invoice", "pages/portal/invoice", data, payErr)
	}
	return h.mapPage(c, "pages/portal/invoice", data)
}

// PortalInvoicePDF downloads the invoice's PDF.
func (h *Handlers) PortalInvoicePDF(c *fiber.Ctx) error {
	inv, err := h.portalInvoice(c)
	if err != nil {
		return err
	}
	return h.sendInvoicePDF(c, inv)
}

// PortalInvoicePay sends the contact to Paysera to pay what is still owed.
func (h *Handlers) PortalInvoicePay(c *fiber.Ctx) error {
	inv, err := h.portalInvoice(c)
	if err != nil {
		return err
	}
	if !inv.Open() || inv.Kind == db.KindCreditNote {
		return h.portalInvoicePage(c, errNothingToPay)
	}
	to, err := h.PayseraPayURL(c.UserContext(), agencyOf(c), tenantOf(c), inv, userOf(c).Email)
	if err != nil {
		return h.portalInvoicePage(c, err)
	}
	return h.redirectAway(c, to)
}
