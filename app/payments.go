package app

// One payment flow for both Paysera callbacks: an agency's client paying
// one of the agency's invoices (the tenant store owns it) and an agency
// paying the operator's subscription invoice (the control store owns it).
// Both run the same checks in the same order and record the payment and
// its audit row in one transaction of the store that owns the invoice.

import (
	"context"
	"errors"
	"net/url"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/paysera"
)

// PayseraAccount is a Paysera project invoices are paid through: an
// agency's (its billing settings) or the operator's (the subscription
// settings).
type PayseraAccount struct {
	ProjectID    string
	Password     string // the project's sign password
	PublicKey    string // Paysera's public key, PEM
	Test         bool   // test mode: only then is a test payment taken
	AllowSS1Only bool   // accept a callback signed with ss1 alone
}

// AgencyPaysera is the agency's Paysera project, from its billing settings.
func AgencyPaysera(s tenant.BillingSettings) PayseraAccount {
	return PayseraAccount{ProjectID: s.PayseraProjectID, Password: s.PayseraPassword, PublicKey: s.PayseraPublicKey,
		Test: s.PayseraTest, AllowSS1Only: s.PayseraAllowSS1Only}
}

// OperatorPaysera is the operator's Paysera project, which subscription
// invoices are paid through.
func OperatorPaysera(s control.SubscriptionSettings) PayseraAccount {
	return PayseraAccount{ProjectID: s.PayseraProjectID, Password: s.PayseraPassword, PublicKey: s.PayseraPublicKey, Test: s.PayseraTest}
}

// PaymentStore is the store that owns the invoices a provider's payments
// pay: tenant.Store (an agency's invoices) and control.Store (subscription
// invoices) both are one. A is the store's audit entry, written in the
// payment's transaction.
type PaymentStore[A any] interface {
	// ProviderOrder is what the order asks to be paid; not found when the
	// store has no such order.
	ProviderOrder(ctx context.Context, orderID string) (billing.ProviderOrder, error)
	// RecordProviderPayment records p and a in one transaction, once per
	// provider payment; duplicate says it had been recorded before (and
	// nothing changed). An invoice that takes no such payment is a
	// conflict, and nothing is written.
	RecordProviderPayment(ctx context.Context, p billing.ProviderPayment, a A) (duplicate bool, err error)
}

// Outcomes of a payment callback that is answered "OK".
const (
	PaymentRecorded  = "recorded"  // the payment was recorded now, with its audit row
	PaymentDuplicate = "duplicate" // it had been recorded before: nothing changed
	PaymentIgnored   = "ignored"   // a status that moves no money (0, 2, 3): nothing written
	PaymentOverpaid  = "overpaid"  // the invoice no longer owed it all: the rest kept as an overpayment
)

// OverpaymentStore is a PaymentStore that keeps what an invoice no longer
// takes as an overpayment instead of refusing it: tenant.Store (an
// agency's invoices) and control.Store (subscription invoices) both are.
type OverpaymentStore[A any] interface {
	RecordProviderOverpayment(ctx context.Context, p billing.ProviderPayment, a A) (billing.OverpaymentResult, error)
}

// PaymentCallback is what a provider's callback reported and what became of it.
type PaymentCallback struct {
	Outcome   string // PaymentRecorded, PaymentDuplicate or PaymentIgnored
	OrderID   string
	Status    string // the provider's status of the payment
	RequestID string // the provider's id of the payment
	Invoice   string // the invoice's number
	// Overpayment is what was kept when Outcome is PaymentOverpaid.
	Overpayment *billing.OverpaymentResult
	// Encrypted says the callback came in Paysera's encrypted format.
	Encrypted bool
}

// PayseraCallback runs Paysera's callback q (its data, ss1, ss2 and ss3)
// against acct and the store that owns the invoice. In this order: the
// account is set up and its public key parses; the signatures verify; the
// callback is for the account's project; a test payment comes only while
// the account is in test mode; the order is known, in the mode it was
// requested in (when the store recorded it), for exactly its amount and
// currency; only then does a status other than paid end, answered and
// written nowhere; a paid one is recorded with audit(payment) in one
// transaction, once per provider payment. A refused callback is an error
// with a code other than Internal, and nothing is written; the caller
// answers "OK" only when the error is nil, after the commit. Both callback
// formats run these checks: signed (ss1, ss2, ss3) and encrypted (data
// only, under the password). A paid callback that the invoice no longer
// takes (paid another way meanwhile, voided) is kept as an overpayment
// when the store can keep one (OverpaymentStore), else refused.
func PayseraCallback[A any](ctx context.Context, store PaymentStore[A], acct PayseraAccount, q url.Values, audit func(billing.ProviderPayment) A) (PaymentCallback, error) {
	var res PaymentCallback
	if acct.ProjectID == "" || acct.Password == "" || acct.PublicKey == "" {
		return res, refused("Paysera is not set up")
	}
	key, err := paysera.ParsePublicKey(acct.PublicKey)
	if err != nil {
		return res, refused("bad public key in settings")
	}
	cb, err := paysera.Verifier{Password: acct.Password, PublicKey: key, AllowSS1Only: acct.AllowSS1Only}.Verify(q)
	if err != nil {
		return res, refused("signature: %v", err)
	}
	res.OrderID, res.Status, res.RequestID, res.Encrypted = cb.OrderID, cb.Status, cb.RequestID, cb.Encrypted
	if cb.ProjectID != acct.ProjectID {
		return res, refused("callback for project %s", cb.ProjectID)
	}
	if cb.Test && !acct.Test {
		return res, refused("a test payment while test mode is off")
	}
	order, err := store.ProviderOrder(ctx, cb.OrderID)
	if apperr.Is(err, apperr.NotFound) {
		return res, refused("unknown order %q", cb.OrderID)
	}
	if err != nil {
		return res, err
	}
	res.Invoice = order.Label
	if order.Test != nil && *order.Test != cb.Test {
		return res, refused("test flag differs from the order's")
	}
	if cb.Amount != order.Amount || cb.Currency != order.Currency {
		return res, refused("amount %d %s differs from the order's %d %s", cb.Amount, cb.Currency, order.Amount, order.Currency)
	}
	if cb.Status != paysera.StatusPaid {
		res.Outcome = PaymentIgnored
		return res, nil
	}
	p := billing.ProviderPayment{Provider: billing.ProviderPaysera, OrderID: cb.OrderID, RequestID: cb.RequestID, Amount: cb.Amount, Currency: cb.Currency, Test: cb.Test}
	duplicate, err := store.RecordProviderPayment(ctx, p, audit(p))
	if err != nil {
		if apperr.CodeOf(err) == apperr.Internal {
			return res, err
		}
		over, ok := any(store).(OverpaymentStore[A])
		if !ok || apperr.CodeOf(err) != apperr.Conflict {
			return res, refused("not applicable: %s", apperr.MessageOf(err))
		}
		o, err := over.RecordProviderOverpayment(ctx, p, audit(p))
		if err != nil {
			if apperr.CodeOf(err) == apperr.Internal {
				return res, err
			}
			return res, refused("overpayment not recorded: %s", apperr.MessageOf(err))
		}
		res.Outcome = PaymentOverpaid
		if o.Duplicate {
			res.Outcome = PaymentDuplicate
		} else {
			res.Overpayment = &o
		}
		return res, nil
	}
	res.Outcome = PaymentRecorded
	if duplicate {
		res.Outcome = PaymentDuplicate
	}
	return res, nil
}

// refused is the error of a refused callback; its message is for the log.
func refused(format string, args ...any) error { return apperr.New(apperr.Invalid, format, args...) }

// Queuer queues an email from views/emails (mail.Mailer is one).
type Queuer interface {
	Queue(ctx context.Context, agencyID, to, template string, data any) error
}

// TemplateOverpayment is the owners' email about an overpayment.
const TemplateOverpayment = "paysera-overpayment"

// PayeeAgency is the agency whose invoice a callback pays, as the
// overpayment email names it; Mailer nil sends none.
type PayeeAgency struct {
	ID, Name, Slug string
	BaseURL        string
	Mailer         Queuer
}

// overpaymentEmail is the data of TemplateOverpayment.
type overpaymentEmail struct {
	AgencyName, Invoice, Received, Applied, Overpaid, Reason, OrderID, RequestID, Link string
}

// PayAgencyInvoice runs Paysera's callback q for one of the agency's
// invoices, against the agency's Paysera project; the payment's audit row
// names Paysera from ip. An overpayment, once committed, is emailed to the
// agency's owners through the outbox; a failure to queue those emails is
// returned as notifyErr (the payment stands, and the callback is answered
// "OK" all the same).
func PayAgencyInvoice(ctx context.Context, t *tenant.Store, q url.Values, ip string, a PayeeAgency) (res PaymentCallback, notifyErr, err error) {
	s, err := t.BillingSettings(ctx)
	if err != nil {
		return PaymentCallback{}, nil, err
	}
	res, err = PayseraCallback(ctx, t, AgencyPaysera(s), q, func(p billing.ProviderPayment) tenant.Audit {
		return tenant.Audit{Action: "payment.recorded", ActorName: "Paysera", Target: p.OrderID, IP: ip,
			Detail: billing.FormatMinor(p.Amount) + " " + p.Currency + " paysera request " + p.RequestID}
	})
	if err != nil || res.Outcome != PaymentOverpaid || a.Mailer == nil {
		return res, nil, err
	}
	return res, notifyOverpayment(ctx, t, a, res), nil
}

// notifyOverpayment emails the agency's owners about an overpayment.
func notifyOverpayment(ctx context.Context, t *tenant.Store, a PayeeAgency, res PaymentCallback) error {
	o := res.Overpayment
	owners, err := t.OwnerEmails(ctx)
	if err != nil {
		return err
	}
	data := overpaymentEmail{AgencyName: a.Name, Invoice: o.Invoice, Received: billing.FormatMoney(o.Applied+o.Overpaid, o.Currency),
		Overpaid: billing.FormatMoney(o.Overpaid, o.Currency), Reason: o.Reason, OrderID: res.OrderID, RequestID: res.RequestID,
		Link: a.BaseURL + "/a/" + a.Slug + "/invoices/" + o.InvoiceID}
	if o.Applied > 0 {
		data.Applied = billing.FormatMoney(o.Applied, o.Currency)
	}
	var errs []error
	for _, to := range owners {
		if err := a.Mailer.Queue(ctx, a.ID, to, TemplateOverpayment, data); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// PaySubscriptionInvoice runs Paysera's callback q for a subscription
// invoice, against the operator's Paysera project; the payment's entry in
// the operator audit log names Paysera.
func PaySubscriptionInvoice(ctx context.Context, c *control.Store, q url.Values) (PaymentCallback, error) {
	s, err := c.LoadSubscriptionSettings(ctx)
	if err != nil {
		return PaymentCallback{}, err
	}
	return PayseraCallback(ctx, c, OperatorPaysera(s), q, func(p billing.ProviderPayment) control.OperatorAuditEntry {
		return control.OperatorAuditEntry{OperatorName: "Paysera", Action: "payment.recorded", Detail: "paysera request " + p.RequestID}
	})
}
