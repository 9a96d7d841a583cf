package app

import (
	"context"
	"net/url"
	"strings"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/paysera"
)

// SubscriptionCallbackPath is where the operator's Paysera project reports
// subscription payments (PaySubscriptionInvoice takes them).
const SubscriptionCallbackPath = "/subscriptions/paysera/callback"

// AgencyCallbackPath is where an agency's Paysera project reports payments
// of its invoices (PayAgencyInvoice takes them).
func AgencyCallbackPath(slug string) string { return "/pay/" + slug + "/paysera/callback" }

// PayseraCheckout starts Paysera payments: it records what is being paid
// and signs the request that sends the payer to Paysera. The two kinds of
// payment (an agency's invoice through the agency's own project, a
// subscription invoice through the operator's) start here and end in the
// one payment flow of payments.go.
type PayseraCheckout struct {
	BaseURL string // the server's public address, for the return and callback addresses
	PayURL  string // Paysera's checkout (paysera.PayURL unless configured)
	Lang    string // the payer's language (i18n code): Paysera's checkout opens in it (paysera.Lang)
}

// AgencyInvoice starts a payment of what inv still owes, through agency
// a's Paysera project, and returns the address to send the payer to. The
// caller has loaded inv with the payer's own visibility (staff testing the
// set-up; the client portal with its contact); payerEmail may be empty.
func (p PayseraCheckout) AgencyInvoice(ctx context.Context, a *control.Agency, t *tenant.Store, inv *tenant.Invoice, payerEmail string) (string, error) {
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
	back := p.BaseURL + "/a/" + a.Slug + "/payments/paysera"
	q := "?invoice=" + url.QueryEscape(inv.ID)
	signed, err := paysera.Build(paysera.Request{ProjectID: s.PayseraProjectID, OrderID: o.OrderID, Amount: o.Amount, Currency: o.Currency,
		AcceptURL: back + "/accept" + q, CancelURL: back + "/cancel" + q, CallbackURL: p.BaseURL + AgencyCallbackPath(a.Slug),
		PayText: "Invoice " + inv.Number + " ([order_nr]) [site_name]", Email: payerEmail, Lang: paysera.Lang(p.Lang), Test: s.PayseraTest, PayURL: p.PayURL}, s.PayseraPassword)
	if err != nil {
		return "", apperr.New(apperr.Invalid, "The Paysera settings can't make a payment: %s", strings.TrimPrefix(err.Error(), "paysera: "))
	}
	return signed.URL, nil
}

// SubscriptionInvoice starts a payment of agency a's subscription invoice
// invoiceID through the operator's Paysera project and returns the
// invoice and the address to send the owner to. Another agency's invoice
// is not found; one that is not open, or partly paid already (Paysera is
// asked for the whole amount and a callback for more than is owed is
// refused), is a conflict that says how to pay instead.
func (p PayseraCheckout) SubscriptionInvoice(ctx context.Context, c *control.Store, a *control.Agency, invoiceID, payerEmail string) (*control.SubscriptionInvoice, string, error) {
	inv, err := c.SubscriptionInvoiceByID(ctx, invoiceID)
	if err != nil {
		return nil, "", err
	}
	if inv.AgencyID != a.ID {
		return nil, "", apperr.New(apperr.NotFound, "Invoice not found.")
	}
	if inv.Status != control.SubInvoiceOpen {
		return nil, "", apperr.New(apperr.Conflict, "Invoice %s is %s: there is nothing to pay.", inv.Number, inv.Status)
	}
	if paid, err := c.SubscriptionInvoicePaid(ctx, inv.ID); err != nil {
		return nil, "", err
	} else if paid > 0 {
		return nil, "", apperr.New(apperr.Conflict, "Part of invoice %s is paid already: please pay the remaining %s by bank transfer with the invoice number as the reference.",
			inv.Number, billing.FormatMoney(inv.Amount-paid, inv.Currency))
	}
	s, err := c.LoadSubscriptionSettings(ctx)
	if err != nil {
		return nil, "", err
	}
	if !s.PayseraReady() {
		return nil, "", apperr.New(apperr.Conflict, "Online payment is not set up yet: please pay by bank transfer with the invoice number as the reference.")
	}
	back := p.BaseURL + "/a/" + a.Slug + "/plan"
	signed, err := paysera.Build(paysera.Request{ProjectID: s.PayseraProjectID, OrderID: inv.ID, Amount: inv.Amount, Currency: inv.Currency,
		AcceptURL: back + "?paid=1", CancelURL: back, CallbackURL: p.BaseURL + SubscriptionCallbackPath,
		PayText: "Invoice " + inv.Number + " [site_name]", Email: payerEmail, Lang: paysera.Lang(p.Lang), Test: s.PayseraTest, PayURL: p.PayURL}, s.PayseraPassword)
	if err != nil {
		return nil, "", err
	}
	return inv, signed.URL, nil
}
