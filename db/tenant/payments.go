package tenant

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db"
)

// Payment methods.
const (
	MethodBankTransfer = "bank_transfer"
	MethodCash         = "cash"
	MethodCard         = "card" // a card taken elsewhere
	MethodPaysera      = "paysera"
	MethodOther        = "other"
	MethodCreditNote   = "credit_note"
)

// ManualMethods are the methods staff record by hand.
var ManualMethods = []string{MethodBankTransfer, MethodCash, MethodCard, MethodOther}

// PaymentMethodLabel names a method for people.
func PaymentMethodLabel(m string) string {
	switch m {
	case MethodBankTransfer:
		return "Bank transfer"
	case MethodCash:
		return "Cash"
	case MethodCard:
		return "Card (elsewhere)"
	case MethodPaysera:
		return "Paysera"
	case MethodCreditNote:
		return "Credit note"
	}
	return "Other"
}

// Payment is money received against an invoice (or a credit note applied).
type Payment struct {
	ID         string
	InvoiceID  string
	Amount     int64
	Currency   string
	PaidOn     string // YYYY-MM-DD
	Method     string
	Reference  string
	RecordedBy string
	CreatedAt  time.Time
}

// PaymentInput is a manual payment as staff record it.
type PaymentInput struct {
	Amount    int64
	PaidOn    string
	Method    string
	Reference string
}

// Validate checks a manual payment; today bounds the date.
func (p PaymentInput) Validate(today string) error {
	f := map[string]string{}
	if p.Amount <= 0 {
		f["amount"] = "Enter an amount above 0."
	}
	if d, err := billing.ParseDate(p.PaidOn); err != nil {
		f["paid_on"] = "Enter the payment date as YYYY-MM-DD."
	} else if d.Format(billing.DateLayout) > today {
		f["paid_on"] = "The payment date can't be in the future."
	}
	ok := false
	for _, m := range ManualMethods {
		ok = ok || m == p.Method
	}
	if !ok {
		f["method"] = "Choose bank transfer, cash, card or other."
	}
	if utf8.RuneCountInString(p.Reference) > PaymentReferenceMax {
		f["reference"] = fmt.Sprintf("At most %d characters.", PaymentReferenceMax)
	} else if strings.ContainsAny(p.Reference, "\x00\r\n") {
		f["reference"] = "Keep the reference on one line."
	}
	return apperr.FieldErrors(f)
}

// RecordPayment records a manual payment on an open invoice v may see,
// and audits it (a gets the invoice as its target) in the same
// transaction. More than is owed is refused: nothing is written.
func (t *Store) RecordPayment(ctx context.Context, v Viewer, actor Actor, invoiceID string, in PaymentInput, today string, a Audit) (*Invoice, error) {
	in.Reference = strings.TrimSpace(in.Reference)
	if err := in.Validate(today); err != nil {
		return nil, err
	}
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		inv, err := loadInvoice(ctx, tx, v, invoiceID)
		if err != nil {
			return err
		}
		if err := t.applyPayment(ctx, tx, actor, inv, Payment{Amount: in.Amount, Currency: inv.Currency, PaidOn: in.PaidOn, Method: in.Method, Reference: in.Reference}); err != nil {
			return err
		}
		a.Target, a.Detail = inv.ID, strings.TrimSpace(billing.FormatMinor(in.Amount)+" "+in.Method+" "+in.Reference)
		return t.auditTx(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return t.Invoice(ctx, v, invoiceID)
}

// applyPayment records p on inv and moves its status; the caller's
// transaction holds the invoice's row (one writer at a time).
func (t *Store) applyPayment(ctx context.Context, tx *sql.Tx, actor Actor, inv *Invoice, p Payment) error {
	if inv.Kind != KindInvoice {
		return apperr.New(apperr.Conflict, "Payments are recorded on invoices, not credit notes.")
	}
	if !inv.Open() {
		return apperr.New(apperr.Conflict, "%s is %s: it takes no payment.", inv.Label(), strings.ToLower(InvoiceStatusLabel(inv.Status)))
	}
	if p.Amount > inv.Outstanding() {
		return apperr.FieldErrors(map[string]string{"amount": fmt.Sprintf("That is more than the %s still owed on %s: record at most that.",
			billing.FormatMoney(inv.Outstanding(), inv.Currency), inv.Label())})
	}
	p.ID = uuid.NewString()
	if _, err := tx.ExecContext(ctx, `INSERT INTO payments (id, invoice_id, amount, currency, paid_on, method, reference, provider_key, recorded_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, inv.ID, p.Amount, p.Currency, p.PaidOn, p.Method, p.Reference,
		caseNullable(providerKeyOf(p)), actor.Name, t.Now()); err != nil {
		if db.IsUnique(err) {
			return errAlreadyRecorded
		}
		return fmt.Errorf("db: insert payment on %s: %w", inv.ID, err)
	}
	paid := inv.Paid + p.Amount
	status := InvoicePartiallyPaid
	if paid == inv.Total {
		status = InvoicePaid
	}
	if _, err := tx.ExecContext(ctx, `UPDATE invoices SET paid = ?, status = ?, updated_at = ? WHERE id = ?`, paid, status, t.Now(), inv.ID); err != nil {
		return fmt.Errorf("db: mark invoice %s paid: %w", inv.ID, err)
	}
	inv.Paid, inv.Status = paid, status
	if status == InvoicePaid {
		if err := t.queueWebhookTx(ctx, tx, WebhookInvoicePaid, map[string]string{"id": inv.ID, "number": inv.Number}); err != nil {
			return err
		}
	}
	if inv.CaseID != "" {
		what := "recorded a payment of " + billing.FormatMoney(p.Amount, p.Currency) + " on " + inv.Number
		if status == InvoicePaid {
			what = "recorded a payment of " + billing.FormatMoney(p.Amount, p.Currency) + ": " + inv.Number + " is paid in full"
		}
		if err := t.insertEvent(ctx, tx, Event{CaseID: inv.CaseID, ActorID: "", ActorName: actor.Name, Kind: EventInvoicePaid,
			NewValue: what, VisibleToClient: true}); err != nil {
			return err
		}
	}
	return nil
}

// providerKeyOf is a Paysera payment's key, from its Reference (the order
// id: see RecordProviderPayment), unique so that an order is paid once.
// Manual payments have none.
func providerKeyOf(p Payment) string {
	if p.Method == MethodPaysera {
		return "paysera:" + p.Reference
	}
	return ""
}

var errAlreadyRecorded = errors.New("db: payment already recorded")

// InvoicePayments lists an invoice's payments, oldest first.
func (t *Store) InvoicePayments(ctx context.Context, invoiceID string) ([]Payment, error) {
	return db.QueryListPrepared(ctx, t.DB, "payments", 8, func(row db.Scanner) (Payment, error) {
		var p Payment
		var created int64
		err := row.Scan(&p.ID, &p.InvoiceID, &p.Amount, &p.Currency, &p.PaidOn, &p.Method, &p.Reference, &p.RecordedBy, &created)
		p.CreatedAt = db.UnixTime(created)
		return p, err
	}, `SELECT id, invoice_id, amount, currency, paid_on, method, reference, recorded_by, created_at FROM payments WHERE invoice_id = ? ORDER BY created_at, id`, invoiceID)
}

// InvoiceCredits lists the credit notes that reference an invoice.
func (t *Store) InvoiceCredits(ctx context.Context, invoiceID string) ([]InvoiceRow, error) {
	return db.QueryListPrepared(ctx, t.DB, "credit notes", 4, func(row db.Scanner) (InvoiceRow, error) {
		var r InvoiceRow
		err := row.Scan(&r.ID, &r.Number, &r.Status, &r.Total, &r.Currency)
		return r, err
	}, `SELECT id, COALESCE(number, ''), status, total, currency FROM invoices WHERE credit_for = ? ORDER BY created_at`, invoiceID)
}

// PayseraOrder is one "Pay" of an invoice through Paysera.
type PayseraOrder struct {
	OrderID   string
	InvoiceID string
	Amount    int64
	Currency  string
	Test      bool
}

// CreatePayseraOrder starts a Paysera payment of what an open invoice
// still owes. The order id is new on every call; the callback is matched
// to it.
func (t *Store) CreatePayseraOrder(ctx context.Context, inv *Invoice, test bool) (*PayseraOrder, error) {
	if inv.Kind != KindInvoice || !inv.Open() || inv.Outstanding() <= 0 {
		return nil, apperr.New(apperr.Conflict, "%s has nothing to pay.", inv.Label())
	}
	o := &PayseraOrder{OrderID: strings.ReplaceAll(uuid.NewString(), "-", ""), InvoiceID: inv.ID, Amount: inv.Outstanding(), Currency: inv.Currency, Test: test}
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		testInt := 0
		if test {
			testInt = 1
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO paysera_orders (order_id, invoice_id, amount, currency, test, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			o.OrderID, o.InvoiceID, o.Amount, o.Currency, testInt, t.Now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("db: create paysera order: %w", err)
	}
	return o, nil
}

// ProviderOrder is what one of the agency's Paysera orders asks to be
// paid: the outstanding amount when the payer pressed "Pay", in test mode
// or not. An unknown order is not found.
func (t *Store) ProviderOrder(ctx context.Context, orderID string) (billing.ProviderOrder, error) {
	o := billing.ProviderOrder{OrderID: orderID}
	var test bool
	err := t.Read().QueryRowContext(ctx, `SELECT o.invoice_id, COALESCE(i.number, ''), o.amount, o.currency, o.test
		FROM paysera_orders o JOIN invoices i ON i.id = o.invoice_id WHERE o.order_id = ?`, orderID).Scan(&o.InvoiceID, &o.Label, &o.Amount, &o.Currency, &test)
	if err != nil {
		return o, db.NotFound(err, "Payment order")
	}
	o.Test = &test
	return o, nil
}

// RecordProviderPayment records the payment of one of the agency's Paysera
// orders and the audit entry a in one transaction, once per order: when
// the order was paid before nothing changes and duplicate is true. An
// invoice that takes no payment of that amount (void, paid meanwhile, a
// manual payment left less to pay) is a conflict, and nothing is written.
// The caller has checked p against ProviderOrder.
func (t *Store) RecordProviderPayment(ctx context.Context, p billing.ProviderPayment, a Audit) (duplicate bool, err error) {
	if p.Provider != billing.ProviderPaysera {
		return false, apperr.New(apperr.Invalid, "payments through %q are not taken", p.Provider)
	}
	err = t.Tx(ctx, func(tx *sql.Tx) error {
		var invoiceID string
		var paidAt sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT invoice_id, paid_at FROM paysera_orders WHERE order_id = ?`, p.OrderID).Scan(&invoiceID, &paidAt)
		if err != nil {
			return db.NotFound(err, "Payment order")
		}
		if paidAt.Valid {
			duplicate = true
			return nil
		}
		inv, err := loadInvoice(ctx, tx, Viewer{}, invoiceID)
		if err != nil {
			return err
		}
		paidOn, err := t.Today(ctx)
		if err != nil {
			return err
		}
		err = t.applyPayment(ctx, tx, Actor{Name: "Paysera"}, inv, Payment{Amount: p.Amount, Currency: p.Currency, PaidOn: paidOn, Method: MethodPaysera, Reference: p.OrderID})
		if errors.Is(err, errAlreadyRecorded) {
			duplicate = true
			return nil
		}
		if err != nil {
			if apperr.CodeOf(err) == apperr.Internal {
				return err
			}
			return apperr.New(apperr.Conflict, "order %s can't be applied to %s: %s", p.OrderID, inv.Label(), apperr.MessageOf(err))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE paysera_orders SET paid_at = ?, request_id = ? WHERE order_id = ?`, t.Now(), p.RequestID, p.OrderID); err != nil {
			return fmt.Errorf("db: mark paysera order %s: %w", p.OrderID, err)
		}
		return t.auditTx(ctx, tx, a)
	})
	return duplicate, err
}
