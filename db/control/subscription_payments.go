package control

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db"
)

// PaymentResult says what recording a payment did.
type PaymentResult struct {
	Invoice     *SubscriptionInvoice
	Duplicate   bool   // this provider payment was recorded before
	Reactivated string // the status the agency left for active, if it did
}

// RecordSubscriptionPayment records money received for an invoice (the
// operator's bank transfers), and the operator audit entry a in the same
// transaction: a gets the invoice's agency, and the invoice, the amount and
// any reactivation as detail (after what a.Detail said). When it is paid in
// full the invoice is paid, and an agency that is past due or suspended
// with no other late invoice is active again. A provider reference seen
// before records nothing.
func (c *Store) RecordSubscriptionPayment(ctx context.Context, invoiceID string, amount int64, currency, method, reference, recordedBy string, a OperatorAuditEntry) (*PaymentResult, error) {
	var res *PaymentResult
	err := c.Tx(ctx, func(tx *sql.Tx) error {
		inv, err := scanSubInvoice(tx.QueryRowContext(ctx, `SELECT `+subInvoiceColumns+subInvoiceFrom+` WHERE i.id = ?`, invoiceID))
		if err != nil {
			return db.NotFound(err, "Invoice")
		}
		if inv.Status == SubInvoiceVoid {
			return apperr.New(apperr.Conflict, "Invoice %s is void: it takes no payments.", inv.Number)
		}
		if amount <= 0 {
			return apperr.FieldErrors(map[string]string{"amount": "Enter an amount above zero."})
		}
		if !strings.EqualFold(currency, inv.Currency) {
			return apperr.FieldErrors(map[string]string{"amount": "The invoice is in " + inv.Currency + "."})
		}
		if res, err = c.recordPaymentTx(ctx, tx, inv, amount, method, reference, recordedBy); err != nil || res.Duplicate {
			return err
		}
		return c.operatorAuditTx(ctx, tx, paymentAudit(a, inv, amount, res))
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// ProviderOrder is what a payment through the operator's Paysera project
// asks to be paid: the order is the subscription invoice itself (its id),
// and its whole amount. An unknown invoice is not found. No record says in
// which mode the payment was requested, so Test is nil.
func (c *Store) ProviderOrder(ctx context.Context, orderID string) (billing.ProviderOrder, error) {
	inv, err := c.SubscriptionInvoiceByID(ctx, orderID)
	if err != nil {
		return billing.ProviderOrder{OrderID: orderID}, err
	}
	return billing.ProviderOrder{OrderID: orderID, InvoiceID: inv.ID, Label: inv.Number, Amount: inv.Amount, Currency: inv.Currency}, nil
}

// RecordProviderPayment records a payment through the operator's Paysera
// project and the operator audit entry a in one transaction (a gets the
// agency, and the invoice and amount as detail), once per provider payment
// (its request id): when it was recorded before nothing changes and
// duplicate is true. An invoice that is no longer open, or owes less than
// p.Amount, is a conflict and nothing is written. The caller has checked p
// against ProviderOrder.
func (c *Store) RecordProviderPayment(ctx context.Context, p billing.ProviderPayment, a OperatorAuditEntry) (duplicate bool, err error) {
	if p.Provider != billing.ProviderPaysera {
		return false, apperr.New(apperr.Invalid, "payments through %q are not taken", p.Provider)
	}
	ref := p.RequestID
	if ref == "" {
		ref = p.OrderID
	}
	err = c.Tx(ctx, func(tx *sql.Tx) error {
		var seen int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM subscription_payments WHERE method = ? AND reference = ?`, p.Provider, ref).Scan(&seen); err != nil {
			return fmt.Errorf("db: subscription payment %s: %w", ref, err)
		}
		if seen > 0 {
			duplicate = true
			return nil
		}
		inv, err := scanSubInvoice(tx.QueryRowContext(ctx, `SELECT `+subInvoiceColumns+subInvoiceFrom+` WHERE i.id = ?`, p.OrderID))
		if err != nil {
			return db.NotFound(err, "Invoice")
		}
		if inv.Status != SubInvoiceOpen {
			return apperr.New(apperr.Conflict, "Invoice %s is %s: it takes no payment.", inv.Number, inv.Status)
		}
		paid, err := invoicePaid(ctx, tx, inv.ID)
		if err != nil {
			return err
		}
		if p.Currency != inv.Currency || p.Amount <= 0 || p.Amount > inv.Amount-paid {
			return apperr.New(apperr.Conflict, "Invoice %s owes %s: a payment of %s is more than that.", inv.Number,
				billing.FormatMoney(inv.Amount-paid, inv.Currency), billing.FormatMoney(p.Amount, p.Currency))
		}
		res, err := c.recordPaymentTx(ctx, tx, inv, p.Amount, p.Provider, ref, "Paysera")
		if err != nil {
			return err
		}
		if duplicate = res.Duplicate; duplicate {
			return nil
		}
		return c.operatorAuditTx(ctx, tx, paymentAudit(a, inv, p.Amount, res))
	})
	return duplicate, err
}

// SubscriptionInvoicePaid is what has been paid on an invoice so far.
func (c *Store) SubscriptionInvoicePaid(ctx context.Context, invoiceID string) (int64, error) {
	return invoicePaid(ctx, c.Read(), invoiceID)
}

// rowQuerier is the read pool or a transaction.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func invoicePaid(ctx context.Context, q rowQuerier, invoiceID string) (int64, error) {
	var paid int64
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount), 0) FROM subscription_payments WHERE invoice_id = ?`, invoiceID).Scan(&paid); err != nil {
		return 0, fmt.Errorf("db: paid on subscription invoice %s: %w", invoiceID, err)
	}
	return paid, nil
}

// recordPaymentTx inserts a payment on inv; when it completes the invoice,
// the invoice is paid and a late agency with no other late invoice is
// active again. A provider reference seen before inserts nothing.
func (c *Store) recordPaymentTx(ctx context.Context, tx *sql.Tx, inv *SubscriptionInvoice, amount int64, method, reference, recordedBy string) (*PaymentResult, error) {
	res := &PaymentResult{Invoice: inv}
	now := c.Now()
	_, err := tx.ExecContext(ctx, `INSERT INTO subscription_payments (id, invoice_id, amount, currency, method, reference, recorded_by, paid_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		uuid.NewString(), inv.ID, amount, inv.Currency, method, reference, recordedBy, now)
	if db.IsUnique(err) {
		res.Duplicate = true
		return res, nil
	}
	if err != nil {
		return nil, fmt.Errorf("db: insert subscription payment on %s: %w", inv.Number, err)
	}
	paid, err := invoicePaid(ctx, tx, inv.ID)
	if err != nil {
		return nil, err
	}
	if paid < inv.Amount || inv.Status == SubInvoicePaid {
		return res, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE subscription_invoices SET status = 'paid', paid_at = ? WHERE id = ?`, now, inv.ID); err != nil {
		return nil, fmt.Errorf("db: mark subscription invoice %s paid: %w", inv.Number, err)
	}
	inv.Status, inv.PaidAt = SubInvoicePaid, db.UnixTime(now)
	sub, err := subscriptionTx(ctx, tx, inv.AgencyID)
	if err != nil {
		return nil, err
	}
	if sub.Status != AgencyPastDue && sub.Status != AgencySuspended {
		return res, nil
	}
	var late int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM subscription_invoices WHERE agency_id = ? AND status = 'open' AND due_at <= ?`, inv.AgencyID, now).Scan(&late); err != nil {
		return nil, err
	}
	if late > 0 {
		return res, nil
	}
	res.Reactivated = sub.Status
	return res, setStatusTx(ctx, tx, sub, AgencyActive, now)
}

// paymentAudit is the operator audit entry of a payment on inv: a with the
// invoice's agency, and the invoice, the amount, a's own detail and the
// agency's reactivation as detail.
func paymentAudit(a OperatorAuditEntry, inv *SubscriptionInvoice, amount int64, res *PaymentResult) OperatorAuditEntry {
	detail := "Invoice " + inv.Number + ": " + billing.FormatMoney(amount, inv.Currency)
	if a.Detail != "" {
		detail += "; " + a.Detail
	}
	if res.Reactivated != "" {
		detail += "; " + StatusLabel(res.Reactivated) + " → Active"
	}
	a.AgencyID, a.Detail = inv.AgencyID, detail
	return a
}
