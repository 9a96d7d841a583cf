package tenant

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/billing"
)

// UnbilledTime is a billable entry on no invoice, with the hourly rate it
// bills at: its case's own rate when the case has one, else its person's.
type UnbilledTime struct {
	ID           string
	CaseID       string
	CaseNumber   int64
	CaseTitle    string
	TaskID       string
	TaskTitle    string
	TaskPosition int
	UserID       string
	UserName     string
	Date         string
	Minutes      int
	Rate         int64
}

// TimeScope is the time "Invoice unbilled time" bills: a client's (all its
// cases v may see) or one case's, up to and including Until.
type TimeScope struct {
	ClientID string
	CaseID   string
	Until    string // YYYY-MM-DD; "" everything
}

func unbilledTime(ctx context.Context, q caseQuerier, v Viewer, s TimeScope) ([]UnbilledTime, error) {
	filter, args := v.caseFilter("c")
	where := `e.billable = 1 AND e.invoice_id IS NULL AND ` + filter
	switch {
	case s.CaseID != "":
		where += ` AND e.case_id = ?`
		args = append(args, s.CaseID)
	case s.ClientID != "":
		where += ` AND c.client_id = ?`
		args = append(args, s.ClientID)
	default:
		return nil, apperr.New(apperr.Invalid, "Choose a client or a case to invoice.")
	}
	if s.Until != "" {
		where += ` AND e.work_date <= ?`
		args = append(args, s.Until)
	}
	rows, err := q.QueryContext(ctx, `SELECT e.id, e.case_id, c.number, c.title, COALESCE(e.task_id, ''), COALESCE(tk.title, ''), COALESCE(tk.position, -1),
		e.user_id, u.name, e.work_date, e.minutes, COALESCE(c.hourly_rate, u.hourly_rate)
		FROM time_entries e JOIN cases c ON c.id = e.case_id JOIN users u ON u.id = e.user_id LEFT JOIN tasks tk ON tk.id = e.task_id
		WHERE `+where+` ORDER BY c.number, e.work_date, e.created_at, e.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("db: unbilled time: %w", err)
	}
	defer rows.Close()
	var out []UnbilledTime
	for rows.Next() {
		var u UnbilledTime
		if err := rows.Scan(&u.ID, &u.CaseID, &u.CaseNumber, &u.CaseTitle, &u.TaskID, &u.TaskTitle, &u.TaskPosition, &u.UserID, &u.UserName, &u.Date, &u.Minutes, &u.Rate); err != nil {
			return nil, fmt.Errorf("db: unbilled time: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UnbilledTime lists the billable time of the scope on no invoice yet.
func (t *Store) UnbilledTime(ctx context.Context, v Viewer, s TimeScope) ([]UnbilledTime, error) {
	return unbilledTime(ctx, t.Reader(), v, s)
}

// errNothingToInvoice is "Invoice unbilled time" with nothing left to bill
// (a second request for the same time finds it invoiced).
var errNothingToInvoice = apperr.New(apperr.Conflict, "There is no unbilled time to invoice: it may just have been invoiced.")

// InvoiceTime makes a draft invoice of the scope's unbilled time and marks
// every entry it bills as invoiced, all in one transaction: the entries
// are read in it, build turns them into the draft's input (the lines at
// the rates), the draft is saved as the invoice editor saves one, each
// entry is marked with the draft and its rate (an entry already on an
// invoice fails the whole), each case's history notes it, and the audit
// log gets a (the draft as target; entries, hours and total as detail).
// An entry is so on one invoice at most, however many requests race.
func (t *Store) InvoiceTime(ctx context.Context, v Viewer, actor Actor, s TimeScope, build func([]UnbilledTime) (InvoiceInput, error), a Audit) (*Invoice, error) {
	id := uuid.NewString()
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		entries, err := unbilledTime(ctx, tx, v, s)
		if err != nil {
			return err
		}
		if len(entries) == 0 {
			return errNothingToInvoice
		}
		in, err := build(entries)
		if err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if err := checkInvoiceRefs(ctx, tx, v, &in, nil); err != nil {
			return err
		}
		if err := t.insertDraft(ctx, tx, id, KindInvoice, "", "", actor.ID, in); err != nil {
			return err
		}
		perCase := map[string]int{}
		var order []string
		minutes := 0
		for _, e := range entries {
			res, err := tx.ExecContext(ctx, `UPDATE time_entries SET invoice_id = ?, billed_rate = ?, updated_at = ? WHERE id = ? AND invoice_id IS NULL AND billable = 1`,
				id, e.Rate, t.Now(), e.ID)
			if err != nil {
				return fmt.Errorf("db: mark time %s invoiced: %w", e.ID, err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return errNothingToInvoice
			}
			if _, ok := perCase[e.CaseID]; !ok {
				order = append(order, e.CaseID)
			}
			perCase[e.CaseID] += e.Minutes
			minutes += e.Minutes
		}
		for _, caseID := range order {
			if err := t.timeEvent(ctx, tx, actor, caseID, TimeInvoiced, "", FormatMinutes(perCase[caseID])+" on a draft invoice"); err != nil {
				return err
			}
		}
		tot := in.Totals()
		a.Target, a.Detail = id, fmt.Sprintf("%d entries · %s · %s", len(entries), FormatMinutes(minutes), billing.FormatMoney(tot.Total, in.Currency))
		return t.auditTx(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return t.Invoice(ctx, v, id)
}

// releaseTimeTx frees, inside the transaction that voids an invoice or
// deletes a draft, the time it billed: unbilled again, each case's history
// saying so, and the audit log getting a (action time.released, the
// invoice as target). It does nothing for an invoice that billed no time.
func (t *Store) releaseTimeTx(ctx context.Context, tx *sql.Tx, actor Actor, inv *Invoice, why string, a Audit) error {
	rows, err := tx.QueryContext(ctx, `UPDATE time_entries SET invoice_id = NULL, billed_rate = NULL, updated_at = ? WHERE invoice_id = ? RETURNING case_id, minutes`, t.Now(), inv.ID)
	if err != nil {
		return fmt.Errorf("db: free the time of %s: %w", inv.ID, err)
	}
	perCase := map[string]int{}
	var order []string
	n, minutes := 0, 0
	for rows.Next() {
		var caseID string
		var m int
		if err := rows.Scan(&caseID, &m); err != nil {
			rows.Close()
			return fmt.Errorf("db: free the time of %s: %w", inv.ID, err)
		}
		if _, ok := perCase[caseID]; !ok {
			order = append(order, caseID)
		}
		perCase[caseID] += m
		n, minutes = n+1, minutes+m
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	for _, caseID := range order {
		if err := t.timeEvent(ctx, tx, actor, caseID, TimeReleased, inv.Label(), FormatMinutes(perCase[caseID])+" unbilled again: "+why); err != nil {
			return err
		}
	}
	a.Action, a.Target, a.Detail = "time.released", inv.ID, fmt.Sprintf("%d entries · %s · %s", n, FormatMinutes(minutes), why)
	return t.auditTx(ctx, tx, a)
}
