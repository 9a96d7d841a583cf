package tenant

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/billing"
)

// recurringBatchSize is how many periods one transaction of the recurring
// job issues. A crash undoes at most one batch, which the next run makes
// again: still no gap and no duplicate (recurring_runs is the claim).
const recurringBatchSize = 500

// recurringBatch issues many periods in one transaction with each
// statement prepared once, the billing settings and the seller read once
// and each client's buyer block read once: what generateOne does per
// period, without its per-period transaction and statement parsing
// (BENCHMARKS.md, BenchmarkRecurringRun).
type recurringBatch struct {
	t          *Store
	tx         *sql.Tx
	agencyName string
	settings   BillingSettings
	sellerJSON string
	buyers     map[string]string     // client id → buyer JSON
	schedules  map[string]*Recurring // loaded up front (load)
	seqs       map[string]int64      // sequence name → its value in this batch, written by flush
	now        int64

	buyer, invoice, line, run, audit, advance *sql.Stmt
}

func (t *Store) newRecurringBatch(ctx context.Context, tx *sql.Tx, agencyName string) (*recurringBatch, error) {
	s, err := readBillingSettings(ctx, tx)
	if err != nil {
		return nil, err
	}
	seller, _ := json.Marshal(SellerOf(s, agencyName))
	b := &recurringBatch{t: t, tx: tx, agencyName: agencyName, settings: s, sellerJSON: string(seller), buyers: map[string]string{},
		schedules: map[string]*Recurring{}, seqs: map[string]int64{}, now: t.Now()}
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&b.buyer, buyerSelect},
		{&b.invoice, `INSERT INTO invoices (id, kind, client_id, case_id, recurring_id, status, currency, issue_date, terms_days, due_date, notes,
			subtotal, vat_total, total, discount_bp, number, seller, buyer, issued_at, created_at, updated_at)
			VALUES (?, 'invoice', ?, ?, ?, 'issued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&b.line, `INSERT INTO invoice_lines (invoice_id, position, description, quantity_milli, unit_price, vat_rate_bp, discount_bp, tax_preset_id, tax_note)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&b.run, `INSERT INTO recurring_runs (recurring_id, period_index, period_date, invoice_id, created_at) VALUES (?, ?, ?, ?, ?)`},
		{&b.audit, `INSERT INTO audit_log (at, actor_id, actor_name, action, target, ip, user_agent, detail) VALUES (?, '', ?, 'invoice.issued', ?, '', '', ?)`},
		{&b.advance, `UPDATE recurring_invoices SET next_index = ?, updated_at = ? WHERE id = ?`},
	} {
		if *p.stmt, err = tx.PrepareContext(ctx, p.sql); err != nil {
			b.close()
			return nil, fmt.Errorf("db: prepare recurring batch: %w", err)
		}
	}
	return b, nil
}

func (b *recurringBatch) close() {
	for _, s := range []*sql.Stmt{b.buyer, b.invoice, b.line, b.run, b.audit, b.advance} {
		if s != nil {
			s.Close()
		}
	}
}

// generate issues schedule id's due periods, at most limit; more says the
// limit stopped it with another period possibly due.
func (b *recurringBatch) generate(ctx context.Context, id string, today time.Time, limit int) (made []GeneratedInvoice, more bool, err error) {
	r := b.schedules[id]
	if r == nil {
		if r, err = loadRecurring(ctx, b.tx, Viewer{}, id); err != nil {
			return nil, false, err
		}
	}
	if r.Status != RecurringActive {
		return nil, false, nil
	}
	s := r.Schedule()
	index := r.NextIndex
	defer func() {
		if err == nil && index != r.NextIndex {
			if _, e := b.advance.ExecContext(ctx, index, b.now, id); e != nil {
				err = fmt.Errorf("db: advance recurring %s: %w", id, e)
			}
		}
	}()
	for {
		d, ok := s.Date(index)
		if !ok {
			if err := b.t.setRecurringStatus(ctx, b.tx, id, RecurringEnded); err != nil {
				return nil, false, err
			}
			return made, false, b.t.auditTx(ctx, b.tx, Audit{ActorName: recurringActor.Name, Action: "recurring.ended", Target: id, Detail: "no period is left"})
		}
		if d.After(today) {
			return made, false, nil
		}
		if len(made) >= limit {
			return made, true, nil
		}
		invID, err := b.issue(ctx, r, index, d)
		if err != nil {
			return nil, false, err
		}
		made = append(made, GeneratedInvoice{InvoiceID: invID, CaseID: r.CaseID, AutoSend: r.AutoSend})
		index++
	}
}

// issue makes period index (dated d) of r as an issued invoice, as
// insertDraft and issueTx would, with its recurring_runs row and audit.
func (b *recurringBatch) issue(ctx context.Context, r *Recurring, index int, d time.Time) (string, error) {
	in := r.InvoiceInput
	in.IssueDate = d.Format(billing.DateLayout)
	if err := in.Validate(); err != nil {
		return "", apperr.New(apperr.Invalid, "The draft is incomplete: edit it first.")
	}
	n, err := b.nextSequence(ctx, fmt.Sprintf("invoice:%d", d.Year()))
	if err != nil {
		return "", err
	}
	number := billing.FormatNumber(b.settings.NumberPattern, d.Year(), int(d.Month()), n)
	buyer, ok := b.buyers[in.ClientID]
	if !ok {
		p, err := scanBuyer(b.buyer.QueryRowContext(ctx, in.ClientID), in.ClientID)
		if err != nil {
			return "", err
		}
		j, _ := json.Marshal(p)
		buyer = string(j)
		b.buyers[in.ClientID] = buyer
	}
	id := uuid.NewString()
	tot := in.Totals()
	if _, err := b.invoice.ExecContext(ctx, id, in.ClientID, caseNullable(in.CaseID), r.ID, in.Currency, in.IssueDate, in.TermsDays, in.dueDate(),
		strings.TrimSpace(in.Notes), tot.Subtotal, tot.VAT, tot.Total, in.DiscountBP, number, b.sellerJSON, buyer, b.now, b.now, b.now); err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return "", apperr.New(apperr.Conflict, "The number %s is already used: change the number pattern in the billing settings.", number)
		}
		return "", fmt.Errorf("db: issue recurring invoice: %w", err)
	}
	for i, l := range in.Lines {
		if _, err := b.line.ExecContext(ctx, id, i, strings.TrimSpace(l.Description), l.QuantityMilli, l.UnitPrice, l.VATRateBP, l.DiscountBP, caseNullable(l.TaxPresetID), l.TaxNote); err != nil {
			return "", fmt.Errorf("db: write line of %s: %w", id, err)
		}
	}
	if _, err := b.run.ExecContext(ctx, r.ID, index, in.IssueDate, id, b.now); err != nil {
		return "", fmt.Errorf("db: claim period %d: %w", index, err)
	}
	if in.CaseID != "" {
		if err := b.t.insertEvent(ctx, b.tx, Event{CaseID: in.CaseID, ActorName: recurringActor.Name, Kind: EventInvoiceIssued,
			NewValue: "invoice " + number + " · " + billing.FormatMoney(tot.Total, in.Currency), VisibleToClient: true}); err != nil {
			return "", err
		}
	}
	if _, err := b.audit.ExecContext(ctx, b.now, recurringActor.Name, id, number); err != nil {
		return "", fmt.Errorf("db: audit invoice.issued: %w", err)
	}
	return id, nil
}

// nextSequence is nextSequence for the batch: read once, counted here,
// written by flush before the commit.
func (b *recurringBatch) nextSequence(ctx context.Context, name string) (int64, error) {
	v, ok := b.seqs[name]
	if !ok {
		err := b.tx.QueryRowContext(ctx, `SELECT value FROM sequences WHERE name = ?`, name).Scan(&v)
		if err != nil && err != sql.ErrNoRows {
			return 0, fmt.Errorf("db: read %s: %w", name, err)
		}
	}
	v++
	b.seqs[name] = v
	return v, nil
}

// flush writes the batch's sequences.
func (b *recurringBatch) flush(ctx context.Context) error {
	for name, v := range b.seqs {
		if _, err := b.tx.ExecContext(ctx, `INSERT INTO sequences (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, v); err != nil {
			return fmt.Errorf("db: write %s: %w", name, err)
		}
	}
	return nil
}

// load reads schedules ids (at most recurringBatchSize) and their lines in
// two queries.
func (b *recurringBatch) load(ctx context.Context, ids []string) error {
	if len(ids) > recurringBatchSize {
		ids = ids[:recurringBatchSize]
	}
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	in := `(` + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + `)`
	rows, err := b.tx.QueryContext(ctx, recurringSelect+` WHERE r.id IN `+in, args...)
	if err != nil {
		return fmt.Errorf("db: load recurring batch: %w", err)
	}
	for rows.Next() {
		r, err := scanRecurring(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("db: load recurring batch: %w", err)
		}
		b.schedules[r.ID] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	lines, err := b.tx.QueryContext(ctx, `SELECT recurring_id, `+lineColumns+` FROM recurring_lines
		WHERE recurring_id IN `+in+` ORDER BY recurring_id, position`, args...)
	if err != nil {
		return fmt.Errorf("db: load recurring lines: %w", err)
	}
	defer lines.Close()
	for lines.Next() {
		var id string
		var l billing.Line
		if err := scanLine(lines, &l, &id); err != nil {
			return fmt.Errorf("db: load recurring lines: %w", err)
		}
		if r := b.schedules[id]; r != nil {
			r.Lines = append(r.Lines, l)
		}
	}
	return lines.Err()
}

// generateBatch issues the due periods of the schedules ids, from the
// first, in one transaction of at most recurringBatchSize periods; rest
// are the schedules still to look at (the first of them may have periods
// left). onIssued is called for each after the commit.
func (t *Store) generateBatch(ctx context.Context, ids []string, today time.Time, agencyName string, onIssued func(GeneratedInvoice)) (made int, rest []string, err error) {
	var issued []GeneratedInvoice
	err = t.Tx(ctx, func(tx *sql.Tx) error {
		issued, rest = issued[:0], nil
		b, err := t.newRecurringBatch(ctx, tx, agencyName)
		if err != nil {
			return err
		}
		defer b.close()
		if err := b.load(ctx, ids); err != nil {
			return err
		}
		for i, id := range ids {
			gs, more, err := b.generate(ctx, id, today, recurringBatchSize-len(issued))
			if err != nil {
				return fmt.Errorf("recurring %s: %w", id, err)
			}
			issued = append(issued, gs...)
			if more || len(issued) >= recurringBatchSize || i+1 >= recurringBatchSize {
				rest = ids[i:]
				if !more {
					rest = ids[i+1:]
				}
				return b.flush(ctx)
			}
		}
		return b.flush(ctx)
	})
	if err != nil {
		return 0, ids, err
	}
	for i, g := range issued {
		if err := ctx.Err(); err != nil {
			// Stopped: the batch is committed; what it issued after
			// here goes undelivered, as one invoice did when the process
			// died between a commit and its email.
			return i, rest, err
		}
		if onIssued != nil {
			onIssued(g)
		}
	}
	return len(issued), rest, nil
}

// GenerateRecurringSchedule issues the due periods of one schedule (one
// period per transaction, as the job's fallback does): a schedule saved
// with a start on or before today issues its first invoice at once rather
// than at the next hourly run. onIssued is called after each commit.
func (t *Store) GenerateRecurringSchedule(ctx context.Context, id string, today time.Time, agencyName string, onIssued func(GeneratedInvoice)) (int, error) {
	made := 0
	for {
		if err := ctx.Err(); err != nil {
			return made, err
		}
		g, more, err := t.generateOne(ctx, id, today, agencyName)
		if err != nil {
			return made, fmt.Errorf("recurring %s: %w", id, err)
		}
		if g != nil {
			made++
			if onIssued != nil {
				onIssued(*g)
			}
		}
		if !more {
			return made, nil
		}
	}
}
