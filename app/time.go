package app

// Billing tracked time: "Invoice unbilled time" turns a client's or a
// case's billable time into a draft invoice, its lines grouped by task or
// by person at the hourly rates, and the time report sums time with the
// same line rules. Quantities are hours to the thousandth (a minute is
// 0.017 h), priced by billing.Line: what an invoice line of the time would
// charge is what the report shows.

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// How "Invoice unbilled time" groups the draft's lines.
const (
	GroupByTask   = "task"
	GroupByPerson = "person"
)

// MilliHours is minutes as thousandths of an hour, halves rounded up.
func MilliHours(minutes int) int64 { return (int64(minutes)*1000 + 30) / 60 }

// TimeLine is the invoice line of some minutes at an hourly rate.
func TimeLine(description string, minutes int, rate, vatRateBP int64) billing.Line {
	return billing.Line{Description: description, QuantityMilli: MilliHours(minutes), UnitPrice: rate, VATRateBP: vatRateBP}
}

// TimeAmount is what minutes at an hourly rate charge, as an invoice line would.
func TimeAmount(minutes int, rate int64) int64 { return TimeLine("", minutes, rate, 0).Net() }

// TimeInvoiceOptions are the choices of "Invoice unbilled time".
type TimeInvoiceOptions struct {
	GroupBy   string // GroupByTask or GroupByPerson
	VATRateBP int64
	Until     string // bill time up to this day; "" all of it
	Today     string // the draft's issue date
}

// TimeLines groups unbilled time into invoice lines: by task (time on no
// task is the case's "Other work") or by person, one line per group and
// rate; with several cases each line names its case. Every entry needs a
// rate: time of a person without one, on a case without one, is refused.
func TimeLines(entries []tenant.UnbilledTime, groupBy string, vatRateBP int64) ([]billing.Line, error) {
	if groupBy != GroupByTask && groupBy != GroupByPerson {
		return nil, apperr.FieldErrors(map[string]string{"group": "Group the lines by task or by person."})
	}
	var noRate []string
	seen := map[string]bool{}
	cases := map[string]bool{}
	for _, e := range entries {
		cases[e.CaseID] = true
		if e.Rate <= 0 && !seen[e.UserID] {
			seen[e.UserID] = true
			noRate = append(noRate, e.UserName)
		}
	}
	if len(noRate) > 0 {
		return nil, apperr.New(apperr.Invalid, "No hourly rate for %s: set the person's rate (Time → Rates) or the case's rate first.", strings.Join(noRate, ", "))
	}
	type group struct {
		key       string
		sortKey   string
		label     string
		rate      int64
		minutes   int
		caseOrder int64
		taskOrder int
	}
	groups := map[string]*group{}
	var order []*group
	for _, e := range entries {
		var who, label, sortKey string
		prefix := ""
		if len(cases) > 1 {
			prefix = tenant.CaseNumber(e.CaseNumber) + " · "
		}
		if groupBy == GroupByTask {
			who = e.CaseID + "/" + e.TaskID
			label = prefix + e.TaskTitle
			if e.TaskID == "" {
				label = prefix + "Other work"
			}
		} else {
			who = e.UserID + "/" + e.CaseID
			label = prefix + "Time by " + e.UserName
			sortKey = strings.ToLower(e.UserName)
		}
		key := fmt.Sprintf("%s@%d", who, e.Rate)
		g := groups[key]
		if g == nil {
			g = &group{key: key, sortKey: sortKey, label: label, rate: e.Rate, caseOrder: e.CaseNumber, taskOrder: e.TaskPosition}
			if e.TaskID == "" {
				g.taskOrder = 1 << 30 // "Other work" last
			}
			groups[key] = g
			order = append(order, g)
		}
		g.minutes += e.Minutes
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if a.caseOrder != b.caseOrder {
			return a.caseOrder < b.caseOrder
		}
		if a.sortKey != b.sortKey {
			return a.sortKey < b.sortKey
		}
		if a.taskOrder != b.taskOrder {
			return a.taskOrder < b.taskOrder
		}
		return a.rate < b.rate
	})
	// A group at two rates (two people on one task) names its rate.
	labels := map[string]int{}
	for _, g := range order {
		labels[g.label]++
	}
	lines := make([]billing.Line, 0, len(order))
	for _, g := range order {
		label := g.label
		if labels[label] > 1 {
			label += " (at " + billing.FormatMinor(g.rate) + " an hour)"
		}
		lines = append(lines, TimeLine(label, g.minutes, g.rate, vatRateBP))
	}
	return lines, nil
}

// InvoiceUnbilledTime makes a draft invoice of the scope's unbilled
// billable time in the agency's billing currency and terms, with lines
// from TimeLines, and marks the time invoiced in the same transaction
// (tenant.Store.InvoiceTime, audited with invoiced). Two requests for the
// same time make one draft: the second finds nothing left (a conflict).
func InvoiceUnbilledTime(ctx context.Context, t *tenant.Store, v tenant.Viewer, actor tenant.Actor, s tenant.TimeScope, o TimeInvoiceOptions, invoiced tenant.Audit) (*tenant.Invoice, error) {
	if o.VATRateBP < 0 || o.VATRateBP > billing.MaxVATRateBP {
		return nil, apperr.FieldErrors(map[string]string{"vat": "The VAT rate is 0 to 100 %."})
	}
	settings, err := t.BillingSettings(ctx)
	if err != nil {
		return nil, err
	}
	s.Until = o.Until
	return t.InvoiceTime(ctx, v, actor, s, func(entries []tenant.UnbilledTime) (tenant.InvoiceInput, error) {
		lines, err := TimeLines(entries, o.GroupBy, o.VATRateBP)
		if err != nil {
			return tenant.InvoiceInput{}, err
		}
		in := tenant.InvoiceInput{ClientID: s.ClientID, CaseID: s.CaseID, Currency: settings.Currency, IssueDate: o.Today, TermsDays: settings.TermsDays, Lines: lines}
		first, last := entries[0].Date, entries[0].Date
		for _, e := range entries {
			first, last = min(first, e.Date), max(last, e.Date)
		}
		in.Notes = "Time from " + first + " to " + last + "."
		if in.ClientID == "" {
			in.ClientID = caseClient(ctx, t, v, s.CaseID)
		}
		return in, nil
	}, invoiced)
}

// caseClient is the client of a case v may see ("" if none: the draft's
// check then refuses it).
func caseClient(ctx context.Context, t *tenant.Store, v tenant.Viewer, caseID string) string {
	k, err := t.Case(ctx, v, caseID)
	if err != nil {
		return ""
	}
	return k.ClientID
}

// Time report groupings.
const (
	ReportByClient = "client"
	ReportByCase   = "case"
	ReportByPerson = "person"
)

// TimeReportRow is one group of the time report. Amounts are in the
// agency's billing currency: Billable at the rates (billed rates for
// invoiced time), Invoiced of that on invoices, Unbilled the rest.
type TimeReportRow struct {
	Key         string
	Label       string
	Detail      string // the client of a case
	Minutes     int
	Billable    int // minutes
	NonBillable int // minutes
	Amount      int64
	Invoiced    int64
	Unbilled    int64
	NoRate      bool // some billable time has no rate (counted at 0)
}

// TimeReport groups the store's sums by client, case or person, with
// their amounts as invoice lines would charge them, and a total row.
func TimeReport(sums []tenant.TimeSum, by string) ([]TimeReportRow, TimeReportRow) {
	rows := map[string]*TimeReportRow{}
	var order []*TimeReportRow
	var total TimeReportRow
	total.Label = "Total"
	for _, s := range sums {
		var key, label, detail string
		switch by {
		case ReportByCase:
			key, label, detail = s.CaseID, tenant.CaseNumber(s.CaseNumber)+" "+s.CaseTitle, s.ClientName
		case ReportByPerson:
			key, label = s.UserID, s.UserName
		default:
			key, label = s.ClientID, s.ClientName
		}
		r := rows[key]
		if r == nil {
			r = &TimeReportRow{Key: key, Label: label, Detail: detail}
			rows[key] = r
			order = append(order, r)
		}
		amount := TimeAmount(s.Minutes, s.Rate)
		for _, x := range []*TimeReportRow{r, &total} {
			x.Minutes += s.Minutes + s.NonBillable
			x.Billable += s.Minutes
			x.NonBillable += s.NonBillable
			x.Amount += amount
			if s.Invoiced {
				x.Invoiced += amount
			} else {
				x.Unbilled += amount
			}
			x.NoRate = x.NoRate || (s.Rate == 0 && s.Minutes > 0)
		}
	}
	if by == ReportByPerson {
		sort.SliceStable(order, func(i, j int) bool { return strings.ToLower(order[i].Label) < strings.ToLower(order[j].Label) })
	}
	out := make([]TimeReportRow, len(order))
	for i, r := range order {
		out[i] = *r
	}
	return out, total
}
