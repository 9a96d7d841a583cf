package handlers

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/metrics"
	"mintedmind/paysera"
)

// InvoicePaymentCreate records a manual payment (bank transfer, cash, card
// elsewhere, other); more than is owed is refused and nothing is written.
func (h *Handlers) InvoicePaymentCreate(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	id := c.Params("id")
	in := tenant.PaymentInput{PaidOn: formValue(c, "paid_on"), Method: formValue(c, "method"), Reference: c.FormValue("reference")}
	amountText := formValue(c, "amount")
	var perr error
	if len(amountText) > 40 {
		perr = invalidField("amount", "Enter an amount such as 120.50.")
	} else if in.Amount, err = billing.ParseDecimal(amountText, 2, billing.MaxUnitPrice*billing.MaxLines); err != nil {
		perr = invalidField("amount", "Amount: "+err.Error()+" (such as 120.50).")
	}
	if perr == nil {
		_, perr = r.Tenant.RecordPayment(c.UserContext(), v, caseActor(r), id, in, h.invoiceToday())
	}
	if perr != nil {
		code := apperr.CodeOf(perr)
		if code != apperr.Invalid && code != apperr.Conflict {
			return perr
		}
		view, viewErr := h.invoiceShowView(c, r, id)
		if viewErr != nil {
			return viewErr
		}
		view.Payment = invoicePaymentForm{Amount: amountText, PaidOn: in.PaidOn, Reference: in.Reference,
			Methods: paymentMethodOptions(in.Method), Errors: apperr.FieldsOf(perr)}
		return h.invoiceShowPage(c, view, perr)
	}
	h.auditBilling(c, r, "payment.recorded", id, billing.FormatMinor(in.Amount)+" "+in.Method+" "+in.Reference)
	h.flash(c, "Payment recorded.")
	return h.redirect(c, invoiceBase(r)+"/"+id)
}

// InvoiceSend emails the invoice with its PDF attached to the client's
// first email address.
func (h *Handlers) InvoiceSend(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	t, a := r.Tenant, r.Agency
	inv, err := t.Invoice(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	if err := h.sendInvoiceEmail(c.UserContext(), a, t, inv, app.TemplateInvoice, 0); err != nil {
		if code := apperr.CodeOf(err); code == apperr.Invalid || code == apperr.Conflict {
			view, viewErr := h.invoiceShowView(c, r, inv.ID)
			if viewErr != nil {
				return viewErr
			}
			return h.invoiceShowPage(c, view, err)
		}
		return err
	}
	h.auditBilling(c, r, "invoice.sent", inv.ID, inv.Number)
	h.flash(c, inv.Label()+" sent to the client.")
	return h.redirect(c, invoiceBase(r)+"/"+inv.ID)
}

// sendInvoiceEmail emails an issued invoice with its PDF to the client.
func (h *Handlers) sendInvoiceEmail(ctx context.Context, a *control.Agency, t *tenant.Store, inv *tenant.Invoice, template string, daysLate int) error {
	m, err := h.invoiceMailer()
	if err != nil {
		return err
	}
	return app.SendInvoice(ctx, m, a, t, inv, template, h.Config.BaseURL+"/a/"+a.Slug+"/login", daysLate)
}

// invoiceMailer is the mailer as invoicemail takes it (one that attaches files).
func (h *Handlers) invoiceMailer() (app.Mailer, error) {
	m, ok := h.Mailer.(app.Mailer)
	if !ok {
		return nil, errors.New("handlers: the mailer can't attach files")
	}
	return m, nil
}

// PayseraPayURL starts a Paysera payment of what inv still owes and returns
// the address to send the payer to. The caller has loaded inv with the
// payer's own visibility (staff today; the client portal with its contact).
func (h *Handlers) PayseraPayURL(ctx context.Context, a *control.Agency, t *tenant.Store, inv *tenant.Invoice, payerEmail string) (string, error) {
	s, err := t.BillingSettings(ctx)
	if err != nil {
		return "", err
	}
	if !s.PayseraReady() {
		return "", apperr.New(apperr.Conflict, "Paysera is not set up: an admin adds the project id, sign password and Paysera's public key in the billing settings.")
	}
	o, err := t.CreatePayseraOrder(ctx, inv, s.PayseraTest)
	if err != nil {
		return "", err
	}
	base := h.Config.BaseURL + "/a/" + a.Slug + "/payments/paysera"
	q := "?invoice=" + url.QueryEscape(inv.ID)
	signed, err := paysera.Build(paysera.Request{ProjectID: s.PayseraProjectID, OrderID: o.OrderID, Amount: o.Amount, Currency: o.Currency,
		AcceptURL: base + "/accept" + q, CancelURL: base + "/cancel" + q, CallbackURL: h.Config.BaseURL + "/pay/" + a.Slug + "/paysera/callback",
		PayText: "Invoice " + inv.Number + " ([order_nr]) [site_name]", Email: payerEmail, Test: s.PayseraTest, PayURL: h.payseraURL()}, s.PayseraPassword)
	if err != nil {
		return "", apperr.New(apperr.Invalid, "The Paysera settings can't make a payment: %s", strings.TrimPrefix(err.Error(), "paysera: "))
	}
	return signed.URL, nil
}

// InvoicePay sends staff (testing the set-up) to Paysera to pay an invoice.
func (h *Handlers) InvoicePay(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	t := r.Tenant
	inv, err := t.Invoice(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	to, err := h.PayseraPayURL(c.UserContext(), r.Agency, t, inv, "")
	if err != nil {
		return err
	}
	return h.redirectAway(c, to)
}

// PayseraCallback takes Paysera's report of a payment. It needs no session:
// the signatures (ss1, and ss2 or ss3 with the agency's Paysera public key)
// are its authentication. The route's Callback level resolves the agency
// (an unknown, archived or deleted one is refused before this runs). Anything wrong answers a bare "Error" (and is
// logged); a payment is recorded once however often the callback comes,
// and "OK" is answered only after the commit.
func (h *Handlers) PayseraCallback(c *fiber.Ctx, r *Request) error {
	c.Type("txt", "utf-8")
	refuse := func(reason string, args ...any) error {
		metrics.PaymentCallback("refused")
		h.logger(c).Warn("paysera callback refused", append([]any{"reason", reason}, args...)...)
		return c.Status(fiber.StatusBadRequest).SendString("Error")
	}
	a, t := r.Agency, r.Tenant
	s, err := t.BillingSettings(c.UserContext())
	if err != nil {
		return err
	}
	if !s.PayseraReady() {
		return refuse("paysera not set up", "agency_id", a.ID)
	}
	q := url.Values{}
	for _, k := range []string{"data", "ss1", "ss2", "ss3"} {
		if v := c.Query(k); v != "" {
			q.Set(k, v)
		} else if v := c.FormValue(k); v != "" {
			q.Set(k, v)
		}
	}
	verifier, err := app.PayseraVerifier(s)
	if err != nil {
		return refuse("bad public key in settings", "agency_id", a.ID)
	}
	cb, err := verifier.Verify(q)
	if err != nil {
		return refuse("signature", "agency_id", a.ID, "err", err)
	}
	outcome, err := t.ApplyPayseraCallback(c.UserContext(), s, app.PayseraPayment(cb))
	if err != nil {
		if apperr.CodeOf(err) == apperr.Internal {
			return err
		}
		return refuse("callback not applicable", "agency_id", a.ID, "order", cb.OrderID, "err", err)
	}
	metrics.PaymentCallback("accepted")
	h.logger(c).Info("paysera callback", "agency_id", a.ID, "order", cb.OrderID, "status", cb.Status, "outcome", outcome)
	if outcome == tenant.CallbackRecorded {
		if err := t.RecordAudit(c.UserContext(), tenant.Audit{Action: "payment.recorded", ActorName: "Paysera", Target: cb.OrderID, IP: c.IP(),
			Detail: billing.FormatMinor(cb.Amount) + " " + cb.Currency + " paysera request " + cb.RequestID}); err != nil {
			h.logger(c).Error("audit paysera payment", "agency_id", a.ID, "err", err)
		}
	}
	return c.SendString("OK")
}

// payseraReturnView is the page a payer comes back to from Paysera.
type payseraReturnView struct {
	Page
	Accepted   bool   // paid (as far as the payer's browser knows), or cancelled
	InvoiceURL string // back to the invoice (or the invoices) in the portal, for a signed-in client contact
}

// PayseraAccept is where Paysera sends the payer back after paying. It
// marks nothing paid: only the signed callback does.
func (h *Handlers) PayseraAccept(c *fiber.Ctx, r *Request) error {
	return h.page(c, "pages/invoices/paid", payseraReturn(c, r, "Thank you", true))
}

// PayseraCancel is where Paysera sends a payer who cancelled.
func (h *Handlers) PayseraCancel(c *fiber.Ctx, r *Request) error {
	return h.page(c, "pages/invoices/paid", payseraReturn(c, r, "Payment cancelled", false))
}

// payseraReturn is the return page's view model. Only a client contact
// gets a link back: staff and a payer not signed in have no portal.
func payseraReturn(c *fiber.Ctx, r *Request, title string, accepted bool) *payseraReturnView {
	view := &payseraReturnView{Page: Page{Title: title}, Accepted: accepted}
	if r.User != nil && r.User.Role == tenant.RoleClient {
		view.InvoiceURL = "/a/" + r.Agency.Slug + "/portal/invoices"
		if id := paidInvoiceID(c); id != "" {
			view.InvoiceURL += "/" + id
		}
	}
	return view
}

// paidInvoiceID is the invoice a payer comes back from, when the URL names
// a well-formed one (it only builds a link back).
func paidInvoiceID(c *fiber.Ctx) string {
	if id := c.Query("invoice"); uuid.Validate(id) == nil {
		return id
	}
	return ""
}
