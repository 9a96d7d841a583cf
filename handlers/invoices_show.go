package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/billing/invoicemail"
	"mintedmind/db"
)

// invoiceView is an invoice with every display string made in Go.
type invoiceView struct {
	*db.Invoice
	URL, Title, StatusLabel, DisplayStatus, Subtotal, VAT, Total, Paid, Outstanding, CaseURL, CaseLabel string
	Groups                                                                                              []invoiceGroupView
	Lines                                                                                               []invoiceLineView
	IsDraft, IsOpen, IsCredit                                                                           bool
}

type invoiceGroupView struct{ Rate, Net, VAT string }

type invoiceLineView struct{ Description, Quantity, Price, VAT, Net string }

func (h *Handlers) newInvoiceView(c *fiber.Ctx, inv *db.Invoice) invoiceView {
	today := h.invoiceToday()
	tot := billing.Compute(inv.InvoiceInput.Lines)
	v := invoiceView{Invoice: inv, URL: invoiceBase(c) + "/" + inv.ID, Title: inv.Label(),
		DisplayStatus: inv.DisplayStatus(today), Subtotal: billing.FormatMoney(tot.Subtotal, inv.Currency), VAT: billing.FormatMoney(tot.VAT, inv.Currency),
		Total: billing.FormatMoney(inv.Total, inv.Currency), Paid: billing.FormatMoney(inv.Paid, inv.Currency),
		Outstanding: billing.FormatMoney(inv.Outstanding(), inv.Currency),
		IsDraft:     inv.Status == db.InvoiceDraft, IsOpen: inv.Open(), IsCredit: inv.Kind == db.KindCreditNote}
	v.StatusLabel = db.InvoiceStatusLabel(v.DisplayStatus)
	if inv.CaseID != "" {
		v.CaseURL, v.CaseLabel = "/a/"+agencyOf(c).Slug+"/cases/"+inv.CaseID, db.CaseNumber(inv.CaseNumber)
	}
	for _, g := range tot.ByRate {
		v.Groups = append(v.Groups, invoiceGroupView{billing.FormatRate(g.RateBP) + "%", billing.FormatMoney(g.Net, inv.Currency), billing.FormatMoney(g.VAT, inv.Currency)})
	}
	for _, l := range inv.InvoiceInput.Lines {
		v.Lines = append(v.Lines, invoiceLineView{l.Description, billing.FormatQuantity(l.QuantityMilli), billing.FormatMinor(l.UnitPrice),
			billing.FormatRate(l.VATRateBP) + "%", billing.FormatMinor(l.Net())})
	}
	return v
}

// paymentView is a payment for display.
type paymentView struct{ PaidOn, Amount, Method, Reference, RecordedBy string }

// InvoiceShow is an invoice's page: lines, totals, payments and actions.
func (h *Handlers) InvoiceShow(c *fiber.Ctx) error {
	return h.invoiceShowWith(c, c.Params("id"), nil, nil)
}

// invoiceShowWith renders the invoice page with extra data (a form's
// messages) and the status of err.
func (h *Handlers) invoiceShowWith(c *fiber.Ctx, id string, extra fiber.Map, err error) error {
	v, verr := h.viewer(c)
	if verr != nil {
		return verr
	}
	t := tenantOf(c)
	inv, lerr := t.Invoice(c.UserContext(), v, id)
	if lerr != nil {
		return lerr
	}
	payments, perr := t.InvoicePayments(c.UserContext(), inv.ID)
	if perr != nil {
		return perr
	}
	var pv []paymentView
	for _, p := range payments {
		pv = append(pv, paymentView{p.PaidOn, billing.FormatMoney(p.Amount, p.Currency), db.PaymentMethodLabel(p.Method), p.Reference, p.RecordedBy})
	}
	credits, cerr := t.InvoiceCredits(c.UserContext(), inv.ID)
	if cerr != nil {
		return cerr
	}
	s, serr := t.BillingSettings(c.UserContext())
	if serr != nil {
		return serr
	}
	view := h.newInvoiceView(c, inv)
	var methods []option
	for _, m := range db.ManualMethods {
		methods = append(methods, option{m, db.PaymentMethodLabel(m), m == db.MethodBankTransfer})
	}
	data := fiber.Map{"Title": view.Title, "Invoice": view, "Base": invoiceBase(c), "Payments": pv, "Credits": credits,
		"Methods": methods, "Today": h.invoiceToday(), "PayseraReady": s.PayseraReady(), "PayAmount": billing.FormatMinor(inv.Outstanding()),
		"PaymentErrors": map[string]string{}, "VoidErrors": map[string]string{}, "PayDate": h.invoiceToday(), "PayReference": ""}
	for k, val := range extra {
		data[k] = val
	}
	if err != nil {
		data["Error"] = apperr.MessageOf(err)
		c.Status(statusOf[apperr.CodeOf(err)])
	}
	return h.mapPage(c, "pages/invoices/show", data)
}

// InvoicePDF downloads the invoice's PDF.
func (h *Handlers) InvoicePDF(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	inv, err := tenantOf(c).Invoice(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	return h.sendInvoicePDF(c, inv)
}

// sendInvoicePDF answers with the invoice's PDF as an attachment (staff and
// the client portal, each having loaded inv with its own access).
func (h *Handlers) sendInvoicePDF(c *fiber.Ctx, inv *db.Invoice) error {
	pdf, err := h.invoicePDF(c, inv)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+invoicemail.Filename(inv)+`"`)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(pdf)
}

// invoicePDF renders inv's PDF with the payments received so far and the
// agency's logo.
func (h *Handlers) invoicePDF(c *fiber.Ctx, inv *db.Invoice) ([]byte, error) {
	t := tenantOf(c)
	s, err := t.BillingSettings(c.UserContext())
	if err != nil {
		return nil, err
	}
	if s.Logo, err = t.PDFLogo(c.UserContext()); err != nil {
		return nil, err
	}
	payments, err := t.InvoicePayments(c.UserContext(), inv.ID)
	if err != nil {
		return nil, err
	}
	return invoicemail.PDF(inv, s, agencyOf(c).Name, payments...)
}
