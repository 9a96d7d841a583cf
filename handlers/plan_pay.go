package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/billing"
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
	// Paysera is asked for the whole amount, and a callback for more than
	// is still owed is refused: a part paid already is paid off by hand.
	if paid, err := h.Control.SubscriptionInvoicePaid(ctx, inv.ID); err != nil {
		return err
	} else if paid > 0 {
		return apperr.New(apperr.Conflict, "Part of invoice %s is paid already: please pay the remaining %s by bank transfer with the invoice number as the reference.",
			inv.Number, billing.FormatMoney(inv.Amount-paid, inv.Currency))
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
// payment (app.PaySubscriptionInvoice): the same checks as an agency's
// invoice, against the operator's project, and the payment and its
// operator audit entry in one transaction; "OK" after the commit.
func (h *Handlers) SubscriptionPayseraCallback(c *fiber.Ctx) error {
	res, err := app.PaySubscriptionInvoice(c.UserContext(), h.Control, payseraQuery(c))
	return h.answerPaysera(c, res, err, "callback", "subscription")
}
