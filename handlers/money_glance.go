package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/billing"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// moneyGlanceView is views/partials/invoices/glance.html: outstanding,
// overdue and paid this month per currency, and the last 12 months'
// payments as a server-drawn SVG bar chart with the same numbers as a
// table (issue 22 point 6), on the invoices page and the dashboard.
type moneyGlanceView struct {
	Figures    []moneyFiguresView
	Chart      moneyChart
	OpenURL    string // the invoice list of unpaid invoices
	OverdueURL string // and of overdue ones
	ReportsURL string
	Lang       string
}

// moneyFiguresView is one currency's figures.
type moneyFiguresView struct {
	Currency                            string
	Outstanding, Overdue, PaidThisMonth amount
	HasOverdue                          bool
}

// moneyChart is the drawing: one bar a month, in SVG user units.
type moneyChart struct {
	Width, Height, Baseline int
	Currency                string
	Empty                   bool
	Months                  []moneyBar
}

// moneyBar is one month's bar, its label and its row of the table.
type moneyBar struct {
	Label, Name    string // "Nov" under the bar; "November 2026" in the table
	Paid           amount
	X, Y, W, H, LX int
}

// moneyGlance reads the figures for the request's viewer.
func (h *Handlers) moneyGlance(c *fiber.Ctx, r *Request, v tenant.Viewer) (*moneyGlanceView, error) {
	s, err := r.Tenant.BillingSettings(c.UserContext())
	if err != nil {
		return nil, err
	}
	today, err := billing.ParseDate(h.invoiceToday(r))
	if err != nil {
		return nil, err
	}
	g, err := app.MoneyAtAGlance(c.UserContext(), r.Tenant, v, today, s.Currency)
	if err != nil {
		return nil, err
	}
	base := invoiceBase(r)
	view := &moneyGlanceView{OpenURL: base + "?status=open", OverdueURL: base + "?status=overdue", ReportsURL: base + "/reports", Lang: r.Lang()}
	for _, f := range g.Figures {
		view.Figures = append(view.Figures, moneyFiguresView{Currency: f.Currency, Outstanding: r.money(f.Outstanding, f.Currency),
			Overdue: r.money(f.Overdue, f.Currency), PaidThisMonth: r.money(f.PaidThisMonth, f.Currency), HasOverdue: f.Overdue > 0})
	}
	view.Chart = newMoneyChart(r, g)
	return view, nil
}

// newMoneyChart lays out the months' bars, scaled to the largest month.
func newMoneyChart(r *Request, g app.MoneyGlance) moneyChart {
	ch := moneyChart{Width: chartWidth, Height: chartHeight, Baseline: chartBottom, Currency: g.Currency, Empty: true}
	var top int64
	for _, m := range g.Months {
		top = max(top, m.Paid)
	}
	ch.Empty = top == 0
	top = max(top, 1)
	slot := (chartWidth - 2*chartPadding) / max(len(g.Months), 1)
	for i, m := range g.Months {
		x := chartPadding + i*slot + chartBarGap
		b := moneyBar{Label: monthName(r.Lang(), m.Month.Month(), true),
			Name: i18n.T(r.Lang(), "date.month_year", "Month", monthName(r.Lang(), m.Month.Month(), false), "Year", strconv.Itoa(m.Month.Year())), Paid: r.money(m.Paid, g.Currency),
			X: x, W: slot - 2*chartBarGap, LX: x + (slot-2*chartBarGap)/2}
		b.H = int(m.Paid * int64(chartBottom-chartTop) / top)
		if m.Paid > 0 && b.H == 0 {
			b.H = 1 // a month with any payment shows
		}
		b.Y = chartBottom - b.H
		ch.Months = append(ch.Months, b)
	}
	return ch
}
