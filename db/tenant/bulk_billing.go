package tenant

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"mintedmind/billing"
)

// BulkBilling is invoices and recurring invoices for BulkLoadBilling,
// written as given (ids, numbers, statuses, times are the caller's) except
// what the store owns: totals come from the lines by billing.Compute, what
// was paid is the sum of the payments, the due date is the issue date plus
// the terms, and an issued invoice's buyer is its client as it is now, as
// IssueInvoice snapshots it.
type BulkBilling struct {
	Recurring []BulkRecurring
	// Invoices, a credit note after the invoice it credits.
	Invoices []BulkInvoice
	// Sequences raises the named number sequences ("invoice:2026",
	// "credit_note:2026") to at least these values: the numbers used.
	Sequences map[string]int64
}

// BulkInvoice is one invoice or credit note of a bulk load. A zero time
// and an empty id are NULL.
type BulkInvoice struct {
	ID, Kind, Number     string // Number is "" for a draft
	CreditFor            string // a credit note's invoice
	ClientID, CaseID     string
	RecurringID          string
	Status               string
	Currency, IssueDate  string
	TermsDays            int
	Notes                string
	Lines                []billing.Line
	Seller               billing.Party // of an issued one
	VoidReason           string
	CreatedBy            string
	CreatedAt, UpdatedAt time.Time
	IssuedAt, VoidedAt   time.Time
	SentAt               time.Time
	// Payments, oldest first; a credit note's application is one on the
	// invoice it credits (method credit_note, its number the reference).
	Payments      []Payment
	PayseraOrders []BulkPayseraOrder
	Reminders     []BulkReminder // overdue reminders already sent
}

// BulkPayseraOrder is a "Pay" of an invoice through Paysera; a paid one
// has its PaidAt and the provider's RequestID.
type BulkPayseraOrder struct {
	PayseraOrder
	CreatedAt, PaidAt time.Time
	RequestID         string
}

// BulkReminder is an overdue reminder step sent at At.
type BulkReminder struct {
	StepDays int
	At       time.Time
}

// BulkRecurring is a recurring invoice of a bulk load with the periods it
// made (their invoices among the load's) or skipped.
type BulkRecurring struct {
	RecurringInput // the template and schedule; IssueDate is the start
	ID, Status     string
	NextIndex      int
	CreatedBy      string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Runs           []BulkRecurringRun
}

// BulkRecurringRun is one period of a schedule, made (InvoiceID) or skipped.
type BulkRecurringRun struct {
	Index     int
	Date      string
	InvoiceID string
	Skipped   bool
	CreatedAt time.Time
}

// SequenceValue is the last value a number sequence ("invoice:2026",
// "credit_note:2026") gave out, 0 for one never used: a bulk load numbers
// its invoices after it.
func (t *Store) SequenceValue(ctx context.Context, name string) (int64, error) {
	var n int64
	err := t.Read().QueryRowContext(ctx, `SELECT value FROM sequences WHERE name = ?`, name).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("db: sequence %s: %w", name, err)
	}
	return n, nil
}

// BulkLoadBilling writes b in one transaction, for demo and load-test
// data: the clients and cases it refers to must be in place (BulkLoad).
func (t *Store) BulkLoadBilling(ctx context.Context, b BulkBilling) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		if err := insertBulkRecurring(ctx, tx, b.Recurring); err != nil {
			return err
		}
		if err := insertBulkInvoices(ctx, tx, b.Invoices); err != nil {
			return err
		}
		if err := insertBulkRuns(ctx, tx, b.Recurring); err != nil {
			return err
		}
		for name, value := range b.Sequences {
			if _, err := tx.ExecContext(ctx, `INSERT INTO sequences (name, value) VALUES (?, ?)
				ON CONFLICT (name) DO UPDATE SET value = MAX(value, excluded.value)`, name, value); err != nil {
				return fmt.Errorf("db: bulk sequence %s: %w", name, err)
			}
		}
		return nil
	})
}

func insertBulkRecurring(ctx context.Context, tx *sql.Tx, list []BulkRecurring) error {
	for _, r := range list {
		auto := 0
		if r.AutoSend {
			auto = 1
		}
		interval := r.IntervalMonths
		if r.Frequency != billing.EveryN {
			interval = 1
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO recurring_invoices (id, client_id, case_id, currency, terms_days, notes, frequency, interval_months,
			start_date, end_date, max_count, status, auto_send, next_index, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.ClientID, nullID(r.CaseID), r.Currency, r.TermsDays, r.Notes, r.Frequency, interval,
			r.IssueDate, r.EndDate, r.Count, r.Status, auto, r.NextIndex, nullID(r.CreatedBy), r.CreatedAt.Unix(), r.UpdatedAt.Unix()); err != nil {
			return fmt.Errorf("db: bulk recurring invoice: %w", err)
		}
		if err := writeLines(ctx, tx, "recurring_lines", "recurring_id", r.ID, r.Lines); err != nil {
			return err
		}
	}
	return nil
}

func insertBulkRuns(ctx context.Context, tx *sql.Tx, list []BulkRecurring) error {
	for _, r := range list {
		for _, run := range r.Runs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO recurring_runs (recurring_id, period_index, period_date, invoice_id, skipped, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				r.ID, run.Index, run.Date, nullID(run.InvoiceID), caseBoolInt(run.Skipped), run.CreatedAt.Unix()); err != nil {
				return fmt.Errorf("db: bulk recurring run: %w", err)
			}
		}
	}
	return nil
}

// nullTime is a time as a column value: NULL for the zero time.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

func insertBulkInvoices(ctx context.Context, tx *sql.Tx, list []BulkInvoice) error {
	if len(list) == 0 {
		return nil
	}
	ins, err := prepareAll(ctx, tx,
		`INSERT INTO invoices (id, kind, number, credit_for, client_id, case_id, recurring_id, status, currency, issue_date, terms_days, due_date, notes,
			subtotal, vat_total, total, paid, seller, buyer, void_reason, issued_at, voided_at, sent_at, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		`INSERT INTO payments (id, invoice_id, amount, currency, paid_on, method, reference, provider_key, recorded_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		`INSERT INTO paysera_orders (order_id, invoice_id, amount, currency, test, created_at, paid_at, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		`INSERT INTO invoice_reminders (invoice_id, step_days, sent, at) VALUES (?, ?, 1, ?)`)
	if err != nil {
		return err
	}
	defer closeAll(ins)
	insInvoice, insPayment, insOrder, insReminder := ins[0], ins[1], ins[2], ins[3]
	for _, inv := range list {
		if err := ctx.Err(); err != nil {
			return err
		}
		tot := billing.Compute(inv.Lines)
		var paid int64
		for _, p := range inv.Payments {
			paid += p.Amount
		}
		seller, buyer := "", ""
		if inv.Status != InvoiceDraft {
			b, _ := json.Marshal(inv.Seller)
			seller = string(b)
			party, err := buyerOf(ctx, tx, inv.ClientID)
			if err != nil {
				return err
			}
			b, _ = json.Marshal(party)
			buyer = string(b)
		}
		var number any
		if inv.Number != "" {
			number = inv.Number
		}
		in := InvoiceInput{IssueDate: inv.IssueDate, TermsDays: inv.TermsDays}
		if _, err := insInvoice.ExecContext(ctx, inv.ID, inv.Kind, number, nullID(inv.CreditFor), inv.ClientID, nullID(inv.CaseID), nullID(inv.RecurringID),
			inv.Status, inv.Currency, inv.IssueDate, inv.TermsDays, in.dueDate(), inv.Notes, tot.Subtotal, tot.VAT, tot.Total, paid, seller, buyer, inv.VoidReason,
			nullTime(inv.IssuedAt), nullTime(inv.VoidedAt), nullTime(inv.SentAt), nullID(inv.CreatedBy), inv.CreatedAt.Unix(), inv.UpdatedAt.Unix()); err != nil {
			return fmt.Errorf("db: bulk invoice %s: %w", inv.Number, err)
		}
		if err := writeLines(ctx, tx, "invoice_lines", "invoice_id", inv.ID, inv.Lines); err != nil {
			return err
		}
		for _, p := range inv.Payments {
			if _, err := insPayment.ExecContext(ctx, p.ID, inv.ID, p.Amount, p.Currency, p.PaidOn, p.Method, p.Reference,
				caseNullable(providerKeyOf(p)), p.RecordedBy, p.CreatedAt.Unix()); err != nil {
				return fmt.Errorf("db: bulk payment on %s: %w", inv.Number, err)
			}
		}
		for _, o := range inv.PayseraOrders {
			if _, err := insOrder.ExecContext(ctx, o.OrderID, inv.ID, o.Amount, o.Currency, caseBoolInt(o.Test), o.CreatedAt.Unix(), nullTime(o.PaidAt), o.RequestID); err != nil {
				return fmt.Errorf("db: bulk paysera order on %s: %w", inv.Number, err)
			}
		}
		for _, r := range inv.Reminders {
			if _, err := insReminder.ExecContext(ctx, inv.ID, r.StepDays, r.At.Unix()); err != nil {
				return fmt.Errorf("db: bulk reminder on %s: %w", inv.Number, err)
			}
		}
	}
	return nil
}
