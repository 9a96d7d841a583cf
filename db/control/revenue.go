package control

import (
	"context"
	"time"

	"mintedmind/db"
)

// MRR is the monthly recurring revenue in one currency: the net price of
// every paying agency's plan (active or past due, on a priced plan), a
// yearly price counted as a twelfth a month.
type MRR struct {
	Currency string
	Amount   int64 // minor units, net of VAT
	Agencies int
}

// AgencyDue is an agency the console names in its revenue summary: a
// trial about to end (Ends) or an agency past due (Since, and what its
// open subscription invoices still ask, in Currency).
type AgencyDue struct {
	ID, Slug, Name string
	PlanName       string
	Ends, Since    time.Time
	Owed           int64
	Currency       string
}

// Revenue is the operator console's summary (issue 22 point 6).
type Revenue struct {
	MRR          []MRR       // by currency
	TrialsEnding []AgencyDue // trials ending before now+within, soonest first
	PastDue      []AgencyDue // longest past due first
}

// MonthlyPrice is what a plan brings in a month on interval: its monthly
// price, or a twelfth of its yearly one (rounded down to the minor unit).
func MonthlyPrice(monthly, yearly int64, interval string) int64 {
	if interval == IntervalYear {
		return yearly / 12
	}
	return monthly
}

// Revenue reads the console's revenue summary at now.
func (c *Store) Revenue(ctx context.Context, now time.Time, within time.Duration) (Revenue, error) {
	var r Revenue
	type paying struct {
		currency, interval string
		monthly, yearly    int64
	}
	rows, err := db.QueryList(ctx, c.Read(), "paying agencies", func(row db.Scanner) (paying, error) {
		var p paying
		return p, row.Scan(&p.currency, &p.interval, &p.monthly, &p.yearly)
	}, `SELECT p.currency, a.billing_interval, p.monthly_price, p.yearly_price FROM agencies a JOIN plans p ON p.id = a.plan_id
		WHERE a.status IN ('`+AgencyActive+`', '`+AgencyPastDue+`') AND (p.monthly_price > 0 OR p.yearly_price > 0)
		ORDER BY p.currency`)
	if err != nil {
		return r, err
	}
	for _, p := range rows {
		amount := MonthlyPrice(p.monthly, p.yearly, p.interval)
		if amount <= 0 {
			continue
		}
		if n := len(r.MRR); n == 0 || r.MRR[n-1].Currency != p.currency {
			r.MRR = append(r.MRR, MRR{Currency: p.currency})
		}
		m := &r.MRR[len(r.MRR)-1]
		m.Amount += amount
		m.Agencies++
	}
	if r.TrialsEnding, err = db.QueryList(ctx, c.Read(), "trials ending", func(row db.Scanner) (AgencyDue, error) {
		var d AgencyDue
		var ends int64
		err := row.Scan(&d.ID, &d.Slug, &d.Name, &d.PlanName, &ends)
		d.Ends = db.UnixTime(ends)
		return d, err
	}, `SELECT a.id, a.slug, a.name, COALESCE(p.name, ''), a.period_end FROM agencies a LEFT JOIN plans p ON p.id = a.plan_id
		WHERE a.status = '`+AgencyTrial+`' AND a.period_end IS NOT NULL AND a.period_end < ?
		ORDER BY a.period_end, a.name LIMIT 50`, now.Add(within).Unix()); err != nil {
		return r, err
	}
	if r.PastDue, err = db.QueryList(ctx, c.Read(), "past-due agencies", func(row db.Scanner) (AgencyDue, error) {
		var d AgencyDue
		var since int64
		err := row.Scan(&d.ID, &d.Slug, &d.Name, &d.PlanName, &since, &d.Owed, &d.Currency)
		d.Since = db.UnixTime(since)
		return d, err
	}, `SELECT a.id, a.slug, a.name, COALESCE(p.name, ''), COALESCE(a.status_changed_at, 0),
			COALESCE((SELECT sum(i.amount) FROM subscription_invoices i WHERE i.agency_id = a.id AND i.status = 'open'), 0),
			COALESCE((SELECT i.currency FROM subscription_invoices i WHERE i.agency_id = a.id AND i.status = 'open' LIMIT 1), COALESCE(p.currency, ''))
		FROM agencies a LEFT JOIN plans p ON p.id = a.plan_id
		WHERE a.status = '`+AgencyPastDue+`' ORDER BY a.status_changed_at, a.name LIMIT 50`); err != nil {
		return r, err
	}
	return r, nil
}
