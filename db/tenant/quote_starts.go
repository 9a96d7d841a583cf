package tenant

// What a quote's acceptance starts (issue 18 point 5), chosen per quote by
// staff: the deposit invoice issued, a case opened (or the quote's case
// moved) to a status, a recurring invoice of the recurring lines. Each is
// done inside the acceptance's transaction (AcceptQuote) and recorded on
// the quote (deposit_invoice_id, started_case_id, started_recurring_id),
// so it happens once however many times, or at once, the client submits:
// a second acceptance is refused by the same transaction, and a start
// already recorded is never done again.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"mintedmind/billing"
)

// QuoteStarts is what staff chose that the quote's acceptance starts.
type QuoteStarts struct {
	Deposit    bool   // issue the deposit invoice (when the quote has a deposit)
	CaseStatus string // open a case (the quote has none) or move the quote's case to this status; "" = neither
	Recurring  string // create a recurring invoice of the recurring lines at this frequency; "" = none
}

// QuoteStarted is what the acceptance started: the ids it recorded.
type QuoteStarted struct {
	DepositInvoiceID, CaseID, RecurringID string
}

// QuoteRecurringFrequencies are the schedules acceptance may start.
var QuoteRecurringFrequencies = []string{billing.Weekly, billing.Monthly, billing.Quarterly, billing.Yearly}

func (s *QuoteStarts) validate(in *QuoteInput, f map[string]string) {
	if s.CaseStatus != "" && !slices.Contains(CaseStatuses, s.CaseStatus) {
		f["start_case_status"] = "Choose a case status, or nothing."
	}
	recurring := 0
	for _, l := range in.Lines {
		if l.Recurring {
			recurring++
		}
	}
	switch {
	case s.Recurring != "" && !slices.Contains(QuoteRecurringFrequencies, s.Recurring):
		f["start_recurring"] = "Choose weekly, monthly, quarterly or yearly, or no schedule."
	case s.Recurring != "" && recurring == 0:
		f["start_recurring"] = "Mark the lines billed on the schedule as recurring, or choose no schedule."
	case s.Recurring == "" && recurring > 0:
		f["start_recurring"] = "Choose how often the recurring lines are billed."
	}
	if s.Deposit && in.DepositKind != DepositPercent && in.DepositKind != DepositAmount {
		f["start_deposit"] = "Set a deposit to issue its invoice on acceptance."
	}
}

// startAcceptedTx starts, inside the acceptance's transaction tx, what the
// quote's staff chose (q.Starts), in this order: the case (so that the
// deposit invoice and the schedule are on it), the deposit invoice, the
// recurring invoice. A start the quote already records is not done again.
// a is the acceptance's audit entry (who, from where), which the deposit
// invoice's own entry copies.
func (t *Store) startAcceptedTx(ctx context.Context, tx *sql.Tx, actor Actor, q *Quote, in Acceptance, a Audit) error {
	var started QuoteStarted
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(deposit_invoice_id, ''), COALESCE(started_case_id, ''), COALESCE(started_recurring_id, '')
		FROM quotes WHERE id = ?`, q.ID).Scan(&started.DepositInvoiceID, &started.CaseID, &started.RecurringID); err != nil {
		return fmt.Errorf("db: what quote %s started: %w", q.ID, err)
	}
	if q.Starts.CaseStatus != "" && started.CaseID == "" {
		if err := t.startCaseTx(ctx, tx, actor, q); err != nil {
			return err
		}
	}
	if q.Starts.Deposit && q.Deposit() > 0 && started.DepositInvoiceID == "" {
		if err := t.startDepositTx(ctx, tx, actor, q, in, a); err != nil {
			return err
		}
	}
	if q.Starts.Recurring != "" && started.RecurringID == "" {
		if err := t.startRecurringTx(ctx, tx, actor, q, in.Today); err != nil {
			return err
		}
	}
	return nil
}

// startCaseTx moves the quote's case to the chosen status, or opens a case
// for the quote's client at that status and puts the quote on it.
func (t *Store) startCaseTx(ctx context.Context, tx *sql.Tx, actor Actor, q *Quote) error {
	status := q.Starts.CaseStatus
	caseID, kind := q.CaseID, "case_moved"
	if caseID == "" {
		n, err := nextSequence(ctx, tx, "case")
		if err != nil {
			return err
		}
		caseID, kind = uuid.NewString(), "case_opened"
		now := t.Now()
		title := "Quote " + q.Label()
		if _, err := tx.ExecContext(ctx, `INSERT INTO cases (id, number, client_id, title, description, status, priority, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, ?)`, caseID, n, q.ClientID, title, CaseNew, PriorityNormal, caseNullable(q.CreatedBy), now, now); err != nil {
			return fmt.Errorf("db: open the case of quote %s: %w", q.ID, err)
		}
		if err := t.insertEvent(ctx, tx, Event{CaseID: caseID, ActorID: actor.ID, ActorName: actor.Name, Kind: EventCreated, NewValue: title, VisibleToClient: true}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE quotes SET case_id = ? WHERE id = ?`, caseID, q.ID); err != nil {
			return fmt.Errorf("db: put quote %s on its case: %w", q.ID, err)
		}
		q.CaseID, q.CaseNumber = caseID, n
	}
	k, err := loadCase(ctx, tx, Viewer{}, caseID)
	if err != nil {
		return err
	}
	if _, err := t.applyChange(ctx, tx, Viewer{}, actor, k, CaseChange{Status: &status}); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE quotes SET started_case_id = ? WHERE id = ?`, caseID, q.ID); err != nil {
		return fmt.Errorf("db: record the case quote %s started: %w", q.ID, err)
	}
	q.Started.CaseID = caseID
	return t.quoteEventTx(ctx, tx, q.ID, kind, actor.Name, fmt.Sprintf("C-%04d · %s", k.Number, CaseStatusLabel(status)))
}

// startDepositTx issues the deposit invoice as staff issue an invoice
// (issueTx: the invoice number sequence, seller and buyer, the case's
// timeline), its lines the deposit's share of each VAT rate
// (billing.DepositLines), due after the agency's payment terms, and
// audited as "invoice.issued" like staff's.
func (t *Store) startDepositTx(ctx context.Context, tx *sql.Tx, actor Actor, q *Quote, in Acceptance, a Audit) error {
	settings, err := readBillingSettings(ctx, tx)
	if err != nil {
		return err
	}
	label, bp := "Deposit on "+q.Label(), int64(0)
	if q.DepositKind == DepositPercent {
		bp = q.DepositValue
		label = "Deposit " + billing.FormatRate(bp) + "% on " + q.Label()
	}
	inv := &Invoice{InvoiceInput: InvoiceInput{ClientID: q.ClientID, CaseID: q.CaseID, Currency: q.Currency, IssueDate: in.Today, TermsDays: settings.TermsDays,
		Lines: billing.DepositLines(QuoteTotals(q.Lines, q.DiscountBP), bp, q.Deposit(), label)}, ID: uuid.NewString(), Kind: KindInvoice, Status: InvoiceDraft}
	if err := t.insertDraft(ctx, tx, inv.ID, KindInvoice, "", "", q.CreatedBy, inv.InvoiceInput); err != nil {
		return err
	}
	tot := inv.InvoiceInput.Totals()
	inv.Subtotal, inv.VATTotal, inv.Total = tot.Subtotal, tot.VAT, tot.Total
	if err := t.issueTx(ctx, tx, actor, in.AgencyName, inv); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE quotes SET deposit_invoice_id = ? WHERE id = ?`, inv.ID, q.ID); err != nil {
		return fmt.Errorf("db: record the deposit invoice of quote %s: %w", q.ID, err)
	}
	q.Started.DepositInvoiceID = inv.ID
	a.Action, a.Target, a.Detail = "invoice.issued", inv.ID, inv.Number
	if err := t.auditTx(ctx, tx, a); err != nil {
		return err
	}
	return t.quoteEventTx(ctx, tx, q.ID, "deposit_invoiced", actor.Name, inv.Number+" · "+billing.FormatMoney(inv.Total, inv.Currency))
}

// startRecurringTx creates an active recurring invoice of the chosen
// recurring lines (their discounts and the quote's discount on the total
// kept) from the day of acceptance, which the recurring job issues.
func (t *Store) startRecurringTx(ctx context.Context, tx *sql.Tx, actor Actor, q *Quote, today string) error {
	var lines []billing.Line
	for _, l := range q.Lines {
		if l.Recurring && (l.Chosen || !l.Optional) {
			lines = append(lines, l.Line)
		}
	}
	if len(lines) == 0 { // the client left every recurring line out
		return nil
	}
	settings, err := readBillingSettings(ctx, tx)
	if err != nil {
		return err
	}
	id, now := uuid.NewString(), t.Now()
	notes := "From " + q.Label()
	if _, err := tx.ExecContext(ctx, `INSERT INTO recurring_invoices (id, client_id, case_id, currency, terms_days, notes, frequency, interval_months,
		start_date, end_date, max_count, status, auto_send, next_index, discount_bp, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, '', 0, 'active', 0, 0, ?, ?, ?, ?)`,
		id, q.ClientID, caseNullable(q.CaseID), q.Currency, settings.TermsDays, notes, q.Starts.Recurring, today, q.DiscountBP,
		caseNullable(q.CreatedBy), now, now); err != nil {
		return fmt.Errorf("db: the recurring invoice of quote %s: %w", q.ID, err)
	}
	if err := writeLines(ctx, tx, "recurring_lines", "recurring_id", id, lines); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE quotes SET started_recurring_id = ? WHERE id = ?`, id, q.ID); err != nil {
		return fmt.Errorf("db: record the recurring invoice of quote %s: %w", q.ID, err)
	}
	q.Started.RecurringID = id
	tot := billing.ComputeDiscounted(lines, q.DiscountBP)
	return t.quoteEventTx(ctx, tx, q.ID, "recurring_started", actor.Name,
		strings.Join([]string{q.Starts.Recurring, "from " + today, billing.FormatMoney(tot.Total, q.Currency)}, " · "))
}
