package control

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db"
)

// SubscriptionOverpayment is money taken through the operator's Paysera
// project for a subscription invoice that no longer owed it: the operator
// refunds it or credits it to the agency.
type SubscriptionOverpayment struct {
	ID         string
	InvoiceID  string
	Number     string // the invoice's
	AgencyID   string
	AgencyName string
	Reference  string // the provider's payment (its request id)
	Amount     int64
	Currency   string
	Reason     string
	CreatedAt  time.Time
	SettledAt  time.Time // zero while open
	SettledBy  string
	Settlement string // billing.SettledRefunded or billing.SettledCredited once settled
}

// Open reports whether it is still to refund or credit.
func (o SubscriptionOverpayment) Open() bool { return o.SettledAt.IsZero() }

const subOverpaymentColumns = `o.id, o.invoice_id, i.number, i.agency_id, COALESCE(a.name, ''), o.reference, o.amount, o.currency, o.reason, o.created_at,
	COALESCE(o.settled_at, 0), o.settled_by, o.settlement`

const subOverpaymentFrom = ` FROM subscription_overpayments o JOIN subscription_invoices i ON i.id = o.invoice_id LEFT JOIN agencies a ON a.id = i.agency_id`

func scanSubOverpayment(row db.Scanner) (*SubscriptionOverpayment, error) {
	var o SubscriptionOverpayment
	var created, settled int64
	if err := row.Scan(&o.ID, &o.InvoiceID, &o.Number, &o.AgencyID, &o.AgencyName, &o.Reference, &o.Amount, &o.Currency, &o.Reason, &created,
		&settled, &o.SettledBy, &o.Settlement); err != nil {
		return nil, err
	}
	o.CreatedAt = db.UnixTime(created)
	if settled != 0 {
		o.SettledAt = db.UnixTime(settled)
	}
	return &o, nil
}

// RecordProviderOverpayment keeps a payment through the operator's Paysera
// project that its invoice no longer takes in full (paid by bank transfer
// meanwhile, or voided), with the operator audit entry a (its action
// becomes "payment.overpaid") in one transaction: what the invoice still
// owes, if anything, is paid (billing.SplitOverpayment); the rest is kept
// as an overpayment. Once per provider payment, like RecordProviderPayment.
func (c *Store) RecordProviderOverpayment(ctx context.Context, p billing.ProviderPayment, a OperatorAuditEntry) (billing.OverpaymentResult, error) {
	ref := p.RequestID
	if ref == "" {
		ref = p.OrderID
	}
	var res billing.OverpaymentResult
	err := c.Tx(ctx, func(tx *sql.Tx) error {
		res = billing.OverpaymentResult{Currency: p.Currency}
		var seen int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM subscription_payments WHERE method = ? AND reference = ?)
			+ (SELECT COUNT(*) FROM subscription_overpayments WHERE reference = ?)`, p.Provider, ref, ref).Scan(&seen); err != nil {
			return fmt.Errorf("db: subscription payment %s: %w", ref, err)
		}
		inv, err := scanSubInvoice(tx.QueryRowContext(ctx, `SELECT `+subInvoiceColumns+subInvoiceFrom+` WHERE i.id = ?`, p.OrderID))
		if err != nil {
			return db.NotFound(err, "Invoice")
		}
		res.InvoiceID, res.Invoice = inv.ID, inv.Number
		if seen > 0 {
			res.Duplicate = true
			return nil
		}
		paid, err := invoicePaid(ctx, tx, inv.ID)
		if err != nil {
			return err
		}
		owed := int64(0)
		switch {
		case inv.Status == SubInvoiceVoid:
			res.Reason = inv.Number + " is void."
		case inv.Status == SubInvoicePaid || inv.Amount-paid <= 0:
			res.Reason = inv.Number + " was already paid in full."
		default:
			owed = inv.Amount - paid
			res.Reason = inv.Number + " owed only " + billing.FormatMoney(owed, inv.Currency) + " when this payment came."
		}
		res.Applied, res.Overpaid = billing.SplitOverpayment(owed, p.Amount)
		if res.Applied > 0 {
			pr, err := c.recordPaymentTx(ctx, tx, inv, res.Applied, p.Provider, ref, "Paysera")
			if err != nil {
				return err
			}
			if pr.Duplicate {
				res = billing.OverpaymentResult{Duplicate: true, InvoiceID: inv.ID, Invoice: inv.Number}
				return nil
			}
		}
		if res.Overpaid > 0 {
			res.Overpayment = uuid.NewString()
			if _, err := tx.ExecContext(ctx, `INSERT INTO subscription_overpayments (id, invoice_id, reference, amount, currency, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				res.Overpayment, inv.ID, ref, res.Overpaid, p.Currency, res.Reason, c.Now()); err != nil {
				return fmt.Errorf("db: insert subscription overpayment on %s: %w", inv.Number, err)
			}
		}
		a.Action, a.AgencyID = "payment.overpaid", inv.AgencyID
		a.Detail = "Invoice " + inv.Number + ": " + billing.FormatMoney(res.Overpaid, p.Currency) + " kept as an overpayment (paysera request " + p.RequestID + "); " + res.Reason
		return c.operatorAuditTx(ctx, tx, a)
	})
	return res, err
}

// SubscriptionOverpayments lists overpayments, newest first: the open ones
// only, or all.
func (c *Store) SubscriptionOverpayments(ctx context.Context, openOnly bool, limit int) ([]*SubscriptionOverpayment, error) {
	return db.QueryList(ctx, c.Read(), "subscription overpayments", scanSubOverpayment,
		`SELECT `+subOverpaymentColumns+subOverpaymentFrom+` WHERE (? = 0 OR o.settled_at IS NULL) ORDER BY o.created_at DESC, o.id LIMIT ?`, openOnly, limit)
}

// SettleSubscriptionOverpayment marks overpayment id refunded or credited
// (billing.SettledRefunded, billing.SettledCredited), with the operator
// audit entry a (action "overpayment.settled") in the same transaction.
// Exactly once: one settled already is a conflict and nothing is written.
func (c *Store) SettleSubscriptionOverpayment(ctx context.Context, id, how string, a OperatorAuditEntry) (*SubscriptionOverpayment, error) {
	if billing.SettlementLabel(how) == "" {
		return nil, apperr.FieldErrors(map[string]string{"how": "Choose refunded or credited."})
	}
	var o *SubscriptionOverpayment
	err := c.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if o, err = scanSubOverpayment(tx.QueryRowContext(ctx, `SELECT `+subOverpaymentColumns+subOverpaymentFrom+` WHERE o.id = ?`, id)); err != nil {
			return db.NotFound(err, "Overpayment")
		}
		if !o.Open() {
			return apperr.New(apperr.Conflict, "This overpayment was already marked %s by %s on %s.", strings.ToLower(billing.SettlementLabel(o.Settlement)), o.SettledBy, o.SettledAt.UTC().Format(billing.DateLayout))
		}
		now := c.Now()
		res, err := tx.ExecContext(ctx, `UPDATE subscription_overpayments SET settled_at = ?, settled_by = ?, settlement = ? WHERE id = ? AND settled_at IS NULL`, now, a.OperatorName, how, id)
		if err != nil {
			return fmt.Errorf("db: settle subscription overpayment %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "This overpayment was already settled.")
		}
		o.SettledAt, o.SettledBy, o.Settlement = db.UnixTime(now), a.OperatorName, how
		a.Action, a.AgencyID = "overpayment.settled", o.AgencyID
		a.Detail = "Invoice " + o.Number + ": " + billing.FormatMoney(o.Amount, o.Currency) + " " + how
		return c.operatorAuditTx(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}
