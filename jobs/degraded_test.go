package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"mintedmind/app"
	"mintedmind/billing"
	controldb "mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/health"
	"mintedmind/internal/faultfs"
	"mintedmind/mail"
	"mintedmind/mail/mailtest"
)

// mustJobsAgency makes an agency with a client (with an email), a monthly
// recurring invoice from 2026-01-31 and a subscription in its trial; its
// database is released (and may be closed).
func mustJobsAgency(t *testing.T, control *controldb.Store, pool *tenant.Pool, slug string) *controldb.Agency {
	t.Helper()
	ctx := context.Background()
	a, owner, err := app.CreateAgency(ctx, control, pool, app.NewAgency{Name: "Agency " + slug, Slug: slug, OwnerName: "O", OwnerEmail: "o@" + slug + ".test", OwnerPasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	tn, release, err := pool.Acquire(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	cl, err := tn.CreateClient(ctx, tenant.Viewer{UserID: owner.ID}, tenant.ClientInput{Name: "Client of " + slug, Kind: "company", Emails: []string{"billing@" + slug + ".test"}}, tenant.Audit{Action: "client.created"})
	if err != nil {
		t.Fatal(err)
	}
	in := tenant.RecurringInput{InvoiceInput: tenant.InvoiceInput{ClientID: cl.ID, Currency: "EUR", IssueDate: "2026-01-31", TermsDays: 10,
		Lines: []billing.Line{{Description: "Retainer", QuantityMilli: 1000, UnitPrice: 50000, VATRateBP: 2100}}}, Frequency: billing.Monthly, AutoSend: true}
	if _, err := tn.CreateRecurring(ctx, tenant.Viewer{UserID: owner.ID}, tenant.Actor{ID: owner.ID, Name: owner.Name}, in, tenant.Audit{Action: "recurring.created"}); err != nil {
		t.Fatal(err)
	}
	def, err := control.DefaultPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := control.StartSubscription(ctx, a.ID, def); err != nil {
		t.Fatal(err)
	}
	return a
}

func fileHash(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// TestDegradedAgencySkippedByEveryJob damages one agency's database
// (pages overwritten while it is closed): the nightly integrity check
// finds it, records the result and marks it degraded (the operator emailed
// once); from then on every job that goes through the agencies skips it,
// its file untouched and its owner sent nothing, while the other agency
// gets each job's work.
func TestDegradedAgencySkippedByEveryJob(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	control, pool, clk := mustOpen(t)
	smtp := mailtest.Start(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	mailer, err := mail.New(control, mail.Config{URL: smtp.URL(), From: "MintedMind <no-reply@example.test>"}, os.DirFS("../views"), clk, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := control.EnsureDefaultPlans(ctx); err != nil {
		t.Fatal(err)
	}
	mustChargeable(t, control)
	good := mustJobsAgency(t, control, pool, "deg-good")
	bad := mustJobsAgency(t, control, pool, "deg-bad")
	t0 := clk.Now()

	r := NewRunner(control, pool, clk, log, time.Hour)
	r.AddBilling(mailer, "http://mm.test")
	r.AddSubscriptions(mailer, "http://mm.test", false)
	r.AddRetention(NewRetention(control, pool, clk, mailer, RetentionPolicy{InactiveAfter: 100 * day, DeleteAfter: 90 * day, AuditFor: 730 * day, AnalyticsFor: 396 * day, SessionIdle: time.Hour}, "http://mm.test"))
	r.AddIntegrityCheck(0)

	// Both trials end and both agencies get their first subscription
	// invoice while healthy.
	clk.Set(t0.AddDate(0, 0, 15))
	if run, err := r.Run(ctx, JobSubscriptions); err != nil || run.Counts["invoices"] != 2 {
		t.Fatalf("subscriptions before the damage: %v %v", run.Counts, err)
	}
	if err := mailer.Flush(ctx); err != nil {
		t.Fatal(err)
	}

	// Damage the second agency's database while it is closed.
	if err := pool.Evict(ctx, bad.ID); err != nil {
		t.Fatal(err)
	}
	badPath := filepath.Join(pool.TenantDir(bad.ID), "tenant.db")
	n := faultfs.Pages(t, badPath)
	faultfs.OverwritePages(t, badPath, n/2, n-n/2)

	m, err := health.New(ctx, health.Config{DataDir: filepath.Dir(pool.TenantDir(bad.ID)), Interval: time.Hour, AlertTo: []string{"ops@example.test"}}, control, pool, mailer, clk, log)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { m.Run(runCtx); close(done) }()
	t.Cleanup(func() { stop(); <-done })
	r.UseHealth(m)

	t.Run("the integrity check finds it, records it and marks it degraded", func(t *testing.T) {
		run, err := r.Run(ctx, JobIntegrityCheck)
		if err != nil || run.Counts["damaged"]+run.Counts["agencies_degraded"] != 1 || run.Counts["agencies"] < 1 {
			t.Fatalf("%v %v", run.Counts, err)
		}
		hb, err := control.AgencyHealthOf(ctx, bad.ID)
		if err != nil || !hb.Degraded || hb.Reason != controldb.DegradedCorrupt || hb.Error == "" {
			t.Fatalf("the damaged agency: %+v %v", hb, err)
		}
		hg, err := control.AgencyHealthOf(ctx, good.ID)
		if err != nil || hg.Degraded || hg.CheckResult != "ok" || hg.CheckedAt.IsZero() {
			t.Fatalf("the healthy agency: %+v %v", hg, err)
		}
		m.Sync()
		var ops []string
		for _, msg := range smtp.Messages() {
			if slices.Contains(msg.To, "ops@example.test") {
				ops = append(ops, msg.Subject)
			}
		}
		if len(ops) != 1 || !strings.Contains(ops[0], "Agency deg-bad's database is damaged") {
			t.Fatalf("the operator got %q", ops)
		}
	})

	hash := fileHash(t, badPath)
	toBad := func() int {
		if err := mailer.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, msg := range smtp.Messages() {
			for _, to := range msg.To {
				if strings.HasSuffix(to, "@deg-bad.test") {
					n++
				}
			}
		}
		return n
	}
	mailedBad := toBad()
	badStatus := func() string {
		a, err := control.AgencyByID(ctx, bad.ID)
		if err != nil {
			t.Fatal(err)
		}
		return a.Status
	}
	statusBefore := badStatus()

	// 80 days on: recurring invoices are due since January, reminders,
	// retention's first warning (N-30 of 100 days), the subscription
	// invoices past due and grace.
	clk.Set(t0.AddDate(0, 0, 80))
	for _, c := range []struct {
		job  string
		work string // a count the healthy agency's share of the job makes
	}{
		{JobRecurringInvoices, "invoices"},
		{JobInvoiceReminders, ""},
		{"sessions-cleanup", ""},
		{"documents-cleanup", ""},
		{"documents-trash-purge", ""},
		{JobIntegrityCheck, ""},
		{"retention", "warned_30"},
		{JobSubscriptions, "agencies_" + controldb.AgencySuspended},
	} {
		t.Run(c.job+" skips the degraded agency", func(t *testing.T) {
			run, err := r.Run(ctx, c.job)
			if err != nil {
				t.Fatalf("%s: %v (%v)", c.job, err, run.Counts)
			}
			if run.Counts["agency_errors"] != 0 || run.Counts["errors"] != 0 || run.Counts["send_errors"] != 0 {
				t.Fatalf("%s failed on an agency: %v", c.job, run.Counts)
			}
			if c.work != "" && run.Counts[c.work] < 1 {
				t.Fatalf("%s did not do the healthy agency's work (%s): %v", c.job, c.work, run.Counts)
			}
			if got, ok := run.Counts["agencies_degraded"]; ok && got != 1 {
				t.Fatalf("%s: %d agencies skipped as degraded, want 1", c.job, got)
			}
			// The integrity check ran again after the healthy agency's
			// writes: a stale reader's FTS5 check once called it damaged.
			if hg, _ := control.AgencyHealthOf(ctx, good.ID); hg.Degraded {
				t.Fatalf("%s: the healthy agency is degraded: %+v (%v)", c.job, hg, run.Counts)
			}
			if got := fileHash(t, badPath); got != hash {
				t.Fatalf("%s changed the degraded agency's file", c.job)
			}
			if got := toBad(); got != mailedBad {
				t.Fatalf("%s emailed the degraded agency's people", c.job)
			}
		})
	}
	t.Run("the degraded agency's subscription was left as it was", func(t *testing.T) {
		if got := badStatus(); got != statusBefore {
			t.Fatalf("status %q, was %q", got, statusBefore)
		}
		invs, err := control.SubscriptionInvoices(ctx, bad.ID, 10)
		if err != nil || len(invs) != 1 {
			t.Fatalf("%d invoices: %v", len(invs), err)
		}
	})
	t.Run("the healthy agency got its recurring invoices, once each", func(t *testing.T) {
		tn, release, err := pool.Acquire(ctx, good.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer release()
		var n, distinct int
		if err := tn.Read().QueryRow(`SELECT COUNT(*), COUNT(DISTINCT issue_date) FROM invoices`).Scan(&n, &distinct); err != nil {
			t.Fatal(err)
		}
		if n != 12 || distinct != 12 { // 2026-01-31 … 2026-12-31, the clock at 2027-01-21
			t.Fatalf("%d invoices on %d dates, want 12", n, distinct)
		}
	})
}
