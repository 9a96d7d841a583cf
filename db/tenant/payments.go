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

// RecordPayment records a manual payment on an open invoice v may see.
// More than is owed is refused: nothing is written.
func (t *Store) RecordPayment(ctx context.Context, v Viewer, actor Actor, invoiceID string, in PaymentInput, today string) (*Invoice, error) {
	in.Reference = strings.TrimSpace(in.Reference)
	if err := in.Validate(today); err != nil {
		return nil, err
	}
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		inv, err := loadInvoice(ctx, tx, v, invoiceID)
		if err != nil {
			return err
		}
		return t.applyPayment(ctx, tx, actor, inv, Payment{Amount: in.Amount, Currency: inv.Currency, PaidOn: in.PaidOn, Method: in.Method, Reference: in.Reference})
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

// providerKey is set on Payment through its Reference for Paysera: see
// ApplyPayseraCallback. Manual payments have none.
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

// Outcomes of a Paysera callback.
const (
	CallbackRecorded  = "recorded"  // the payment was recorded now
	CallbackDuplicate = "duplicate" // it was recorded before: nothing changed
	CallbackIgnored   = "ignored"   // a status that moves no money (0, 2, 3)
)

// ProviderPayment is what a payment provider's verified callback reports
// about one order, as plain values (app turns a Paysera callback into one).
type ProviderPayment struct {
	ProjectID string // the provider's project the order was made in
	OrderID   string
	RequestID string // the provider's id of the payment
	Amount    int64  // minor units
	Currency  string
	Paid      bool // the status moves money; other statuses are only acknowledged
	Test      bool
}

// ApplyPayseraCallback records the payment a verified Paysera callback
// reports, exactly once per order: it checks the project, the test flag,
// the order, and that amount and currency equal the order's; anything else
// is an invalid-input error and nothing is written.
func (t *Store) ApplyPayseraCallback(ctx context.Context, s BillingSettings, cb ProviderPayment) (string, error) {
	if cb.ProjectID != s.PayseraProjectID {
		return "", apperr.New(apperr.Invalid, "callback for project %s", cb.ProjectID)
	}
	if cb.Test && !s.PayseraTest {
		return "", apperr.New(apperr.Invalid, "test callback while test mode is off")
	}
	outcome := CallbackIgnored
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		var o PayseraOrder
		var paidAt sql.NullInt64
		var test int
		err := tx.QueryRowContext(ctx, `SELECT order_id, invoice_id, amount, currency, test, paid_at FROM paysera_orders WHERE order_id = ?`, cb.OrderID).
			Scan(&o.OrderID, &o.InvoiceID, &o.Amount, &o.Currency, &test, &paidAt)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.Invalid, "unknown order %q", cb.OrderID)
		}
		if err != nil {
			return fmt.Errorf("db: paysera order %s: %w", cb.OrderID, err)
		}
		if (test == 1) != cb.Test {
			return apperr.New(apperr.Invalid, "test flag differs from the order's")
		}
		if cb.Amount != o.Amount || cb.Currency != o.Currency {
			return apperr.New(apperr.Invalid, "amount %d %s differs from the order's %d %s", cb.Amount, cb.Currency, o.Amount, o.Currency)
		}
		if !cb.Paid {
			return nil
		}
		if paidAt.Valid {
			outcome = CallbackDuplicate
			return nil
		}
		inv, err := loadInvoice(ctx, tx, Viewer{}, o.InvoiceID)
		if err != nil {
			return err
		}
		paidOn := t.Clock().Now().UTC().Format(billing.DateLayout)
		ref := cb.OrderID
		err = t.applyPayment(ctx, tx, Actor{Name: "Paysera"}, inv, Payment{Amount: cb.Amount, Currency: cb.Currency, PaidOn: paidOn, Method: MethodPaysera, Reference: ref})
		if errors.Is(err, errAlreadyRecorded) {
			outcome = CallbackDuplicate
			return nil
		}
		if err != nil {
			return apperr.New(apperr.Conflict, "order %s can't be applied to %s: %s", cb.OrderID, inv.Label(), apperr.MessageOf(err))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE paysera_orders SET paid_at = ?, request_id = ? WHERE order_id = ?`, t.Now(), cb.RequestID, cb.OrderID); err != nil {
			return fmt.Errorf("db: mark paysera order %s: %w", cb.OrderID, err)
		}
		outcome = CallbackRecorded
		return nil
	})
	if err != nil {
		return "", err
	}
	return outcome, nil
}
