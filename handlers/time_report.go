package handlers

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// timeReportView is the time report: time grouped by client, case or
// person over a period, with what it bills at the rates.
type timeReportView struct {
	Page
	By       string
	From, To string
	Groups   []option
	Rows     []timeReportRowView
	Total    timeReportRowView
	CSVURL   string
	Currency string
}

type timeReportRowView struct {
	app.TimeReportRow
	Hours, BillableHours, NonBillableHours string
	Amount, Invoiced, Unbilled             amount
}

func newTimeReportRow(req *Request, r app.TimeReportRow, currency string) timeReportRowView {
	return timeReportRowView{TimeReportRow: r, Hours: tenant.FormatMinutes(r.Minutes), BillableHours: tenant.FormatMinutes(r.Billable),
		NonBillableHours: tenant.FormatMinutes(r.NonBillable), Amount: req.money(r.Amount, currency),
		Invoiced: req.money(r.Invoiced, currency), Unbilled: req.money(r.Unbilled, currency)}
}

// timeReport reads the report's filter and sums. Staff who are not admins
// see their own time only.
func (h *Handlers) timeReport(c *fiber.Ctx, r *Request) (*timeReportView, error) {
	ctx := c.UserContext()
	v, err := r.Viewer(ctx)
	if err != nil {
		return nil, err
	}
	by := c.Query("by", app.ReportByClient)
	if by != app.ReportByClient && by != app.ReportByCase && by != app.ReportByPerson {
		return nil, apperr.New(apperr.Invalid, "Group the report by client, case or person.")
	}
	from, to := c.Query("from"), c.Query("to")
	for _, d := range []string{from, to} {
		if d != "" && !validDay(d) {
			return nil, apperr.New(apperr.Invalid, "Write the days as YYYY-MM-DD.")
		}
	}
	f := tenant.TimeFilter{From: from, To: to}
	if !mayAllTime(r.User) {
		f.UserID = r.User.ID
	}
	sums, err := r.Tenant.TimeSums(ctx, v, f)
	if err != nil {
		return nil, err
	}
	settings, err := r.Tenant.BillingSettings(ctx)
	if err != nil {
		return nil, err
	}
	rows, total := app.TimeReport(sums, by)
	view := &timeReportView{Page: Page{Title: "Time report"}, By: by, From: from, To: to, Currency: settings.Currency,
		CSVURL: timeBase(r) + "/report.csv?by=" + by + "&from=" + from + "&to=" + to, Total: newTimeReportRow(r, total, settings.Currency)}
	for _, g := range []struct{ v, l string }{{app.ReportByClient, "Client"}, {app.ReportByCase, "Case"}, {app.ReportByPerson, "Person"}} {
		view.Groups = append(view.Groups, option{Value: g.v, Label: g.l, Selected: g.v == by})
	}
	for _, row := range rows {
		view.Rows = append(view.Rows, newTimeReportRow(r, row, settings.Currency))
	}
	return view, nil
}

func validDay(s string) bool {
	_, err := time.Parse(tenant.DueDateLayout, s)
	return err == nil
}

// TimeReport is the time report page.
func (h *Handlers) TimeReport(c *fiber.Ctx, r *Request) error {
	view, err := h.timeReport(c, r)
	if err != nil {
		return err
	}
	return h.page(c, "pages/time/report", view)
}

// TimeReportCSV is the time report as a CSV file: hours as decimals,
// amounts in minor units' decimal form, in the billing currency.
func (h *Handlers) TimeReportCSV(c *fiber.Ctx, r *Request) error {
	view, err := h.timeReport(c, r)
	if err != nil {
		return err
	}
	hours := func(m int) string { return strconv.FormatFloat(float64(m)/60, 'f', 2, 64) }
	return sendCSV(c, "time-by-"+view.By+".csv", []string{view.By, "detail", "hours", "billable hours", "non-billable hours", "amount", "invoiced", "unbilled", "currency"},
		func(write func([]string) error) error {
			for _, row := range append(view.Rows, view.Total) {
				if err := write([]string{row.Label, row.Detail, hours(row.Minutes), hours(row.Billable), hours(row.NonBillable),
					billing.FormatMinor(row.TimeReportRow.Amount), billing.FormatMinor(row.TimeReportRow.Invoiced), billing.FormatMinor(row.TimeReportRow.Unbilled), view.Currency}); err != nil {
					return err
				}
			}
			return nil
		})
}
