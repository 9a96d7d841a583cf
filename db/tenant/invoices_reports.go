package tenant

import (
	"context"
	"fmt"
	"time"

	"mintedmind/billing"
	"mintedmind/db"
)

// AgeBuckets are the columns of the outstanding-by-age report: not yet
// due, then days past the due date.
var AgeBuckets = []string{"Not yet due", "1–30 days", "31–60 days", "61–90 days", "Over 90 days"}

// OutstandingRow is what one client owes in one currency, by age.
type OutstandingRow struct {
	ClientID   string
	ClientName string
	Currency   string
	ByAge      [5]int64
	Total      int64
}

func ageBucket(due string, today time.Time) int {
	d, err := billing.ParseDate(due)
	if err != nil || !d.Before(today) {
		return 0
	}
	late := int(today.Sub(d).Hours() / 24)
	switch {
	case late <= 30:
		return 1
	case late <= 60:
		return 2
	case late <= 90:
		return 3
	}
	return 4
}

// Outstanding sums what each client v may see still owes on issued
// invoices, by age of the due date on today; the last rows are the totals
// per currency (ClientName "").
func (t *Store) Outstanding(ctx context.Context, v Viewer, today time.Time) ([]OutstandingRow, error) {
	filter, args := v.clientFilter("cl")
	type open struct {
		clientID, name, currency, due string
		owed                          int64
	}
	rows, err := db.QueryListPrepared(ctx, t.DB, "outstanding", 64, func(row db.Scanner) (open, error) {
		var o open
		return o, row.Scan(&o.clientID, &o.name, &o.currency, &o.due, &o.owed)
	}, `SELECT i.client_id, cl.name, i.currency, i.due_date, i.total - i.paid FROM invoices i JOIN clients cl ON cl.id = i.client_id
		WHERE i.status IN (`+invoiceOpenStatusList+`) AND i.kind = 'invoice' AND `+filter+` ORDER BY cl.name COLLATE NOCASE, i.client_id, i.currency`, args...)
	if err != nil {
		return nil, err
	}
	var out []OutstandingRow
	totals := map[string]*OutstandingRow{}
	var currencies []string
	for _, o := range rows {
		n := len(out)
		if n == 0 || out[n-1].ClientID != o.clientID || out[n-1].Currency != o.currency {
			out = append(out, OutstandingRow{ClientID: o.clientID, ClientName: o.name, Currency: o.currency})
			n++
		}
		b := ageBucket(o.due, today)
		out[n-1].ByAge[b] += o.owed
		out[n-1].Total += o.owed
		tot := totals[o.currency]
		if tot == nil {
			tot = &OutstandingRow{Currency: o.currency}
			totals[o.currency] = tot
			currencies = append(currencies, o.currency)
		}
		tot.ByAge[b] += o.owed
		tot.Total += o.owed
	}
	for _, c := range currencies {
		out = append(out, *totals[c])
	}
	return out, nil
}

// MonthTotal is money received in one month and currency.
type MonthTotal struct {
	Month    string // YYYY-MM
	Currency string
	Amount   int64
	Count    int
}

// PaidPerMonth sums the payments received (credit notes excluded) on
// invoices of clients v may see, newest month first, for the last 24 months.
func (t *Store) PaidPerMonth(ctx context.Context, v Viewer) ([]MonthTotal, error) {
	filter, args := v.clientFilter("cl")
	return db.QueryListPrepared(ctx, t.DB, "paid per month", 24, func(row db.Scanner) (MonthTotal, error) {
		var m MonthTotal
		return m, row.Scan(&m.Month, &m.Currency, &m.Amount, &m.Count)
	}, `SELECT substr(p.paid_on, 1, 7) AS month, p.currency, sum(p.amount), count(*)
		FROM payments p JOIN invoices i ON i.id = p.invoice_id JOIN clients cl ON cl.id = i.client_id
		WHERE p.method <> 'credit_note' AND `+filter+`
		GROUP BY month, p.currency ORDER BY month DESC, p.currency LIMIT 100`, args...)
}

// EachInvoice calls fn for every invoice and credit note v may see, oldest
// first, for the CSV export.
func (t *Store) EachInvoice(ctx context.Context, v Viewer, fn func(r InvoiceRow, caseNumber int64, vat int64) error) error {
	filter, args := v.clientFilter("cl")
	rows, err := t.Read().QueryContext(ctx, `SELECT i.id, i.kind, COALESCE(i.number, ''), i.client_id, cl.name, i.status, i.currency, i.issue_date, i.due_date,
		i.total, i.paid, i.created_at, COALESCE(k.number, 0), i.vat_total
		FROM invoices i JOIN clients cl ON cl.id = i.client_id LEFT JOIN cases k ON k.id = i.case_id
		WHERE `+filter+` ORDER BY i.created_at, i.id`, args...)
	if err != nil {
		return fmt.Errorf("db: export invoices: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r InvoiceRow
		var caseNumber, vat int64
		if err := rows.Scan(&r.ID, &r.Kind, &r.Number, &r.ClientID, &r.ClientName, &r.Status, &r.Currency, &r.IssueDate, &r.DueDate,
			&r.Total, &r.Paid, &r.CreatedAt, &caseNumber, &vat); err != nil {
			return fmt.Errorf("db: export invoices: %w", err)
		}
		if err := fn(r, caseNumber, vat); err != nil {
			return err
		}
	}
	return rows.Err()
}

// PaymentRow is a payment with its invoice, for the CSV export.
type PaymentRow struct {
	Payment
	InvoiceNumber string
	ClientName    string
}

// EachPayment calls fn for every payment on invoices v may see, oldest first.
func (t *Store) EachPayment(ctx context.Context, v Viewer, fn func(p PaymentRow) error) error {
	filter, args := v.clientFilter("cl")
	rows, err := t.Read().QueryContext(ctx, `SELECT p.id, p.invoice_id, p.amount, p.currency, p.paid_on, p.method, p.reference, p.recorded_by, p.created_at,
		COALESCE(i.number, ''), cl.name
		FROM payments p JOIN invoices i ON i.id = p.invoice_id JOIN clients cl ON cl.id = i.client_id
		WHERE `+filter+` ORDER BY p.created_at, p.id`, args...)
	if err != nil {
		return fmt.Errorf("db: export payments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p PaymentRow
		var created int64
		if err := rows.Scan(&p.ID, &p.InvoiceID, &p.Amount, &p.Currency, &p.PaidOn, &p.Method, &p.Reference, &p.RecordedBy, &created,
			&p.InvoiceNumber, &p.ClientName); err != nil {
			return fmt.Errorf("db: export payments: %w", err)
		}
		p.CreatedAt = db.UnixTime(created)
		if err := fn(p); err != nil {
			return err
		}
	}
	return rows.Err()
}
