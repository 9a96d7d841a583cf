package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"mintedmind/apperr"
)

// UpdateRecurring changes what a schedule's future invoices say: client,
// case, currency, terms, notes, lines and whether they are emailed. The
// schedule itself (frequency, start, end, count) stays, so the dates of
// the periods made and to come do not move; invoices already issued are
// not touched. An ended schedule is not changed. Audited with a (target
// the schedule) in the same transaction.
func (t *Store) UpdateRecurring(ctx context.Context, v Viewer, id string, in RecurringInput, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		r, err := loadRecurring(ctx, tx, v, id)
		if err != nil {
			return err
		}
		if r.Status == RecurringEnded {
			return apperr.New(apperr.Conflict, "This recurring invoice has ended: set up a new one.")
		}
		in.IssueDate, in.Frequency, in.IntervalMonths, in.EndDate, in.Count = r.IssueDate, r.Frequency, r.IntervalMonths, r.EndDate, r.Count
		if err := in.Validate(); err != nil {
			return err
		}
		kept, err := keptTaxPresets(ctx, tx, "recurring_lines", "recurring_id", id)
		if err != nil {
			return err
		}
		if err := checkInvoiceRefs(ctx, tx, v, &in.InvoiceInput, kept); err != nil {
			return err
		}
		auto := 0
		if in.AutoSend {
			auto = 1
		}
		if _, err := tx.ExecContext(ctx, `UPDATE recurring_invoices SET client_id = ?, case_id = ?, currency = ?, terms_days = ?, notes = ?, auto_send = ?, discount_bp = ?,
			updated_at = ? WHERE id = ?`, in.ClientID, caseNullable(in.CaseID), in.Currency, in.TermsDays, strings.TrimSpace(in.Notes), auto, in.DiscountBP, t.Now(), id); err != nil {
			return fmt.Errorf("db: update recurring %s: %w", id, err)
		}
		if err := writeLines(ctx, tx, "recurring_lines", "recurring_id", id, in.Lines); err != nil {
			return err
		}
		a.Target, a.Detail = id, "future invoices edited"
		return t.auditTx(ctx, tx, a)
	})
}
