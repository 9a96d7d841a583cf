package jobs

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// TestQuoteExpiry: an open quote gets one reminder a week before its
// validity date and one the day before (a missed step is not sent late,
// a step whose day came before the quote was sent is skipped),
// is expired the day after, and running the job twice a day changes and
// sends nothing more; a withdrawn quote is left alone; an expired quote
// can't be accepted; the emails go through real SMTP.
func TestQuoteExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustContactFixture(t, "Agency quotes", "quotes-a", "contact@quotes-a.test")
	control, pool, clk, smtp, log, mailer := f.control, f.pool, f.clk, f.smtp, f.log, f.mailer
	a, tn, v, actor, cl := f.agency, f.tn, f.v, f.actor, f.client
	sent := func(validUntil string) *tenant.Quote {
		t.Helper()
		q, err := tn.CreateQuote(ctx, v, actor, tenant.QuoteInput{ClientID: cl.ID, Currency: "EUR", ValidUntil: validUntil,
			Lines: []tenant.QuoteLine{{Line: billing.Line{Description: "Design", QuantityMilli: 1000, UnitPrice: 10000, VATRateBP: 2100}}}}, tenant.Audit{Action: "quote.created"})
		if err != nil {
			t.Fatal(err)
		}
		if q, err = tn.SendQuote(ctx, v, actor, a.Name, q.ID, "2026-11-02", tenant.Audit{Action: "quote.sent"}); err != nil {
			t.Fatal(err)
		}
		return q
	}
	soon, later, withdrawn := sent("2026-11-05"), sent("2026-11-20"), sent("2026-11-05")
	if err := tn.WithdrawQuote(ctx, v, actor, withdrawn.ID, tenant.Audit{Action: "quote.withdrawn"}); err != nil {
		t.Fatal(err)
	}
	r := NewRunner(control, pool, clk, log, time.Hour)
	r.AddQuoteExpiry(mailer, "http://mm.test")
	reminders := func() []string {
		if err := mailer.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range smtp.Messages() {
			if slices.Contains(m.To, "contact@quotes-a.test") && strings.Contains(m.Subject, "Reminder") {
				out = append(out, m.Subject)
			}
		}
		return out
	}
	state := func(id string) string {
		var s string
		if err := tn.Read().QueryRow(`SELECT state FROM quotes WHERE id = ?`, id).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, step := range []struct {
		day                string
		reminders, expired int64 // this day's first run
		total              int   // reminder emails in all
	}{
		{"2026-11-02", 0, 0, 0}, // soon, sent today with 3 days left: the week-before step came before it was sent
		{"2026-11-03", 0, 0, 0}, // soon: still no week-before reminder
		{"2026-11-04", 1, 0, 1}, // soon: the day before
		{"2026-11-05", 0, 0, 1}, // its last valid day: nothing more
		{"2026-11-06", 0, 1, 1}, // soon expires
		{"2026-11-13", 1, 0, 2}, // later: a week before
		{"2026-11-21", 0, 1, 2}, // later: the day-before step was missed (no run on the 19th); it is not sent late
	} {
		d, _ := time.Parse("2006-01-02", step.day)
		clk.Set(d.Add(8 * time.Hour))
		first, err := r.Run(ctx, JobQuoteExpiry)
		if err != nil {
			t.Fatal(err)
		}
		if first.Counts["reminders"] != step.reminders || first.Counts["expired"] != step.expired || first.Counts["emails"] != step.reminders {
			t.Fatalf("%s: %v", step.day, first.Counts)
		}
		second, err := r.Run(ctx, JobQuoteExpiry)
		if err != nil || second.Counts["reminders"] != 0 || second.Counts["expired"] != 0 || second.Counts["emails"] != 0 {
			t.Fatalf("%s: the second run did it again: %v %v", step.day, second.Counts, err)
		}
		if got := reminders(); len(got) != step.total {
			t.Fatalf("%s: %d reminders, want %d: %v", step.day, len(got), step.total, got)
		}
	}
	if got := reminders(); !strings.Contains(got[0], soon.Label()) || !strings.Contains(got[0], "2026-11-05") {
		t.Fatalf("reminder subject %q", got[0])
	}
	for _, m := range smtp.Messages() {
		if strings.Contains(m.Subject, soon.Label()+" is valid") && !strings.Contains(m.Body, "http://mm.test/a/quotes-a/portal/quotes/"+soon.ID) {
			t.Fatalf("the reminder has no link to the quote in the portal:\n%s", m.Body)
		}
	}
	if state(soon.ID) != tenant.QuoteExpired || state(later.ID) != tenant.QuoteExpired || state(withdrawn.ID) != tenant.QuoteWithdrawn {
		t.Fatalf("states %s %s %s", state(soon.ID), state(later.ID), state(withdrawn.ID))
	}
	var events int
	if err := tn.Read().QueryRow(`SELECT COUNT(*) FROM quote_events WHERE quote_id = ? AND kind IN ('reminded', 'expired')`, soon.ID).Scan(&events); err != nil || events != 2 {
		t.Fatalf("%d history entries of soon, %v", events, err)
	}
	contacts, err := tn.ActiveContacts(ctx, cl.ID)
	if err != nil || len(contacts) != 1 {
		t.Fatal(contacts, err)
	}
	cv := tenant.Viewer{UserID: contacts[0].ID, ClientID: cl.ID}
	_, err = tn.AcceptQuote(ctx, cv, tenant.Actor{ID: contacts[0].ID, Name: "Cora Contact"}, soon.ID,
		tenant.Acceptance{SignerName: "Cora Contact", Agreed: true, Today: "2026-11-04"}, tenant.Audit{Action: "quote.accepted"})
	if apperr.CodeOf(err) != apperr.Conflict || !strings.Contains(apperr.MessageOf(err), "expired on 2026-11-05") {
		t.Fatalf("accepting an expired quote: %v", err)
	}
	runs, err := control.RecentJobRuns(ctx, 50)
	if err != nil {
		t.Fatal(err)
	}
	recorded := 0
	for _, run := range runs {
		if run.Job == JobQuoteExpiry {
			recorded++
		}
	}
	if recorded != 14 {
		t.Fatalf("%d runs recorded, want 14", recorded)
	}
}
