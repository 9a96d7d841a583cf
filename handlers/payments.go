package handlers

import (
	"context"
	"errors"
	"net/url"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
	"mintedmind/metrics"
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
		_, perr = r.Tenant.RecordPayment(c.UserContext(), v, caseActor(r), id, in, h.invoiceToday(r), auditFor(c, "payment.recorded", ""))
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
			Methods: paymentMethodOptions(r.Lang(), in.Method), Errors: translatedFields(r.Lang(), perr)}
		return h.invoiceShowPage(c, view, perr)
	}
	h.publishInvoice(c, r, v, id)
	h.flash(c, i18n.T(r.Lang(), "inv.payment_recorded"))
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
	m, err := h.invoiceMailer()
	if err == nil {
		err = app.SendInvoice(c.UserContext(), m, a, t, inv, app.TemplateInvoice, h.Config.BaseURL, 0, auditFor(c, "invoice.sent", ""))
	}
	if err != nil {
		if code := apperr.CodeOf(err); code == apperr.Invalid || code == apperr.Conflict {
			view, viewErr := h.invoiceShowView(c, r, inv.ID)
			if viewErr != nil {
				return viewErr
			}
			return h.invoiceShowPage(c, view, err)
		}
		return err
	}
	h.flash(c, i18n.T(r.Lang(), "inv.sent_flash", "Label", inv.Label()))
	return h.redirect(c, invoiceBase(r)+"/"+inv.ID)
}

// invoiceMailer is the mailer as app's invoice emails take it (one that attaches files).
func (h *Handlers) invoiceMailer() (app.Mailer, error) {
	m, ok := h.Mailer.(app.Mailer)
	if !ok {
		return nil, errors.New("handlers: the mailer can't attach files")
	}
	return m, nil
}

// checkout starts Paysera payments from this server (app.PayseraCheckout),
// with Paysera's checkout in the payer's language lang.
func (h *Handlers) checkout(lang string) app.PayseraCheckout {
	return app.PayseraCheckout{BaseURL: h.Config.BaseURL, PayURL: h.payseraURL(), Lang: lang}
}

// PayseraPayURL starts a Paysera payment of what inv still owes and returns
// the address to send the payer to (app.PayseraCheckout.AgencyInvoice).
// Paysera's checkout opens in the payer's language lang.
func (h *Handlers) PayseraPayURL(ctx context.Context, a *control.Agency, t *tenant.Store, inv *tenant.Invoice, payerEmail, lang string) (string, error) {
	return h.checkout(lang).AgencyInvoice(ctx, a, t, inv, payerEmail)
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
	to, err := h.PayseraPayURL(c.UserContext(), r.Agency, t, inv, "", r.Lang())
	if err != nil {
		return err
	}
	return h.redirectAway(c, to)
}

// PayseraCallback takes Paysera's report of a payment of one of the
// agency's invoices (app.PayAgencyInvoice). It needs no session: the
// signatures (ss1, and ss2 or ss3 with the agency's Paysera public key) are
// its authentication. The route's Callback level resolves the agency (an
// unknown, archived or deleted one is refused before this runs).
func (h *Handlers) PayseraCallback(c *fiber.Ctx, r *Request) error {
	a := r.Agency
	res, notifyErr, err := app.PayAgencyInvoice(c.UserContext(), r.Tenant, payseraQuery(c), c.IP(),
		app.PayeeAgency{ID: a.ID, Name: a.Name, Slug: a.Slug, BaseURL: h.Config.BaseURL, Mailer: h.Mailer})
	if notifyErr != nil {
		h.logger(c).Error("overpayment email not queued", "agency_id", a.ID, "order", res.OrderID, "err", notifyErr)
	}
	if err == nil && (res.Outcome == app.PaymentRecorded || res.Outcome == app.PaymentOverpaid) {
		h.publishOrderPaid(c, r, res.OrderID)
	}
	return h.answerPaysera(c, res, err, "agency_id", a.ID)
}

// payseraQuery is a Paysera callback's signed fields, sent by GET or POST.
func payseraQuery(c *fiber.Ctx) url.Values {
	q := url.Values{}
	for _, k := range []string{"data", "ss1", "ss2", "ss3"} {
		if v := c.Query(k); v != "" {
			q.Set(k, v)
		} else if v := c.FormValue(k); v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// answerPaysera answers a Paysera callback once app ran it: "OK" when it
// was handled (a payment is recorded once however often the callback
// comes, and only after the commit), a bare "Error" when it was refused
// (logged), and an internal failure as any other error, so Paysera tries
// again later.
func (h *Handlers) answerPaysera(c *fiber.Ctx, res app.PaymentCallback, err error, args ...any) error {
	c.Type("txt", "utf-8")
	args = append(args, "order", res.OrderID, "invoice", res.Invoice, "status", res.Status)
	if err != nil {
		if apperr.CodeOf(err) == apperr.Internal {
			return err
		}
		metrics.PaymentCallback("refused")
		h.logger(c).Warn("paysera callback refused", append(args, "reason", apperr.MessageOf(err))...)
		return c.Status(fiber.StatusBadRequest).SendString("Error")
	}
	metrics.PaymentCallback("accepted")
	h.logger(c).Info("paysera callback", append(args, "outcome", res.Outcome)...)
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
