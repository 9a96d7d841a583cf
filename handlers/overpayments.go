package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/i18n"
)

// settlementOptions are the ways an overpayment is settled, for its form,
// in lang.
func settlementOptions(lang string) []option {
	return []option{
		{billing.SettledRefunded, i18n.T(lang, "settlement.option."+billing.SettledRefunded), false},
		{billing.SettledCredited, i18n.T(lang, "settlement.option."+billing.SettledCredited), false},
	}
}

// settledText says how, by whom and on which day an overpayment was
// settled: "Refunded by Ada on 2026-11-02".
func settledText(lang, how, by string, on time.Time) string {
	return i18n.T(lang, "settlement.settled_by", "How", i18n.T(lang, "settlement."+how), "Name", by, "Date", on.UTC().Format(billing.DateLayout))
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
	lang := r.Lang()
	h.flash(c, i18n.T(lang, "settlement.flash", "Amount", i18n.Money(lang, o.Amount, o.Currency), "How", i18n.T(lang, "settlement."+o.Settlement)))
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
	h.flash(c, "Overpayment of "+i18n.Money(i18n.English, o.Amount, o.Currency)+" on "+o.Number+" marked "+i18n.T(i18n.English, "settlement."+o.Settlement)+".") // the operator's console is in English
	return h.redirect(c, "/operator/billing")
}
