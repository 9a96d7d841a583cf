package app

import (
	"context"
	"time"

	"mintedmind/db/tenant"
)

// MoneyFigures are one currency's figures at a glance.
type MoneyFigures struct {
	Currency      string
	Outstanding   int64 // still owed on open invoices (credit notes are never owed)
	Overdue       int64 // the part of Outstanding past its due date
	PaidThisMonth int64 // payments received this calendar month (credit notes applied are no payment)
}

// MoneyMonth is what was received in one month of the chart's currency.
type MoneyMonth struct {
	Month time.Time // its first day
	Paid  int64
}

// MoneyGlance is the invoices page's and the dashboard's summary (issue 22
// point 6): the figures per currency, the chart's currency first, and what
// was received in each of the last 12 months in that currency, oldest
// first, this month last.
type MoneyGlance struct {
	Currency string
	Figures  []MoneyFigures
	Months   []MoneyMonth
}

// GlanceMonths is how many months the chart shows.
const GlanceMonths = 12

// MoneyAtAGlance sums, over the invoices of the clients v may see, what is
// outstanding and overdue on today (the agency's date, midnight UTC) and
// what was paid this month and in each of the last GlanceMonths months. It
// reads the outstanding report (tenant.Outstanding: what is owed by age,
// not yet due in the first column) and the payments per month
// (tenant.PaidPerMonth), so the figures are the reports' own.
func MoneyAtAGlance(ctx context.Context, t *tenant.Store, v tenant.Viewer, today time.Time, currency string) (MoneyGlance, error) {
	g := MoneyGlance{Currency: currency}
	owed, err := t.Outstanding(ctx, v, today)
	if err != nil {
		return g, err
	}
	paid, err := t.PaidPerMonth(ctx, v)
	if err != nil {
		return g, err
	}
	thisMonth := today.Format("2006-01")
	currencies := []string{currency}
	for _, o := range owed {
		currencies = append(currencies, o.Currency)
	}
	for _, p := range paid {
		if p.Month == thisMonth {
			currencies = append(currencies, p.Currency)
		}
	}
	byCurrency := map[string]*MoneyFigures{}
	for _, cur := range currencies {
		if byCurrency[cur] == nil {
			g.Figures = append(g.Figures, MoneyFigures{Currency: cur})
			byCurrency[cur] = &MoneyFigures{} // placeholder until g.Figures stops growing
		}
	}
	for i := range g.Figures {
		byCurrency[g.Figures[i].Currency] = &g.Figures[i]
	}
	for _, o := range owed {
		if o.ClientID != "" { // the per-currency totals are the rows of no client
			continue
		}
		f := byCurrency[o.Currency]
		f.Outstanding += o.Total
		f.Overdue += o.Total - o.ByAge[0]
	}
	received := map[string]int64{}
	for _, p := range paid {
		if p.Currency == currency {
			received[p.Month] += p.Amount
		}
		if p.Month == thisMonth {
			byCurrency[p.Currency].PaidThisMonth += p.Amount
		}
	}
	first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
	for i := GlanceMonths - 1; i >= 0; i-- {
		m := first.AddDate(0, -i, 0)
		g.Months = append(g.Months, MoneyMonth{Month: m, Paid: received[m.Format("2006-01")]})
	}
	return g, nil
}
