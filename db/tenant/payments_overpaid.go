package tenant

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db"
)

// Overpayment is money a provider took for an invoice that no longer
// owed it (paid another way meanwhile, or voided): staff refund it or
// credit it to the client.
type Overpayment struct {
	ID         string
	InvoiceID  string
	OrderID    string
	Amount     int64
	Currency   string
	Method     string
	RequestID  string
	Reason     string // why it did not pay the invoice, as staff read it
	CreatedAt  time.Time
	SettledAt  time.Time // zero while it is still to refund or credit
	SettledBy  string
	Settlement string // billing.SettledRefunded or billing.SettledCredited once settled
}

// Open reports whether the overpayment is still to refund or credit.
func (o Overpayment) Open() bool { return o.SettledAt.IsZero() }

// OverpaymentResult is what RecordProviderOverpayment did.
type OverpaymentResult = billing.OverpaymentResult

// RecordProviderOverpayment records a provider payment that the invoice no
// longer takes in full, in one transaction with the audit entry a (its
// action becomes "payment.overpaid", its target the invoice): what the
// invoice still owes, if anything, is paid; the rest is kept as an
// overpayment. Once per order, like RecordProviderPayment. The caller has
// checked p against ProviderOrder and tried RecordProviderPayment first.
func (t *Store) RecordProviderOverpayment(ctx context.Context, p billing.ProviderPayment, a Audit) (OverpaymentResult, error) {
	var res OverpaymentResult
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		res = OverpaymentResult{Currency: p.Currency}
		var paidAt sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT invoice_id, paid_at FROM paysera_orders WHERE order_id = ?`, p.OrderID).Scan(&res.InvoiceID, &paidAt)
		if err != nil {
			return db.NotFound(err, "Payment order")
		}
		if paidAt.Valid {
			res.Duplicate = true
			return nil
		}
		inv, err := loadInvoice(ctx, tx, Viewer{}, res.InvoiceID)
		if err != nil {
			return err
		}
		res.Invoice = inv.Label()
		switch {
		case inv.Kind != KindInvoice:
			res.Reason = inv.Label() + " is a credit note."
		case inv.Status == InvoiceVoid:
			res.Reason = inv.Label() + " is void."
		case inv.Status == InvoiceDraft:
			res.Reason = inv.Label() + " is a draft."
		case !inv.Open() || inv.Outstanding() <= 0:
			res.Reason = inv.Label() + " was already paid in full."
		default:
			res.Applied, _ = billing.SplitOverpayment(inv.Outstanding(), p.Amount)
			res.Reason = inv.Label() + " owed only " + billing.FormatMoney(inv.Outstanding(), inv.Currency) + " when this payment came."
		}
		res.Overpaid = p.Amount - res.Applied
		paidOn, err := t.Today(ctx)
		if err != nil {
			return err
		}
		if res.Applied > 0 {
			err := t.applyPayment(ctx, tx, Actor{Name: "Paysera"}, inv, Payment{Amount: res.Applied, Currency: p.Currency, PaidOn: paidOn, Method: MethodPaysera, Reference: p.OrderID})
			if errors.Is(err, errAlreadyRecorded) {
				res = OverpaymentResult{Duplicate: true, InvoiceID: inv.ID, Invoice: inv.Label()}
				return nil
			}
			if err != nil {
				return err
			}
		}
		if res.Overpaid > 0 {
			res.Overpayment = uuid.NewString()
			if _, err := tx.ExecContext(ctx, `INSERT INTO overpayments (id, invoice_id, order_id, amount, currency, method, request_id, reason, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, res.Overpayment, inv.ID, p.OrderID, res.Overpaid, p.Currency, MethodPaysera, p.RequestID, res.Reason, t.Now()); err != nil {
				if db.IsUnique(err) {
					res = OverpaymentResult{Duplicate: true, InvoiceID: inv.ID, Invoice: inv.Label()}
					return nil
				}
				return fmt.Errorf("db: insert overpayment on %s: %w", inv.ID, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE paysera_orders SET paid_at = ?, request_id = ? WHERE order_id = ?`, t.Now(), p.RequestID, p.OrderID); err != nil {
			return fmt.Errorf("db: mark paysera order %s: %w", p.OrderID, err)
		}
		a.Action, a.Target = "payment.overpaid", inv.ID
		a.Detail = billing.FormatMinor(res.Overpaid) + " " + p.Currency + " paysera order " + p.OrderID + " request " + p.RequestID
		return t.auditTx(ctx, tx, a)
	})
	return res, err
}

// InvoiceOverpayments lists the overpayments taken for an invoice, oldest first.
func (t *Store) InvoiceOverpayments(ctx context.Context, invoiceID string) ([]Overpayment, error) {
	return db.QueryList(ctx, t.Read(), "overpayments", scanOverpayment,
		`SELECT id, invoice_id, order_id, amount, currency, method, request_id, reason, created_at, COALESCE(settled_at, 0), settled_by, settlement
		FROM overpayments WHERE invoice_id = ? ORDER BY created_at, id`, invoiceID)
}

// OpenOverpayments lists the overpayments still to refund or credit, oldest first.
func (t *Store) OpenOverpayments(ctx context.Context) ([]Overpayment, error) {
	return db.QueryList(ctx, t.Read(), "overpayments", scanOverpayment,
		`SELECT id, invoice_id, order_id, amount, currency, method, request_id, reason, created_at, COALESCE(settled_at, 0), settled_by, settlement
		FROM overpayments WHERE settled_at IS NULL ORDER BY created_at, id`)
}

func scanOverpayment(row db.Scanner) (Overpayment, error) {
	var o Overpayment
	var created, settled int64
	err := row.Scan(&o.ID, &o.InvoiceID, &o.OrderID, &o.Amount, &o.Currency, &o.Method, &o.RequestID, &o.Reason, &created, &settled, &o.SettledBy, &o.Settlement)
	o.CreatedAt = db.UnixTime(created)
	if settled != 0 {
		o.SettledAt = db.UnixTime(settled)
	}
	return o, err
}

// SettleOverpayment marks overpayment id of invoice invoiceID refunded or
// credited (billing.SettledRefunded, billing.SettledCredited) by by, with
// the audit entry a (its action becomes "overpayment.settled", its target
// the invoice) in the same transaction. Exactly once: an overpayment
// settled already, by this request's twin or earlier, is a conflict and
// nothing is written; another invoice's is not found.
func (t *Store) SettleOverpayment(ctx context.Context, invoiceID, id, how, by string, a Audit) (Overpayment, error) {
	if billing.SettlementLabel(how) == "" {
		return Overpayment{}, apperr.FieldErrors(map[string]string{"how": "Choose refunded or credited."})
	}
	var o Overpayment
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		o, err = scanOverpayment(tx.QueryRowContext(ctx, `SELECT id, invoice_id, order_id, amount, currency, method, request_id, reason, created_at, COALESCE(settled_at, 0), settled_by, settlement
			FROM overpayments WHERE id = ? AND invoice_id = ?`, id, invoiceID))
		if err != nil {
			return db.NotFound(err, "Overpayment")
		}
		if !o.Open() {
			return apperr.New(apperr.Conflict, "This overpayment was already marked %s by %s on %s.", strings.ToLower(billing.SettlementLabel(o.Settlement)), o.SettledBy, o.SettledAt.UTC().Format(billing.DateLayout))
		}
		now := t.Now()
		res, err := tx.ExecContext(ctx, `UPDATE overpayments SET settled_at = ?, settled_by = ?, settlement = ? WHERE id = ? AND settled_at IS NULL`, now, by, how, id)
		if err != nil {
			return fmt.Errorf("db: settle overpayment %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "This overpayment was already settled.")
		}
		o.SettledAt, o.SettledBy, o.Settlement = db.UnixTime(now), by, how
		a.Action, a.Target = "overpayment.settled", invoiceID
		a.Detail = billing.FormatMinor(o.Amount) + " " + o.Currency + " " + how + " (order " + o.OrderID + ")"
		return t.auditTx(ctx, tx, a)
	})
	return o, err
}
