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

// Recurring invoice statuses.
const (
	RecurringActive = "active"
	RecurringPaused = "paused"
	RecurringEnded  = "ended"
)

// RecurringInput is a recurring invoice as typed: the template (client,
// lines, terms; IssueDate is the schedule's start) and the schedule.
type RecurringInput struct {
	InvoiceInput
	Frequency      string
	IntervalMonths int
	EndDate        string // "" for none
	Count          int    // 0 for no limit
	AutoSend       bool
}

// Recurring is a stored recurring invoice.
type Recurring struct {
	RecurringInput
	ID         string
	ClientName string
	Status     string
	NextIndex  int
	CreatedAt  time.Time
}

// Schedule returns the recurring invoice's schedule.
func (r *RecurringInput) Schedule() billing.Schedule {
	s := billing.Schedule{Frequency: r.Frequency, IntervalMonths: r.IntervalMonths, Count: r.Count}
	s.Start, _ = billing.ParseDate(r.IssueDate)
	if r.EndDate != "" {
		s.End, _ = billing.ParseDate(r.EndDate)
	}
	return s
}

// Validate checks the template and the schedule.
func (r *RecurringInput) Validate() error {
	f := apperr.FieldsOf(r.InvoiceInput.Validate())
	if f == nil {
		f = map[string]string{}
	}
	if msg, ok := f["issue_date"]; ok {
		delete(f, "issue_date")
		f["start_date"] = strings.Replace(msg, "issue date", "start date", 1)
	}
	if r.EndDate != "" {
		if _, err := billing.ParseDate(r.EndDate); err != nil {
			f["end_date"] = "Enter the end date as YYYY-MM-DD, or leave it empty."
		}
	}
	if _, bad := f["start_date"]; !bad && f["end_date"] == "" {
		if err := r.Schedule().Validate(); err != nil {
			switch {
			case strings.Contains(err.Error(), "frequency"):
				f["frequency"] = "Choose weekly, monthly, quarterly, yearly or every N months."
			case strings.Contains(err.Error(), "N months"):
				f["interval_months"] = "Every N months needs N from 1 to 36."
			case strings.Contains(err.Error(), "end date"):
				f["end_date"] = "The end date is before the start date."
			case strings.Contains(err.Error(), "count"):
				f["count"] = "The number of invoices is 0 (no limit) to 1000."
			default:
				f["frequency"] = err.Error()
			}
		}
	}
	return apperr.FieldErrors(f)
}

const recurringSelect = `SELECT r.id, r.client_id, cl.name, COALESCE(r.case_id, ''), r.currency, r.terms_days, r.notes, r.frequency, r.interval_months,
	r.start_date, r.end_date, r.max_count, r.status, r.auto_send, r.next_index, r.created_at, r.discount_bp
	FROM recurring_invoices r JOIN clients cl ON cl.id = r.client_id`

func scanRecurring(row db.Scanner) (*Recurring, error) {
	var r Recurring
	var created int64
	if err := row.Scan(&r.ID, &r.ClientID, &r.ClientName, &r.CaseID, &r.Currency, &r.TermsDays, &r.Notes, &r.Frequency, &r.IntervalMonths,
		&r.IssueDate, &r.EndDate, &r.Count, &r.Status, &r.AutoSend, &r.NextIndex, &created, &r.DiscountBP); err != nil {
		return nil, err
	}
	r.CreatedAt = db.UnixTime(created)
	return &r, nil
}

func loadRecurring(ctx context.Context, q caseQuerier, v Viewer, id string) (*Recurring, error) {
	if uuid.Validate(id) != nil {
		return nil, apperr.New(apperr.NotFound, "Recurring invoice not found.")
	}
	filter, args := v.clientFilter("cl")
	r, err := scanRecurring(q.QueryRowContext(ctx, recurringSelect+` WHERE r.id = ? AND `+filter, append([]any{id}, args...)...))
	if err != nil {
		return nil, db.NotFound(err, "Recurring invoice")
	}
	r.Lines, err = readLines(ctx, q, `SELECT `+lineColumns+` FROM recurring_lines WHERE recurring_id = ? ORDER BY position`, id)
	return r, err
}

// Recurring loads a recurring invoice v may see.
func (t *Store) Recurring(ctx context.Context, v Viewer, id string) (*Recurring, error) {
	return loadRecurring(ctx, t.Reader(), v, id)
}

// RecurringList lists the recurring invoices v may see.
func (t *Store) RecurringList(ctx context.Context, v Viewer) ([]*Recurring, error) {
	filter, args := v.clientFilter("cl")
	list, err := db.QueryListPrepared(ctx, t.DB, "recurring invoices", 16, scanRecurring, recurringSelect+` WHERE `+filter+` ORDER BY r.created_at DESC LIMIT 500`, args...)
	if err != nil || len(list) == 0 {
		return list, err
	}
	// Every listed schedule's lines in one query, for the totals the list shows.
	byID := make(map[string]*Recurring, len(list))
	ids := make([]any, len(list))
	for i, r := range list {
		byID[r.ID], ids[i] = r, r.ID
	}
	rows, err := t.Reader().QueryContext(ctx, `SELECT recurring_id, `+lineColumns+` FROM recurring_lines
		WHERE recurring_id IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")+`) ORDER BY recurring_id, position`, ids...)
	if err != nil {
		return nil, fmt.Errorf("db: recurring lines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var l billing.Line
		if err := scanLine(rows, &l, &id); err != nil {
			return nil, fmt.Errorf("db: recurring lines: %w", err)
		}
		if r := byID[id]; r != nil {
			r.Lines = append(r.Lines, l)
		}
	}
	return list, rows.Err()
}

// CreateRecurring stores a recurring invoice for a client v may see, and
// audits it (a gets the schedule as its target and its frequency and start
// as detail) in the same transaction.
func (t *Store) CreateRecurring(ctx context.Context, v Viewer, actor Actor, in RecurringInput, a Audit) (*Recurring, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if in.Frequency != billing.EveryN {
		in.IntervalMonths = 1
	}
	id := uuid.NewString()
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkInvoiceRefs(ctx, tx, v, &in.InvoiceInput, nil); err != nil {
			return err
		}
		now := t.Now()
		auto := 0
		if in.AutoSend {
			auto = 1
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO recurring_invoices (id, client_id, case_id, currency, terms_days, notes, frequency, interval_months,
			start_date, end_date, max_count, status, auto_send, next_index, discount_bp, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, 0, ?, ?, ?, ?)`,
			id, in.ClientID, caseNullable(in.CaseID), in.Currency, in.TermsDays, strings.TrimSpace(in.Notes), in.Frequency, in.IntervalMonths,
			in.IssueDate, in.EndDate, in.Count, auto, in.DiscountBP, caseNullable(actor.ID), now, now); err != nil {
			return fmt.Errorf("db: insert recurring invoice: %w", err)
		}
		if err := writeLines(ctx, tx, "recurring_lines", "recurring_id", id, in.Lines); err != nil {
			return err
		}
		a.Target, a.Detail = id, in.Frequency+" from "+in.IssueDate
		return t.auditTx(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return t.Recurring(ctx, v, id)
}

// Recurring actions.
const (
	RecurringPause  = "pause"
	RecurringResume = "resume"
	RecurringSkip   = "skip"
	RecurringEnd    = "end"    // no invoice after the ones made so far
	RecurringDelete = "delete" // only one that never made or skipped a period
)

// ChangeRecurring pauses, resumes or skips the next period of a recurring
// invoice. Resuming skips the periods whose dates passed while it was
// paused (they are recorded as skipped, so no later date moves). The change
// is audited (a gets the schedule as its target, and what happened as
// detail) in the same transaction.
func (t *Store) ChangeRecurring(ctx context.Context, v Viewer, id, action string, today time.Time, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		detail, err := t.changeRecurring(ctx, tx, v, id, action, today)
		if err != nil {
			return err
		}
		a.Target, a.Detail = id, detail
		return t.auditTx(ctx, tx, a)
	})
}

// changeRecurring makes ChangeRecurring's change and says what it did.
func (t *Store) changeRecurring(ctx context.Context, tx *sql.Tx, v Viewer, id, action string, today time.Time) (string, error) {
	r, err := loadRecurring(ctx, tx, v, id)
	if err != nil {
		return "", err
	}
	if r.Status == RecurringEnded {
		return "", apperr.New(apperr.Conflict, "This recurring invoice has ended.")
	}
	s := r.Schedule()
	switch action {
	case RecurringPause:
		if r.Status == RecurringPaused {
			return "", apperr.New(apperr.Conflict, "It is already paused.")
		}
		return "paused", t.setRecurringStatus(ctx, tx, id, RecurringPaused)
	case RecurringResume:
		if r.Status == RecurringActive {
			return "", apperr.New(apperr.Conflict, "It is not paused.")
		}
		skipped := 0
		for {
			d, ok := s.Date(r.NextIndex)
			if !ok || !d.Before(today) {
				break
			}
			if err := t.skipPeriod(ctx, tx, r.ID, r.NextIndex, d); err != nil {
				return "", err
			}
			r.NextIndex++
			skipped++
		}
		detail := "resumed"
		if skipped > 0 {
			detail = fmt.Sprintf("resumed; %d past periods skipped", skipped)
		}
		return detail, t.setRecurringStatus(ctx, tx, id, RecurringActive)
	case RecurringSkip:
		d, ok := s.Date(r.NextIndex)
		if !ok {
			return "", apperr.New(apperr.Conflict, "There is no next invoice to skip.")
		}
		if err := t.skipPeriod(ctx, tx, r.ID, r.NextIndex, d); err != nil {
			return "", err
		}
		detail := "skipped " + d.Format(billing.DateLayout)
		if _, ok := s.Date(r.NextIndex + 1); !ok {
			return detail + "; ended: no period is left", t.setRecurringStatus(ctx, tx, id, RecurringEnded)
		}
		return detail, nil
	case RecurringEnd:
		if _, err := tx.ExecContext(ctx, `UPDATE recurring_invoices SET max_count = ?, updated_at = ? WHERE id = ?`, max(r.NextIndex, 1), t.Now(), id); err != nil {
			return "", fmt.Errorf("db: end recurring %s: %w", id, err)
		}
		return fmt.Sprintf("ended after %d invoices", r.NextIndex), t.setRecurringStatus(ctx, tx, id, RecurringEnded)
	case RecurringDelete:
		var runs int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM recurring_runs WHERE recurring_id = ?`, id).Scan(&runs); err != nil {
			return "", fmt.Errorf("db: runs of %s: %w", id, err)
		}
		if runs > 0 || r.NextIndex > 0 {
			return "", apperr.New(apperr.Conflict, "This recurring invoice has made invoices: end it instead, so they keep their schedule.")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recurring_invoices WHERE id = ?`, id); err != nil {
			return "", fmt.Errorf("db: delete recurring %s: %w", id, err)
		}
		return "deleted " + r.ClientName + ", " + r.Frequency + " from " + r.IssueDate, nil
	}
	return "", apperr.New(apperr.Invalid, "Unknown action: pause, resume, skip, end or delete.")
}

func (t *Store) setRecurringStatus(ctx context.Context, tx *sql.Tx, id, status string) error {
	_, err := tx.ExecContext(ctx, `UPDATE recurring_invoices SET status = ?, updated_at = ? WHERE id = ?`, status, t.Now(), id)
	if err != nil {
		return fmt.Errorf("db: recurring %s → %s: %w", id, status, err)
	}
	return nil
}

func (t *Store) skipPeriod(ctx context.Context, tx *sql.Tx, id string, index int, d time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO recurring_runs (recurring_id, period_index, period_date, skipped, created_at) VALUES (?, ?, ?, 1, ?)`,
		id, index, d.Format(billing.DateLayout), t.Now()); err != nil {
		return fmt.Errorf("db: skip period %d of %s: %w", index, id, err)
	}
	_, err := tx.ExecContext(ctx, `UPDATE recurring_invoices SET next_index = ?, updated_at = ? WHERE id = ? AND next_index = ?`, index+1, t.Now(), id, index)
	return err
}

// recurringActor is who the case timeline and the audit log name for what
// the recurring job does.
var recurringActor = Actor{Name: "Recurring invoice"}

// GeneratedInvoice is an invoice the recurring job issued.
type GeneratedInvoice struct {
	InvoiceID string
	// CaseID is the invoice's case ("" for none), so that the job can tell
	// the case's live pages without loading the invoice back.
	CaseID   string
	AutoSend bool
}

// GenerateRecurring issues every period of every active recurring invoice
// whose date is on or before today, oldest first, up to 500 periods per
// transaction, each with its recurring_runs row: a second run, or a run
// after a crash between two batches, makes nothing twice and skips
// nothing.
// onIssued is called after each commit (the job sends the email there).
func (t *Store) GenerateRecurring(ctx context.Context, today time.Time, agencyName string, onIssued func(GeneratedInvoice)) (int, error) {
	ids, err := db.QueryListPrepared(ctx, t.DB, "active recurring", 16, func(row db.Scanner) (string, error) {
		var id string
		return id, row.Scan(&id)
	}, `SELECT id FROM recurring_invoices WHERE status = 'active' ORDER BY created_at, id`)
	if err != nil {
		return 0, err
	}
	made := 0
	// Batches first (recurring_batch.go); when a batch fails, the schedules
	// it had left are issued one period per transaction, so that one
	// broken schedule stops only itself.
	for len(ids) > 0 {
		if err := ctx.Err(); err != nil {
			return made, err
		}
		n, rest, err := t.generateBatch(ctx, ids, today, agencyName, onIssued)
		made += n
		if err != nil {
			if ctx.Err() != nil {
				return made, ctx.Err()
			}
			break
		}
		ids = rest
	}
	var errs []error
	for _, id := range ids {
		for {
			if err := ctx.Err(); err != nil {
				return made, err
			}
			g, more, err := t.generateOne(ctx, id, today, agencyName)
			if err != nil {
				errs = append(errs, fmt.Errorf("recurring %s: %w", id, err))
				break
			}
			if g != nil {
				made++
				if onIssued != nil {
					onIssued(*g)
				}
			}
			if !more {
				break
			}
		}
	}
	return made, errors.Join(errs...)
}

// generateOne makes the next due period of one schedule; more says whether
// another may be due.
func (t *Store) generateOne(ctx context.Context, id string, today time.Time, agencyName string) (*GeneratedInvoice, bool, error) {
	var out *GeneratedInvoice
	more := false
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		r, err := loadRecurring(ctx, tx, Viewer{}, id)
		if err != nil || r.Status != RecurringActive {
			return err
		}
		s := r.Schedule()
		d, ok := s.Date(r.NextIndex)
		if !ok {
			if err := t.setRecurringStatus(ctx, tx, id, RecurringEnded); err != nil {
				return err
			}
			return t.auditTx(ctx, tx, Audit{ActorName: recurringActor.Name, Action: "recurring.ended", Target: id, Detail: "no period is left"})
		}
		if d.After(today) {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO recurring_runs (recurring_id, period_index, period_date, created_at) VALUES (?, ?, ?, ?)`,
			id, r.NextIndex, d.Format(billing.DateLayout), t.Now()); err != nil {
			return fmt.Errorf("db: claim period %d: %w", r.NextIndex, err)
		}
		in := r.InvoiceInput
		in.IssueDate = d.Format(billing.DateLayout)
		invID := uuid.NewString()
		if err := t.insertDraft(ctx, tx, invID, KindInvoice, "", id, "", in); err != nil {
			return err
		}
		inv, err := loadInvoice(ctx, tx, Viewer{}, invID)
		if err != nil {
			return err
		}
		if err := t.issueTx(ctx, tx, recurringActor, agencyName, inv); err != nil {
			return err
		}
		if err := t.auditTx(ctx, tx, Audit{ActorName: recurringActor.Name, Action: "invoice.issued", Target: invID, Detail: inv.Number}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE recurring_runs SET invoice_id = ? WHERE recurring_id = ? AND period_index = ?`, invID, id, r.NextIndex); err != nil {
			return fmt.Errorf("db: link period %d: %w", r.NextIndex, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE recurring_invoices SET next_index = next_index + 1, updated_at = ? WHERE id = ?`, t.Now(), id); err != nil {
			return fmt.Errorf("db: advance recurring %s: %w", id, err)
		}
		out, more = &GeneratedInvoice{InvoiceID: invID, CaseID: r.CaseID, AutoSend: r.AutoSend}, true
		return nil
	})
	return out, more, err
}

// RecurringRun is one period of a schedule, made or skipped.
type RecurringRun struct {
	Index         int
	Date          string
	InvoiceID     string
	InvoiceNumber string
	Skipped       bool
}

// RecurringRuns lists a schedule's periods so far, newest first.
func (t *Store) RecurringRuns(ctx context.Context, id string) ([]RecurringRun, error) {
	return db.QueryListPrepared(ctx, t.DB, "recurring runs", 16, func(row db.Scanner) (RecurringRun, error) {
		var r RecurringRun
		err := row.Scan(&r.Index, &r.Date, &r.InvoiceID, &r.InvoiceNumber, &r.Skipped)
		return r, err
	}, `SELECT rr.period_index, rr.period_date, COALESCE(rr.invoice_id, ''), COALESCE(i.number, ''), rr.skipped
		FROM recurring_runs rr LEFT JOIN invoices i ON i.id = rr.invoice_id WHERE rr.recurring_id = ? ORDER BY rr.period_index DESC LIMIT 200`, id)
}

// ReminderDue is an overdue invoice whose reminder step came.
type ReminderDue struct {
	InvoiceID string
	Step      int
}

// ClaimReminders finds the open invoices past due on today whose latest
// reminder step (days after the due date) has come and not been sent,
// and records it (with any earlier step it passed over, say after the
// binary was down) before returning it: each step goes out at most once.
func (t *Store) ClaimReminders(ctx context.Context, today time.Time, steps []int) ([]ReminderDue, error) {
	if len(steps) == 0 {
		return nil, nil
	}
	type open struct {
		id  string
		due string
	}
	invs, err := db.QueryListPrepared(ctx, t.DB, "overdue invoices", 16, func(row db.Scanner) (open, error) {
		var o open
		return o, row.Scan(&o.id, &o.due)
	}, `SELECT id, due_date FROM invoices WHERE status IN (`+invoiceOpenStatusList+`) AND kind = 'invoice' AND due_date < ?`, today.Format(billing.DateLayout))
	if err != nil {
		return nil, err
	}
	var out []ReminderDue
	err = t.Tx(ctx, func(tx *sql.Tx) error {
		for _, o := range invs {
			due, err := billing.ParseDate(o.due)
			if err != nil {
				continue
			}
			late := int(today.Sub(due).Hours() / 24)
			latest := 0
			for _, s := range steps {
				if s <= late {
					latest = s
				}
			}
			if latest == 0 {
				continue
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO invoice_reminders (invoice_id, step_days, sent, at) VALUES (?, ?, 1, ?) ON CONFLICT DO NOTHING`, o.id, latest, t.Now())
			if err != nil {
				return fmt.Errorf("db: claim reminder of %s: %w", o.id, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			for _, s := range steps {
				if s < latest {
					if _, err := tx.ExecContext(ctx, `INSERT INTO invoice_reminders (invoice_id, step_days, sent, at) VALUES (?, ?, 0, ?) ON CONFLICT DO NOTHING`, o.id, s, t.Now()); err != nil {
						return fmt.Errorf("db: pass over reminder of %s: %w", o.id, err)
					}
				}
			}
			out = append(out, ReminderDue{InvoiceID: o.id, Step: latest})
		}
		return nil
	})
	return out, err
}

// ClientEmail is the first email of a client, where invoices go.
func (t *Store) ClientEmail(ctx context.Context, clientID string) (string, error) {
	var email string
	err := t.Reader().QueryRowContext(ctx, `SELECT email FROM client_emails WHERE client_id = ? ORDER BY position LIMIT 1`, clientID).Scan(&email)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return email, err
}
