package tenant_test

import (
	"context"
	"testing"
	"time"

	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// A batch issues what the one-period-per-transaction path did (numbers in
// order, seller and buyer snapshots, runs, audit); when one schedule
// fails, the batch is undone and the others are issued one period at a
// time, the broken one reported.
func TestRecurringBatchIsolatesABrokenSchedule(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "batch")
	ctx := context.Background()
	good := mustCaseClient(t, tn, "Good", "")
	bad := mustCaseClient(t, tn, "Broken", "")
	mk := func(clientID string) *tenant.Recurring {
		in := tenant.RecurringInput{InvoiceInput: invoiceInput(clientID), Frequency: billing.Monthly, IntervalMonths: 1}
		in.IssueDate = "2026-01-31"
		r, err := tn.CreateRecurring(ctx, everything(owner), actorOf(owner), in, tenant.Audit{Action: "recurring.created"})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	first, broken, last := mk(good), mk(bad), mk(good)
	if _, err := tn.Write().Exec(`CREATE TRIGGER no_broken BEFORE INSERT ON invoices WHEN new.recurring_id = '` + broken.ID + `' BEGIN SELECT RAISE(ABORT, 'broken'); END`); err != nil {
		t.Fatal(err)
	}
	day, _ := billing.ParseDate("2026-03-31")
	n, err := tn.GenerateRecurring(ctx, day, "Agency", nil)
	if err == nil || n != 6 {
		t.Fatalf("made %d, err %v; want 6 and the broken schedule's error", n, err)
	}
	for _, r := range []*tenant.Recurring{first, last} {
		var count int
		var seller, buyer string
		if err := tn.Read().QueryRow(`SELECT COUNT(*), MIN(seller), MIN(buyer) FROM invoices WHERE recurring_id = ? AND status = 'issued' AND number IS NOT NULL`, r.ID).Scan(&count, &seller, &buyer); err != nil || count != 3 {
			t.Fatalf("schedule %s: %d issued invoices, %v", r.ID, count, err)
		}
		if seller == "" || buyer == "" {
			t.Fatal("no seller or buyer snapshot")
		}
	}
	var audits, runs int
	tn.Read().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'invoice.issued'`).Scan(&audits)
	tn.Read().QueryRow(`SELECT COUNT(*) FROM recurring_runs WHERE invoice_id IS NOT NULL`).Scan(&runs)
	if audits != 6 || runs != 6 {
		t.Fatalf("%d audit rows, %d runs; want 6 each", audits, runs)
	}
	if _, err := tn.Write().Exec(`DROP TRIGGER no_broken`); err != nil {
		t.Fatal(err)
	}
	if n, err := tn.GenerateRecurring(ctx, day.Add(time.Hour), "Agency", nil); err != nil || n != 3 {
		t.Fatalf("once fixed, made %d: %v", n, err)
	}
	var numbers int
	tn.Read().QueryRow(`SELECT COUNT(DISTINCT number) FROM invoices WHERE number IS NOT NULL`).Scan(&numbers)
	if numbers != 9 {
		t.Fatalf("%d distinct numbers for 9 invoices", numbers)
	}
}
