package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

var errNothingToPay = apperr.New(apperr.Conflict, "Nothing is owed on this invoice.")

// portalInvoiceBase is where the contact's invoices live in the portal.
func portalInvoiceBase(r *Request) string { return portalBase(r) + "/invoices" }

// PortalInvoices lists the client's invoices: what is open first.
func (h *Handlers) PortalInvoices(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	rows, err := r.Tenant.PortalInvoices(c.UserContext(), v)
	if err != nil {
		return err
	}
	var open, done []tenant.InvoiceRow
	for _, row := range rows {
		if row.Open() {
			open = append(open, row)
		} else {
			done = append(done, row)
		}
	}
	base, today := portalInvoiceBase(r), h.invoiceToday(r)
	return h.page(c, "pages/portal/invoices", &portalInvoicesView{Page: Page{Title: "Invoices"}, Base: portalBase(r),
		Open: portalInvoiceTable{Rows: h.invoiceRows(r, base, today, open), Lang: r.Lang()}, Done: portalInvoiceTable{Rows: h.invoiceRows(r, base, today, done), Lang: r.Lang()}})
}

// portalInvoicesView is the portal's list of the client's invoices.
type portalInvoicesView struct {
	Page
	Base string
	Open portalInvoiceTable // still owed
	Done portalInvoiceTable // the rest: paid and earlier
}

// portalInvoiceTable is a table of invoices in the portal, for
// views/partials/portal/invoice-table.html.
type portalInvoiceTable struct {
	Rows []invoiceListRow
	Lang string // the page's language (i18n)
}

// portalInvoice loads the URL's invoice for the signed-in contact.
func (h *Handlers) portalInvoice(c *fiber.Ctx, r *Request) (*tenant.Invoice, error) {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return nil, err
	}
	return r.Tenant.PortalInvoice(c.UserContext(), v, c.Params("id"))
}

// PortalInvoice shows one invoice: its lines and totals, the payments
// received with their references, the PDF, and Pay when something is owed
// and the agency takes payments online.
func (h *Handlers) PortalInvoice(c *fiber.Ctx, r *Request) error {
	return h.portalInvoicePage(c, r, nil)
}

func (h *Handlers) portalInvoicePage(c *fiber.Ctx, r *Request, payErr error) error {
	inv, err := h.portalInvoice(c, r)
	if err != nil {
		return err
	}
	t := r.Tenant
	payments, err := t.InvoicePayments(c.UserContext(), inv.ID)
	if err != nil {
		return err
	}
	s, err := t.BillingSettings(c.UserContext())
	if err != nil {
		return err
	}
	view := h.newInvoiceView(r, inv)
	view.URL, view.CaseURL = portalInvoiceBase(r)+"/"+inv.ID, ""
	if inv.CaseID != "" {
		view.CaseURL = portalBase(r) + "/cases/" + inv.CaseID
	}
	paid := make([]paymentView, len(payments))
	for i, p := range payments {
		paid[i] = paymentView{PaidOn: p.PaidOn, Amount: r.money(p.Amount, p.Currency), Method: tenant.PaymentMethodLabel(p.Method), Reference: p.Reference}
	}
	page := &portalInvoiceView{Page: Page{Title: inv.Label()}, Base: portalBase(r), Invoice: view, Payments: paid,
		CanPay: inv.Open() && inv.Kind != tenant.KindCreditNote && s.PayseraReady()}
	if payErr != nil {
		return h.formPage(c, "pages/portal/invoice", "pages/portal/invoice", page, payErr)
	}
	return h.page(c, "pages/portal/invoice", page)
}

// portalInvoiceView is one invoice in the portal; Error says why paying
// it failed.
type portalInvoiceView struct {
	Page
	FormErrors
	Base     string
	Invoice  invoiceView
	Payments []paymentView
	CanPay   bool
}

// PortalInvoicePDF downloads the invoice's PDF.
func (h *Handlers) PortalInvoicePDF(c *fiber.Ctx, r *Request) error {
	inv, err := h.portalInvoice(c, r)
	if err != nil {
		return err
	}
	return h.sendInvoicePDF(c, r, inv)
}

// PortalInvoicePay sends the contact to Paysera to pay what is still owed.
func (h *Handlers) PortalInvoicePay(c *fiber.Ctx, r *Request) error {
	inv, err := h.portalInvoice(c, r)
	if err != nil {
		return err
	}
	if !inv.Open() || inv.Kind == tenant.KindCreditNote {
		return h.portalInvoicePage(c, r, errNothingToPay)
	}
	to, err := h.PayseraPayURL(c.UserContext(), r.Agency, r.Tenant, inv, r.User.Email, r.Lang())
	if err != nil {
		return h.portalInvoicePage(c, r, err)
	}
	return h.redirectAway(c, to)
}
