package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/billing"
)

// settlementOptions are the ways an overpayment is settled, for its form.
var settlementOptions = []option{
	{billing.SettledRefunded, "Refunded to the payer", false},
	{billing.SettledCredited, "Credited to the client", false},
}

// OverpaymentSettle marks one of an invoice's overpayments refunded or
// credited, once (a second request, even at the same moment, is a
// conflict and changes nothing), audited in the same transaction.
func (h *Handlers) OverpaymentSettle(c *fiber.Ctx, r *Request) error {
	ctx := c.UserContext()
	v, err := r.Viewer(ctx)
	if err != nil {
		return err
	}
	inv, err := r.Tenant.Invoice(ctx, v, c.Params("id"))
	if err != nil {
		return err
	}
	o, err := r.Tenant.SettleOverpayment(ctx, inv.ID, c.Params("oid"), formValue(c, "how"), r.User.Name, auditFor(c, "overpayment.settled", inv.ID))
	if err != nil {
		if code := apperr.CodeOf(err); code != apperr.Invalid && code != apperr.Conflict {
			return err
		}
		view, verr := h.invoiceShowView(c, r, inv.ID)
		if verr != nil {
			return verr
		}
		if m := apperr.FieldsOf(err)["how"]; m != "" {
			err = apperr.New(apperr.Invalid, "%s", m)
		}
		return h.invoiceShowPage(c, view, err)
	}
	h.flash(c, "Overpayment of "+billing.FormatMoney(o.Amount, o.Currency)+" marked "+billing.SettlementLabel(o.Settlement)+".")
	return h.redirect(c, invoiceBase(r)+"/"+inv.ID)
}

// OperatorOverpaymentSettle marks a subscription overpayment refunded or
// credited, once, in the operator audit log.
func (h *Handlers) OperatorOverpaymentSettle(c *fiber.Ctx) error {
	o, err := h.Control.SettleSubscriptionOverpayment(c.UserContext(), c.Params("id"), formValue(c, "how"), h.operatorAuditEntry(c, "overpayment.settled", "", ""))
	if err != nil {
		if m := apperr.FieldsOf(err)["how"]; m != "" {
			err = apperr.New(apperr.Invalid, "%s", m)
		}
		return h.operatorBillingPage(c, err)
	}
	h.flash(c, "Overpayment of "+billing.FormatMoney(o.Amount, o.Currency)+" on "+o.Number+" marked "+billing.SettlementLabel(o.Settlement)+".")
	return h.redirect(c, "/operator/billing")
}
