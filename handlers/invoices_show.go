package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// invoiceView is an invoice with every display string made in Go.
type invoiceView struct {
	*tenant.Invoice
	URL, Title, StatusLabel, DisplayStatus, CaseURL, CaseLabel string
	Subtotal, VAT, Total, Paid, Outstanding                    amount
	// DiscountRate is the discount on the total ("5 %", "" for none) and
	// Discount what it took off the subtotal (the lines' sum, before it).
	DiscountRate              string
	Discount                  amount
	LineDiscounts             bool // some line has a discount of its own
	Groups                    []invoiceGroupView
	Lines                     []invoiceShownLine
	TaxNotes                  []string // the legal notes of the lines' tax presets
	Lang                      string   // the viewer's language
	IsDraft, IsOpen, IsCredit bool
}

// invoiceGroupView is the VAT of one rate: the rate, the net amount at it and its VAT.
type invoiceGroupView struct {
	Rate     string
	Net, VAT amount
}

// invoiceShownLine is one line of an invoice as its page shows it.
type invoiceShownLine struct {
	Description, Quantity string
	Price                 amount
	VAT                   string
	Discount              string // the line's own discount ("10 %", "" for none)
	Net                   amount // after the line's own discount
}

// newInvoiceView is inv as the request's agency's invoice page shows it
// (the portal changes its links to its own).
func (h *Handlers) newInvoiceView(r *Request, inv *tenant.Invoice) invoiceView {
	today := h.invoiceToday(r)
	tot := inv.InvoiceInput.Totals()
	shown := *inv // its times in the agency's zone, for when
	shown.SentAt = r.local(inv.SentAt)
	inv = &shown
	v := invoiceView{Invoice: inv, URL: invoiceBase(r) + "/" + inv.ID, Title: inv.Label(),
		DisplayStatus: inv.DisplayStatus(today), Subtotal: r.money(tot.Subtotal+tot.TotalDiscount, inv.Currency), VAT: r.money(tot.VAT, inv.Currency),
		Total: r.money(inv.Total, inv.Currency), Paid: r.money(inv.Paid, inv.Currency),
		Outstanding: r.money(inv.Outstanding(), inv.Currency),
		IsDraft:     inv.Status == tenant.InvoiceDraft, IsOpen: inv.Open(), IsCredit: inv.Kind == tenant.KindCreditNote}
	v.StatusLabel = i18n.T(r.Lang(), tenant.InvoiceStatusLabel(v.DisplayStatus))
	if inv.CaseID != "" {
		v.CaseURL, v.CaseLabel = caseBase(r)+"/"+inv.CaseID, tenant.CaseNumber(inv.CaseNumber)
	}
	v.TaxNotes, v.Lang = billing.TaxNotes(inv.InvoiceInput.Lines), r.Lang()
	for _, g := range tot.ByRate {
		v.Groups = append(v.Groups, invoiceGroupView{billing.FormatRate(g.RateBP) + "%", r.money(g.Net, inv.Currency), r.money(g.VAT, inv.Currency)})
	}
	if tot.TotalDiscount != 0 {
		v.DiscountRate, v.Discount = billing.FormatRate(inv.DiscountBP)+" %", r.money(tot.TotalDiscount, inv.Currency)
	}
	for _, l := range inv.InvoiceInput.Lines {
		line := invoiceShownLine{l.Description, billing.FormatQuantity(l.QuantityMilli), r.money(l.UnitPrice, ""),
			billing.FormatRate(l.VATRateBP) + "%", "", r.money(l.NetAfterDiscount(), "")}
		if l.DiscountBP != 0 {
			line.Discount, v.LineDiscounts = billing.FormatRate(l.DiscountBP)+" %", true
		}
		v.Lines = append(v.Lines, line)
	}
	return v
}

// paymentView is a payment for display.
type paymentView struct {
	PaidOn                        string
	Amount                        amount
	Method, Reference, RecordedBy string
}

// overpaymentView is money taken for the invoice beyond what it owed, for
// staff to refund or credit.
type overpaymentView struct {
	ID, Received, Method, Reason, OrderID string
	Amount                                amount
	Settled                               string // how, by whom and when it was settled; empty while open
	SettleURL                             string // where an admin marks it refunded or credited; empty for staff
}

// invoicePaymentForm is the invoice page's "Record a payment" form: what
// was typed (or the defaults: what is owed, today, a bank transfer) and
// the messages beside its fields.
type invoicePaymentForm struct {
	Amount, PaidOn, Reference string
	Methods                   []option
	Errors                    map[string]string
}

// invoiceVoidForm is the invoice page's "Void" form and its message.
type invoiceVoidForm struct {
	Reason string
	Errors map[string]string
}

// invoiceShowView is an invoice's page.
type invoiceShowView struct {
	Page
	Error        string // why the action posted from the page was refused
	Base         string
	Invoice      invoiceView
	Payments     []paymentView
	Credits      []tenant.InvoiceRow // the credit notes of the invoice
	Overpayments []overpaymentView   // still to refund or credit
	Settled      []overpaymentView   // refunded or credited
	Settlements  []option            // the ways to settle one
	PayseraReady bool
	Payment      invoicePaymentForm
	Void         invoiceVoidForm
}

// InvoiceShow is an invoice's page: lines, totals, payments and actions.
func (h *Handlers) InvoiceShow(c *fiber.Ctx, r *Request) error {
	view, err := h.invoiceShowView(c, r, c.Params("id"))
	if err != nil {
		return err
	}
	return h.invoiceShowPage(c, view, nil)
}

// invoiceShowView loads what invoice id's page shows, its forms empty.
func (h *Handlers) invoiceShowView(c *fiber.Ctx, r *Request, id string) (*invoiceShowView, error) {
	ctx := c.UserContext()
	v, err := r.Viewer(ctx)
	if err != nil {
		return nil, err
	}
	t := r.Tenant
	inv, err := t.Invoice(ctx, v, id)
	if err != nil {
		return nil, err
	}
	payments, err := t.InvoicePayments(ctx, inv.ID)
	if err != nil {
		return nil, err
	}
	credits, err := t.InvoiceCredits(ctx, inv.ID)
	if err != nil {
		return nil, err
	}
	over, err := t.InvoiceOverpayments(ctx, inv.ID)
	if err != nil {
		return nil, err
	}
	s, err := t.BillingSettings(ctx)
	if err != nil {
		return nil, err
	}
	view := &invoiceShowView{Base: invoiceBase(r), Invoice: h.newInvoiceView(r, inv), Credits: credits, PayseraReady: s.PayseraReady(),
		Payment: invoicePaymentForm{Amount: billing.FormatMinor(inv.Outstanding()), PaidOn: h.invoiceToday(r), Methods: paymentMethodOptions(r.Lang(), tenant.MethodBankTransfer)}}
	view.Title = view.Invoice.Title
	for _, p := range payments {
		view.Payments = append(view.Payments, paymentView{p.PaidOn, r.money(p.Amount, p.Currency), paymentMethodText(r.Lang(), p.Method), p.Reference, p.RecordedBy})
	}
	admin := tenant.RoleRank(r.User.Role) >= tenant.RoleRank(tenant.RoleAdmin)
	view.Settlements = settlementOptions(r.Lang())
	for _, o := range over {
		ov := overpaymentView{ID: o.ID, Received: o.CreatedAt.UTC().Format(billing.DateLayout), Amount: r.money(o.Amount, o.Currency),
			Method: paymentMethodText(r.Lang(), o.Method), Reason: o.Reason, OrderID: o.OrderID}
		if !o.Open() {
			ov.Settled = settledText(r.Lang(), o.Settlement, o.SettledBy, o.SettledAt)
			view.Settled = append(view.Settled, ov)
			continue
		}
		if admin {
			ov.SettleURL = view.Base + "/" + inv.ID + "/overpayments/" + o.ID + "/settle"
		}
		view.Overpayments = append(view.Overpayments, ov)
	}
	return view, nil
}

// invoiceShowPage renders the invoice page; after a refused action, with
// err's message and status (the form's own messages are in view).
func (h *Handlers) invoiceShowPage(c *fiber.Ctx, view *invoiceShowView, err error) error {
	if err != nil {
		view.Error = i18n.T(langOf(c), apperr.MessageOf(err))
		c.Status(statusOf[apperr.CodeOf(err)])
	}
	return h.page(c, "pages/invoices/show", view)
}

// paymentMethodOptions are the methods a payment is recorded with by hand.
func paymentMethodOptions(lang, selected string) []option {
	out := make([]option, len(tenant.ManualMethods))
	for i, m := range tenant.ManualMethods {
		out[i] = option{m, paymentMethodText(lang, m), m == selected}
	}
	return out
}

// InvoicePDF downloads the invoice's PDF.
func (h *Handlers) InvoicePDF(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	inv, err := r.Tenant.Invoice(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	return h.sendInvoicePDF(c, r, inv)
}

// sendInvoicePDF answers with the invoice's PDF as an attachment (staff and
// the client portal, each having loaded inv with its own access).
func (h *Handlers) sendInvoicePDF(c *fiber.Ctx, r *Request, inv *tenant.Invoice) error {
	pdf, err := h.invoicePDF(c, r, inv)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+app.InvoiceFilename(inv)+`"`)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(pdf)
}

// invoicePDF renders inv's PDF with the payments received so far and the
// agency's logo.
func (h *Handlers) invoicePDF(c *fiber.Ctx, r *Request, inv *tenant.Invoice) ([]byte, error) {
	t := r.Tenant
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
	lang, err := t.DocumentLanguage(c.UserContext(), inv.ClientID) // the client's document: its language, else the agency's
	if err != nil {
		return nil, err
	}
	return app.InvoicePayablePDFIn(lang, inv, s, r.Agency.Name, app.InvoicePayURL(h.Config.BaseURL, r.Agency.Slug, inv.ID), payments...)
}

// paymentMethodText is method m named in lang: the catalogue's
// "payment.method.<English name>" (a top-level id may not be "Other",
// which go-i18n takes for a plural form), else the English name.
func paymentMethodText(lang, m string) string {
	name := tenant.PaymentMethodLabel(m)
	if s := i18n.T(lang, "payment.method."+name); s != "payment.method."+name {
		return s
	}
	return name
}
