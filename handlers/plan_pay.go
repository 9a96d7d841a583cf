package handlers

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/control"
	"mintedmind/paysera"
)

// subscriptionCallbackPath is where the operator's Paysera project reports
// subscription payments.
const subscriptionCallbackPath = "/subscriptions/paysera/callback"

// PlanInvoicePay sends the owner to Paysera to pay a subscription invoice
// through the operator's own Paysera project.
func (h *Handlers) PlanInvoicePay(c *fiber.Ctx, r *Request) error {
	ctx := c.UserContext()
	a := r.Agency
	inv, err := h.ownInvoice(c, r)
	if err != nil {
		return err
	}
	if inv.Status != control.SubInvoiceOpen {
		return apperr.New(apperr.Conflict, "Invoice %s is %s: there is nothing to pay.", inv.Number, inv.Status)
	}
	s, err := h.Control.LoadSubscriptionSettings(ctx)
	if err != nil {
		return err
	}
	if !s.PayseraReady() {
		return apperr.New(apperr.Conflict, "Online payment is not set up yet: please pay by bank transfer with the invoice number as the reference.")
	}
	back := h.Config.BaseURL + "/a/" + a.Slug + "/plan"
	signed, err := paysera.Build(paysera.Request{ProjectID: s.PayseraProjectID, OrderID: inv.ID, Amount: inv.Amount, Currency: inv.Currency,
		AcceptURL: back + "?paid=1", CancelURL: back, CallbackURL: h.Config.BaseURL + subscriptionCallbackPath,
		PayText: "Invoice " + inv.Number + " [site_name]", Email: r.User.Email, Test: s.PayseraTest, PayURL: h.payseraURL()}, s.PayseraPassword)
	if err != nil {
		return err
	}
	h.logger(c).Info("subscription payment started", "agency_id", a.ID, "invoice", inv.Number)
	return h.redirectAway(c, signed.URL)
}

// SubscriptionPayseraCallback takes Paysera's report of a subscription
// payment. Its signatures, checked with the operator's project password and
// Paysera's public key, are its authentication; a payment is recorded once
// however often the report comes, and "OK" is answered after the commit.
func (h *Handlers) SubscriptionPayseraCallback(c *fiber.Ctx) error {
	c.Type("txt", "utf-8")
	refuse := func(reason string, args ...any) error {
		h.logger(c).Warn("subscription paysera callback refused", append([]any{"reason", reason}, args...)...)
		return c.Status(fiber.StatusBadRequest).SendString("Error")
	}
	ctx := c.UserContext()
	s, err := h.Control.LoadSubscriptionSettings(ctx)
	if err != nil {
		return err
	}
	if !s.PayseraReady() {
		return refuse("paysera not set up")
	}
	key, err := paysera.ParsePublicKey(s.PayseraPublicKey)
	if err != nil {
		return refuse("bad public key in settings")
	}
	q := url.Values{}
	for _, k := range []string{"data", "ss1", "ss2", "ss3"} {
		if v := c.Query(k); v != "" {
			q.Set(k, v)
		} else if v := c.FormValue(k); v != "" {
			q.Set(k, v)
		}
	}
	cb, err := paysera.Verifier{Password: s.PayseraPassword, PublicKey: key}.Verify(q)
	if err != nil {
		return refuse("signature", "err", err)
	}
	if cb.ProjectID != s.PayseraProjectID {
		return refuse("another project", "project", cb.ProjectID)
	}
	if cb.Test && !s.PayseraTest {
		return refuse("a test payment while test mode is off", "order", cb.OrderID)
	}
	if cb.Status != paysera.StatusPaid {
		h.logger(c).Info("subscription paysera callback", "order", cb.OrderID, "status", cb.Status)
		return c.SendString("OK")
	}
	inv, err := h.Control.SubscriptionInvoiceByID(ctx, cb.OrderID)
	if apperr.Is(err, apperr.NotFound) {
		return refuse("unknown invoice", "order", cb.OrderID)
	}
	if err != nil {
		return err
	}
	if cb.Amount != inv.Amount || cb.Currency != inv.Currency {
		return refuse("amount differs from the invoice", "order", cb.OrderID, "amount", cb.Amount, "currency", cb.Currency)
	}
	ref := cb.RequestID
	if ref == "" {
		ref = cb.OrderID
	}
	res, err := h.Control.RecordSubscriptionPayment(ctx, inv.ID, cb.Amount, cb.Currency, "paysera", ref, "Paysera")
	if err != nil {
		if apperr.CodeOf(err) != apperr.Internal {
			return refuse("payment not applicable", "order", cb.OrderID, "err", err)
		}
		return err
	}
	h.logger(c).Info("subscription paid through paysera", "agency_id", inv.AgencyID, "invoice", inv.Number, "duplicate", res.Duplicate, "reactivated_from", res.Reactivated)
	return c.SendString("OK")
}
