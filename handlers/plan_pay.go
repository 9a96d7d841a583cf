package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
)

// subscriptionCallbackPath is where the operator's Paysera project reports
// subscription payments.
const subscriptionCallbackPath = app.SubscriptionCallbackPath

// PlanInvoicePay sends the owner to Paysera to pay a subscription invoice
// through the operator's own Paysera project
// (app.PayseraCheckout.SubscriptionInvoice).
func (h *Handlers) PlanInvoicePay(c *fiber.Ctx, r *Request) error {
	inv, to, err := h.checkout(r.Lang()).SubscriptionInvoice(c.UserContext(), h.Control, r.Agency, c.Params("id"), r.User.Email)
	if err != nil {
		return err
	}
	h.logger(c).Info("subscription payment started", "agency_id", r.Agency.ID, "invoice", inv.Number)
	return h.redirectAway(c, to)
}

// SubscriptionPayseraCallback takes Paysera's report of a subscription
// payment (app.PaySubscriptionInvoice): the same checks as an agency's
// invoice, against the operator's project, and the payment and its
// operator audit entry in one transaction; "OK" after the commit.
func (h *Handlers) SubscriptionPayseraCallback(c *fiber.Ctx) error {
	res, err := app.PaySubscriptionInvoice(c.UserContext(), h.Control, payseraQuery(c))
	return h.answerPaysera(c, res, err, "callback", "subscription")
}
