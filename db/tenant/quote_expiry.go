package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"mintedmind/billing"
	"mintedmind/db"
)

// QuoteReminderSteps are the days before a quote's validity date on which
// its client is reminded, most distant first: a week before and the day
// before. A job that missed a step sends only the nearest one still due,
// and a step whose day came before the quote was sent is skipped (a quote
// sent three days before its validity date is reminded the day before,
// not on the day it arrives).
var QuoteReminderSteps = []int{7, 1}

// quoteJobActor names the expiry and reminder job in a quote's history.
const quoteJobActor = "Quote expiry"

// QuoteDue is a quote the expiry and reminder job acted on.
type QuoteDue struct {
	ID, Label, ClientID, CaseID, ValidUntil string
	IssueDate                               string // the day it was sent
	Total                                   int64
	Currency                                string
	DaysBefore                              int // the reminder's step; 0 for an expiry
}

// openQuotesUntil are the sent or viewed versions not replaced by a later
// one whose validity date is on or before until.
func openQuotesUntil(ctx context.Context, tx *sql.Tx, until string) ([]QuoteDue, error) {
	return db.QueryList(ctx, tx, "open quotes", func(r db.Scanner) (QuoteDue, error) {
		var q QuoteDue
		var number string
		var version int
		err := r.Scan(&q.ID, &number, &version, &q.ClientID, &q.CaseID, &q.ValidUntil, &q.IssueDate, &q.Total, &q.Currency)
		q.Label = (&Quote{Number: number, Version: version}).Label()
		return q, err
	}, `SELECT id, COALESCE(number, ''), version, client_id, COALESCE(case_id, ''), valid_until, issue_date, total, currency FROM quotes
		WHERE state IN ('sent', 'viewed') AND superseded_at IS NULL AND valid_until <= ? ORDER BY valid_until, id`, until)
}

// ExpireQuotes marks expired each sent or viewed quote whose validity date
// is before today (the agency's date), with a history entry; a quote
// already expired is left as it is, so a second run changes nothing.
func (t *Store) ExpireQuotes(ctx context.Context, today string) ([]QuoteDue, error) {
	var out []QuoteDue
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		day, err := billing.ParseDate(today)
		if err != nil {
			return err
		}
		open, err := openQuotesUntil(ctx, tx, day.AddDate(0, 0, -1).Format(billing.DateLayout))
		if err != nil {
			return err
		}
		now := t.Now()
		for _, q := range open {
			res, err := tx.ExecContext(ctx, `UPDATE quotes SET state = 'expired', expired_at = ?, updated_at = ? WHERE id = ? AND state IN ('sent', 'viewed')`, now, now, q.ID)
			if err != nil {
				return fmt.Errorf("db: expire quote %s: %w", q.ID, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			if err := t.quoteEventTx(ctx, tx, q.ID, "expired", quoteJobActor, "valid until "+q.ValidUntil); err != nil {
				return err
			}
			out = append(out, q)
		}
		return nil
	})
	return out, err
}

// QuoteReminderStep is the step due for a quote sent on issued and valid
// until validUntil on the day today: the nearest step at or above the days
// left, 0 for none (more than the first step away, past, or a step whose
// day was not after the day the quote was sent).
func QuoteReminderStep(issued, validUntil, today string) int {
	end, err1 := time.Parse(billing.DateLayout, validUntil)
	day, err2 := time.Parse(billing.DateLayout, today)
	if err1 != nil || err2 != nil {
		return 0
	}
	left := int(end.Sub(day).Hours() / 24)
	if left < 0 {
		return 0
	}
	step := 0
	for _, s := range QuoteReminderSteps {
		if left <= s {
			step = s
		}
	}
	if step == 0 || end.AddDate(0, 0, -step).Format(billing.DateLayout) <= issued {
		return 0
	}
	return step
}

// ClaimQuoteReminders claims the reminder due today for each open quote
// (QuoteReminderStep), once per quote and step (quote_reminders), with a
// history entry; a second run the same day claims nothing.
func (t *Store) ClaimQuoteReminders(ctx context.Context, today string) ([]QuoteDue, error) {
	var out []QuoteDue
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		day, err := billing.ParseDate(today)
		if err != nil {
			return err
		}
		open, err := openQuotesUntil(ctx, tx, day.AddDate(0, 0, QuoteReminderSteps[0]).Format(billing.DateLayout))
		if err != nil {
			return err
		}
		for _, q := range open {
			step := QuoteReminderStep(q.IssueDate, q.ValidUntil, today)
			if step == 0 {
				continue
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO quote_reminders (quote_id, days_before, sent_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, q.ID, step, t.Now())
			if err != nil {
				return fmt.Errorf("db: claim reminder of quote %s: %w", q.ID, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			if err := t.quoteEventTx(ctx, tx, q.ID, "reminded", quoteJobActor, fmt.Sprintf("%d days before %s", step, q.ValidUntil)); err != nil {
				return err
			}
			q.DaysBefore = step
			out = append(out, q)
		}
		return nil
	})
	return out, err
}
