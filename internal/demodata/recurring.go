package demodata

import (
	"slices"
	"time"

	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// demoRecurring is a recurring invoice as planned.
type demoRecurring struct {
	b tenant.BulkRecurring
}

// planRecurring makes the recurring invoices, one in three of the billed
// clients' up to maxRecurring: active ones (the portal client's first),
// paused ones and ended ones, each with the invoices it issued, as the
// recurring job issues them, and now and then a skipped period.
func (s *showcase) planRecurring() {
	g := s.g
	n := min(maxRecurring, max(3, len(s.billed)/3))
	for j := range n {
		client := s.billed[j%len(s.billed)]
		status := []string{tenant.RecurringActive, tenant.RecurringPaused, tenant.RecurringEnded}[g.weighted([]int{70, 15, 15})]
		if j < 3 {
			status = []string{tenant.RecurringActive, tenant.RecurringPaused, tenant.RecurringEnded}[j]
		}
		tpl := demoRecurringTemplates[j%len(demoRecurringTemplates)]
		if status == tenant.RecurringEnded && tpl.frequency == billing.Yearly {
			tpl = demoRecurringTemplates[0]
		}
		r := &demoRecurring{}
		r.b = tenant.BulkRecurring{ID: g.id(), Status: status, CreatedBy: demoPick(g, g.staff).ID,
			RecurringInput: tenant.RecurringInput{
				InvoiceInput: tenant.InvoiceInput{ClientID: s.clients[client].id, Currency: s.settings.Currency, TermsDays: s.settings.TermsDays,
					Notes: tpl.notes, Lines: slices.Clone(tpl.lines)},
				Frequency: tpl.frequency, IntervalMonths: tpl.interval, AutoSend: g.chance(0.6)}}
		lookback := 60 + g.rng.IntN(360)
		switch {
		case tpl.frequency == billing.Yearly:
			lookback = 380 + g.rng.IntN(320)
		case status != tenant.RecurringActive:
			lookback = 200 + g.rng.IntN(220)
		}
		start := s.daysAgo(lookback)
		if first := dayOf(s.clients[client].created).AddDate(0, 0, 7); start.Before(first) {
			start = first
		}
		r.b.IssueDate = start.Format(billing.DateLayout)
		until := s.today // the last day a period was made
		switch status {
		case tenant.RecurringPaused:
			until = s.daysAgo(15 + g.rng.IntN(45))
		case tenant.RecurringEnded:
			made := 0
			for i := 0; ; i++ {
				if d, _ := r.b.Schedule().Date(i); !d.Before(s.today) {
					break
				}
				made++
			}
			r.b.Count = max(1, min(made, 3+g.rng.IntN(6)))
		}
		created := s.moment(start.AddDate(0, 0, -1-g.rng.IntN(10)), 0)
		r.b.CreatedAt, r.b.UpdatedAt = time.Unix(created, 0), time.Unix(created, 0)
		sched := r.b.Schedule()
		var dates []time.Time
		for i := 0; ; i++ {
			d, ok := sched.Date(i)
			if !ok || d.After(until) {
				break
			}
			dates = append(dates, d)
		}
		r.b.NextIndex = len(dates)
		for i, d := range dates {
			if j == 0 && i == 1 && len(dates) > 2 {
				// Skipped ahead of its date, from the schedule's page.
				at := s.moment(d.AddDate(0, 0, -3), r.b.UpdatedAt.Unix())
				r.b.Runs = append(r.b.Runs, tenant.BulkRecurringRun{Index: i, Date: d.Format(billing.DateLayout), Skipped: true, CreatedAt: time.Unix(at, 0)})
				r.b.UpdatedAt = time.Unix(at, 0)
				continue
			}
			// A paused one was paused because its last invoice is unpaid.
			unpaid := status == tenant.RecurringPaused && i == len(dates)-1
			inv := s.periodInvoice(r, client, d, unpaid)
			r.b.Runs = append(r.b.Runs, tenant.BulkRecurringRun{Index: i, Date: d.Format(billing.DateLayout), InvoiceID: inv.b.ID, CreatedAt: inv.b.IssuedAt})
			r.b.UpdatedAt = inv.b.IssuedAt
		}
		if status == tenant.RecurringPaused {
			r.b.UpdatedAt = time.Unix(s.moment(until, r.b.UpdatedAt.Unix()), 0)
		}
		s.recurring = append(s.recurring, r)
	}
}

// periodInvoice is the invoice the recurring job issued for the period
// on d: early that morning, by nobody in particular, sent when the
// schedule says so; paid (or not, or not at all when unpaid) since as
// clients pay.
func (s *showcase) periodInvoice(r *demoRecurring, client int, d time.Time, unpaid bool) *demoInvoice {
	g := s.g
	at := min(g.now, d.Unix()+5*3600+g.rng.Int64N(3600))
	inv := &demoInvoice{seq: len(s.invoices), client: client, caseIdx: -1}
	inv.b = tenant.BulkInvoice{ID: g.id(), Kind: tenant.KindInvoice, ClientID: r.b.ClientID, RecurringID: r.b.ID, Currency: r.b.Currency,
		IssueDate: d.Format(billing.DateLayout), TermsDays: r.b.TermsDays, Notes: r.b.Notes, Lines: slices.Clone(r.b.Lines),
		CreatedAt: time.Unix(at, 0)}
	inv.total = billing.Compute(inv.b.Lines).Total
	s.issue(inv, at)
	if r.b.AutoSend {
		inv.b.SentAt = time.Unix(min(g.now, at+5), 0)
	}
	s.invoices = append(s.invoices, inv)
	if !unpaid {
		s.story(inv)
	}
	return inv
}
