package app

// A contact's acceptance of a quote (issue 18 points 3 and 5): the store
// records it, seals the signed PDF and starts what staff chose (the
// deposit invoice, the case, the recurring invoice) in one transaction;
// after the commit, the deposit invoice is delivered as an invoice staff
// issue is (DeliverIssued: the client's portal contacts are told).

import (
	"context"

	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

// QuoteAcceptance is what AcceptQuote did: the quote as accepted, the
// deposit invoice it issued (nil for none) and what delivering that
// invoice did.
type QuoteAcceptance struct {
	Quote   *tenant.Quote
	Deposit *tenant.Invoice
	Sent    Delivery
}

// AcceptQuote accepts quote id for the contact v (tenant.AcceptQuote,
// audited with accepted; in.AgencyName is set from a), then delivers the
// deposit invoice the acceptance issued, if any. An error accepting is
// returned as the error; the delivery's errors are in Sent.
func AcceptQuote(ctx context.Context, m Mailer, a *control.Agency, t *tenant.Store, v tenant.Viewer, actor tenant.Actor, id string, in tenant.Acceptance,
	accepted tenant.Audit, baseURL string) (*QuoteAcceptance, error) {
	in.AgencyName = a.Name
	q, err := t.AcceptQuote(ctx, v, actor, id, in, accepted)
	if err != nil {
		return nil, err
	}
	out := &QuoteAcceptance{Quote: q}
	if q.Started.DepositInvoiceID == "" {
		return out, nil
	}
	if out.Deposit, err = t.Invoice(ctx, v, q.Started.DepositInvoiceID); err != nil {
		return out, err
	}
	out.Sent = DeliverIssued(ctx, m, a, t, out.Deposit, baseURL, false, tenant.Audit{})
	return out, nil
}
