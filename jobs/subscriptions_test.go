package jobs

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"mintedmind/app"
	"mintedmind/apperr"
	controldb "mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/mail"
	"mintedmind/mail/mailtest"
)

// TestSubscriptionLifecycle walks one agency through every step at chosen
// times: trial, the first invoice, reminders, past due, suspension,
// payment, a downgrade at the period's end and an upgrade at once.
func TestSubscriptionLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	control, pool, clk := mustOpen(t)
	smtp := mailtest.Start(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	mailer, err := mail.New(control, mail.Config{URL: smtp.URL(), From: "MintedMind <no-reply@example.test>"}, os.DirFS("../views"), clk, log)
	if err != nil {
		t.Fatal(err)
	}
	r := NewRunner(control, pool, clk, log, time.Hour)
	r.AddSubscriptions(mailer, "http://mm.test", false)
	if err := control.EnsureDefaultPlans(ctx); err != nil {
		t.Fatal(err)
	}
	mustChargeable(t, control)
	plans := map[string]*controldb.Plan{}
	all, _ := control.Plans(ctx)
	for _, p := range all {
		plans[p.Name] = p
	}
	a, _, err := app.CreateAgency(ctx, control, pool, app.NewAgency{Name: "Subs", Slug: "subs", OwnerName: "O", OwnerEmail: "owner@subs.test", OwnerPasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	def, _ := control.DefaultPlan(ctx)
	if def.Name != "Starter" || def.TrialDays != 14 {
		t.Fatalf("default plan %+v", def)
	}
	if err := control.StartSubscription(ctx, a.ID, def); err != nil {
		t.Fatal(err)
	}
	start := clk.Now() // 2026-11-02 09:00

	status := func() string {
		t.Helper()
		s, err := control.Subscription(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		return s.Status
	}
	run := func() *controldb.JobRun {
		t.Helper()
		run, err := r.Run(ctx, JobSubscriptions)
		if err != nil {
			t.Fatal(err)
		}
		return run
	}
	invoices := func() []*controldb.SubscriptionInvoice {
		t.Helper()
		invs, err := control.SubscriptionInvoices(ctx, a.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		return invs
	}
	mails := func() []mailtest.Message {
		t.Helper()
		if err := mailer.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		return smtp.Messages()
	}
	at := func(days int) { clk.Set(start.AddDate(0, 0, days)) }

	t.Run("a trial owes nothing", func(t *testing.T) {
		if got := run(); got.Counts["invoices"] != 0 || status() != controldb.AgencyTrial {
			t.Fatalf("%v %s", got.Counts, status())
		}
	})
	t.Run("the trial's end makes the agency active with its first invoice, emailed with the PDF", func(t *testing.T) {
		at(14)
		got := run()
		if got.Counts["invoices"] != 1 || got.Counts["periods_started"] != 1 || status() != controldb.AgencyActive {
			t.Fatalf("%v %s", got.Counts, status())
		}
		invs := invoices()
		if len(invs) != 1 || invs[0].Amount != 1900 || invs[0].Number != "SUB-2026-0001" || !invs[0].DueAt.Equal(start.AddDate(0, 0, 28)) {
			t.Fatalf("%+v", invs[0])
		}
		m := mails()
		if len(m) != 1 || m[0].To[0] != "owner@subs.test" || !strings.Contains(m[0].Body, "SUB-2026-0001") || !strings.Contains(m[0].Data, "application/pdf") {
			t.Fatalf("%d mails: %+v", len(m), m)
		}
	})
	t.Run("the cron run twice gives one invoice per period", func(t *testing.T) {
		if got := run(); got.Counts["invoices"] != 0 {
			t.Fatalf("%v", got.Counts)
		}
		at(15)
		run()
		if n := len(invoices()); n != 1 {
			t.Fatalf("%d invoices", n)
		}
	})
	t.Run("a reminder goes once, three days before the due date", func(t *testing.T) {
		at(25)
		if got := run(); got.Counts["reminders_due-soon"] != 1 || status() != controldb.AgencyActive {
			t.Fatalf("%v %s", got.Counts, status())
		}
		if got := run(); got.Counts["reminders_due-soon"] != 0 {
			t.Fatalf("second reminder: %v", got.Counts)
		}
	})
	t.Run("after the due date the agency is past due", func(t *testing.T) {
		at(28)
		if got := run(); got.Counts["agencies_past_due"] != 1 || got.Counts["reminders_overdue"] != 1 || status() != controldb.AgencyPastDue {
			t.Fatalf("%v %s", got.Counts, status())
		}
	})
	t.Run("after the grace period it is suspended", func(t *testing.T) {
		at(41)
		if got := run(); got.Counts["agencies_suspended"] != 0 || status() != controldb.AgencyPastDue {
			t.Fatalf("a day early: %v %s", got.Counts, status())
		}
		at(42)
		if got := run(); got.Counts["agencies_suspended"] != 1 || got.Counts["reminders_suspended"] != 1 || status() != controldb.AgencySuspended {
			t.Fatalf("%v %s", got.Counts, status())
		}
		m := mails()
		if !strings.Contains(m[len(m)-1].Body, "suspended") {
			t.Fatalf("last mail: %s", m[len(m)-1].Body)
		}
	})
	t.Run("a suspended agency cannot be merely past due", func(t *testing.T) {
		if _, err := control.SetAgencyStatus(ctx, a.ID, controldb.AgencyPastDue); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("payment reactivates it", func(t *testing.T) {
		inv := invoices()[0]
		res, err := control.RecordSubscriptionPayment(ctx, inv.ID, 1000, "EUR", "manual", "", "Op", controldb.OperatorAuditEntry{Action: "payment.recorded"})
		if err != nil || res.Reactivated != "" || status() != controldb.AgencySuspended {
			t.Fatalf("a part payment: %+v %v %s", res, err, status())
		}
		res, err = control.RecordSubscriptionPayment(ctx, inv.ID, 900, "EUR", "manual", "", "Op", controldb.OperatorAuditEntry{Action: "payment.recorded"})
		if err != nil || res.Reactivated != controldb.AgencySuspended || res.Invoice.Status != controldb.SubInvoicePaid || status() != controldb.AgencyActive {
			t.Fatalf("%+v %v %s", res, err, status())
		}
		if _, err := control.RecordSubscriptionPayment(ctx, inv.ID, 100, "USD", "manual", "", "Op", controldb.OperatorAuditEntry{Action: "payment.recorded"}); !apperr.Is(err, apperr.Invalid) {
			t.Fatalf("another currency: %v", err)
		}
	})
	t.Run("the next period is invoiced once", func(t *testing.T) {
		at(44) // 2026-12-16
		run()
		run()
		invs := invoices()
		if len(invs) != 2 || invs[0].Number != "SUB-2026-0002" || !invs[0].PeriodStart.Equal(start.AddDate(0, 0, 44)) {
			t.Fatalf("%d invoices, newest %+v", len(invs), invs[0])
		}
	})
	t.Run("past due, then paid, it is active again", func(t *testing.T) {
		at(58) // the second invoice's due date
		if got := run(); got.Counts["agencies_past_due"] != 1 || status() != controldb.AgencyPastDue {
			t.Fatalf("%v %s", got.Counts, status())
		}
		invs := invoices()
		res, err := control.RecordSubscriptionPayment(ctx, invs[0].ID, invs[0].Amount, "EUR", "paysera", "req-1", "Paysera", controldb.OperatorAuditEntry{Action: "payment.recorded"})
		if err != nil || res.Reactivated != controldb.AgencyPastDue || status() != controldb.AgencyActive {
			t.Fatalf("%+v %v %s", res, err, status())
		}
		res, err = control.RecordSubscriptionPayment(ctx, invs[0].ID, invs[0].Amount, "EUR", "paysera", "req-1", "Paysera", controldb.OperatorAuditEntry{Action: "payment.recorded"})
		if err != nil || !res.Duplicate {
			t.Fatalf("the same provider payment twice: %+v %v", res, err)
		}
	})
	t.Run("a downgrade waits for the period's end", func(t *testing.T) {
		change, err := control.ChangePlan(ctx, a.ID, plans["Free"], controldb.IntervalMonth)
		if err != nil || change.AtOnce {
			t.Fatalf("%+v %v", change, err)
		}
		s, _ := control.Subscription(ctx, a.ID)
		if s.PlanID != plans["Starter"].ID || s.NextPlanID != plans["Free"].ID {
			t.Fatalf("%+v", s)
		}
		clk.Set(time.Date(2027, 1, 16, 9, 0, 0, 0, time.UTC))
		if got := run(); got.Counts["invoices"] != 0 || got.Counts["periods_started"] != 1 {
			t.Fatalf("%v", got.Counts)
		}
		s, _ = control.Subscription(ctx, a.ID)
		if s.PlanID != plans["Free"].ID || s.NextPlanID != "" {
			t.Fatalf("%+v", s)
		}
	})
	t.Run("an upgrade applies at once and is invoiced", func(t *testing.T) {
		change, err := control.ChangePlan(ctx, a.ID, plans["Pro"], controldb.IntervalYear)
		if err != nil || !change.AtOnce {
			t.Fatalf("%+v %v", change, err)
		}
		got := run()
		invs := invoices()
		if got.Counts["invoices"] != 1 || invs[0].Amount != 49000 || invs[0].PlanName != "Pro" || invs[0].Number != "SUB-2027-0001" {
			t.Fatalf("%v %+v", got.Counts, invs[0])
		}
	})
	t.Run("archival and deletion follow the lifecycle", func(t *testing.T) {
		if _, err := control.SetAgencyStatus(ctx, a.ID, controldb.AgencyDeleted); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("deleting a live agency: %v", err)
		}
		for _, to := range []string{controldb.AgencySuspended, controldb.AgencyActive, controldb.AgencyArchived, controldb.AgencyActive, controldb.AgencyArchived, controldb.AgencyDeleted} {
			if _, err := control.SetAgencyStatus(ctx, a.ID, to); err != nil {
				t.Fatalf("to %s: %v", to, err)
			}
		}
		if _, err := control.SetAgencyStatus(ctx, a.ID, controldb.AgencyActive); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("a deleted agency came back: %v", err)
		}
	})
}

// TestSubscriptionsSelfHosted: a self-hosted install bills nothing.
func TestSubscriptionsSelfHosted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	control, pool, clk := mustOpen(t)
	r := NewRunner(control, pool, clk, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Hour)
	r.AddSubscriptions(nil, "http://mm.test", true)
	control.EnsureDefaultPlans(ctx)
	a, _, err := app.CreateAgency(ctx, control, pool, app.NewAgency{Name: "Self", Slug: "self", OwnerName: "O", OwnerEmail: "o@self.test", OwnerPasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := control.DefaultPlan(ctx)
	control.StartSubscription(ctx, a.ID, p)
	clk.Advance(60 * 24 * time.Hour)
	run, err := r.Run(ctx, JobSubscriptions)
	if err != nil || run.Counts["self_hosted"] != 1 {
		t.Fatalf("%v %v", run.Counts, err)
	}
	if invs, _ := control.SubscriptionInvoices(ctx, a.ID, 10); len(invs) != 0 {
		t.Fatalf("%d invoices", len(invs))
	}
}

// TestClosedCaseRetention: the job archives cases closed longer ago than
// the plan keeps them, and nothing else: they leave the lists, keep their
// history (and documents, unless the agency chose to purge them), and come
// back when reopened.
func TestClosedCaseRetention(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	control, pool, clk := mustOpen(t)
	r := NewRunner(control, pool, clk, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Hour)
	r.AddSubscriptions(nil, "http://mm.test", false)
	control.EnsureDefaultPlans(ctx)
	a, owner, err := app.CreateAgency(ctx, control, pool, app.NewAgency{Name: "Keep", Slug: "keep", OwnerName: "O", OwnerEmail: "o@keep.test", OwnerPasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	p := &controldb.Plan{Name: "Short memory", Currency: "EUR", CaseRetentionDays: 30}
	if err := control.CreatePlan(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := control.SetAgencyPlan(ctx, a.ID, p.ID, controldb.IntervalMonth); err != nil {
		t.Fatal(err)
	}
	tn, release, err := pool.Acquire(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	v, actor := tenant.Viewer{UserID: owner.ID}, tenant.Actor{ID: owner.ID, Name: owner.Name}
	cl, err := tn.CreateClient(ctx, v, tenant.ClientInput{Name: "Client", Kind: "company"}, tenant.Audit{Action: "client.created"})
	if err != nil {
		t.Fatal(err)
	}
	closed := "closed"
	var ids []string
	for _, title := range []string{"Closed long ago", "Closed lately", "Still open"} {
		c, err := tn.CreateCase(ctx, v, actor, tenant.CaseInput{ClientID: cl.ID, Title: title})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
		if title != "Still open" {
			if _, err := tn.UpdateCase(ctx, v, actor, c.ID, 0, tenant.CaseChange{Status: &closed}); err != nil {
				t.Fatal(err)
			}
		}
		clk.Advance(20 * 24 * time.Hour)
	}
	// The cases were closed on days 0 and 20; on day 35 only the first is
	// past the plan's 30 days.
	clk.Set(clk.Now().Add(-25 * 24 * time.Hour))
	run, err := r.Run(ctx, JobSubscriptions)
	if err != nil || run.Counts["closed_cases_archived"] != 1 || run.Counts["archived_documents_deleted"] != 0 {
		t.Fatalf("%v %v", run.Counts, err)
	}
	listed := func(f tenant.CaseFilter) []string {
		rows, _, err := tn.Cases(ctx, v, f)
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, r := range rows {
			titles = append(titles, r.Title)
		}
		return titles
	}
	if got := strings.Join(listed(tenant.CaseFilter{}), ","); got != "Still open,Closed lately" {
		t.Fatalf("the list shows %q", got)
	}
	if got := strings.Join(listed(tenant.CaseFilter{Archived: true}), ","); got != "Closed long ago" {
		t.Fatalf("the archived view shows %q", got)
	}
	k, err := tn.Case(ctx, v, ids[0])
	if err != nil || k.ArchivedAt.IsZero() {
		t.Fatalf("archived case %+v, %v", k, err)
	}
	var events int
	tn.Read().QueryRow(`SELECT COUNT(*) FROM case_events WHERE case_id = ?`, ids[0]).Scan(&events)
	if events < 2 {
		t.Fatalf("the archived case kept %d events", events)
	}
	run, _ = r.Run(ctx, JobSubscriptions)
	if run.Counts["closed_cases_archived"] != 0 {
		t.Fatalf("second run: %v", run.Counts)
	}

	// Reopening brings it back to the lists.
	reopened := "in_progress"
	if _, err := tn.UpdateCase(ctx, v, actor, ids[0], 0, tenant.CaseChange{Status: &reopened}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(listed(tenant.CaseFilter{Archived: true}), ","); got != "" {
		t.Fatalf("after reopening, the archived view shows %q", got)
	}

	// An agency that chose to purge the documents of archived cases loses them.
	if err := tn.SaveSettings(ctx, tenant.Settings{TwoFactorRequired: tenant.TwoFactorNobody, PurgeArchivedDocuments: true}, tenant.Audit{Action: "settings.changed"}); err != nil {
		t.Fatal(err)
	}
	if err := tn.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO documents (id, case_id, name, content_type, size, sha256, storage_key, created_at)
			VALUES ('d1', ?, 'old.pdf', 'application/pdf', 3, 'x', 'zz/nothing', 1)`, ids[1])
		return err
	}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(20 * 24 * time.Hour) // "Closed lately" is now past 30 days
	run, err = r.Run(ctx, JobSubscriptions)
	if err != nil || run.Counts["closed_cases_archived"] != 1 || run.Counts["archived_documents_deleted"] != 1 {
		t.Fatalf("%v %v", run.Counts, err)
	}
}

// mustChargeable gives the operator bank details, so the subscription job
// issues invoices (it issues none while agencies could not pay them).
func mustChargeable(t *testing.T, c *controldb.Store) {
	t.Helper()
	s, err := c.LoadSubscriptionSettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s.BankDetails = "IBAN: LT12 1000 0111 0100 1000\nSWIFT: HABALT22"
	if err := c.SaveSubscriptionSettings(context.Background(), s, controldb.OperatorAuditEntry{Action: "billing.settings"}); err != nil {
		t.Fatal(err)
	}
}

// TestSubscriptionInvoiceParties: nothing is issued while the operator has
// no way to be paid (no bank details, no Paysera); once there is one, the
// invoice names the agency's legal details from its billing settings as
// the buyer and adds VAT at the operator's rate, with its note, on the
// plan's price, and its PDF says how to pay.
func TestSubscriptionInvoiceParties(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	control, pool, clk := mustOpen(t)
	r := NewRunner(control, pool, clk, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Hour)
	r.AddSubscriptions(nil, "http://mm.test", false)
	if err := control.EnsureDefaultPlans(ctx); err != nil {
		t.Fatal(err)
	}
	a, _, err := app.CreateAgency(ctx, control, pool, app.NewAgency{Name: "Parties", Slug: "parties", OwnerName: "O", OwnerEmail: "o@parties.test", OwnerPasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	def, _ := control.DefaultPlan(ctx)
	if err := control.StartSubscription(ctx, a.ID, def); err != nil {
		t.Fatal(err)
	}
	tn, release, err := pool.Acquire(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	b, _ := tn.BillingSettings(ctx)
	b.LegalName, b.Address, b.CompanyCode, b.VATNumber = "Parties UAB", "Gedimino pr. 1\nVilnius", "305000111", "LT100000000111"
	if err := tn.SaveBillingSettings(ctx, b, tenant.Audit{Action: "billing.settings"}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(15 * 24 * time.Hour) // the trial is over

	t.Run("no invoice while the operator cannot be paid", func(t *testing.T) {
		run, err := r.Run(ctx, JobSubscriptions)
		if err != nil || run.Counts["invoices"] != 0 || run.Counts["not_charged"] != 1 {
			t.Fatalf("%v %v", run.Counts, err)
		}
		if invs, _ := control.SubscriptionInvoices(ctx, a.ID, 10); len(invs) != 0 {
			t.Fatalf("%d invoices", len(invs))
		}
	})
	s, _ := control.LoadSubscriptionSettings(ctx)
	s.BankDetails, s.VATRateBP, s.VATNote = "IBAN: LT12 1000 0111 0100 1000", 2100, "VAT at 21 % (Lithuania)."
	if err := control.SaveSubscriptionSettings(ctx, s, controldb.OperatorAuditEntry{Action: "billing.settings"}); err != nil {
		t.Fatal(err)
	}
	t.Run("with bank details the invoice names the agency's legal details and adds VAT", func(t *testing.T) {
		run, err := r.Run(ctx, JobSubscriptions)
		if err != nil || run.Counts["invoices"] != 1 {
			t.Fatalf("%v %v", run.Counts, err)
		}
		invs, _ := control.SubscriptionInvoices(ctx, a.ID, 10)
		inv := invs[0]
		if inv.NetAmount != 1900 || inv.VATRateBP != 2100 || inv.Amount != 2299 || inv.VATNote != s.VATNote {
			t.Fatalf("amounts %+v", inv)
		}
		if inv.Buyer.Name != "Parties UAB" || strings.Join(inv.Buyer.Address, "|") != "Gedimino pr. 1|Vilnius" || inv.Buyer.CompanyCode != "305000111" || inv.Buyer.VATNumber != "LT100000000111" {
			t.Fatalf("buyer %+v", inv.Buyer)
		}
		d := app.SubscriptionInvoiceDocument(inv, s, 0, "o@parties.test")
		if d.Buyer.Name != "Parties UAB" || d.Totals.VAT != 399 || d.Totals.Total != inv.Amount || d.Notes != s.VATNote ||
			d.PaymentReference != "Pay 22.99 EUR to the account above with reference "+inv.Number+"." {
			t.Fatalf("document %+v", d)
		}
		if d := app.SubscriptionInvoiceDocument(inv, s, 1000, ""); d.Status != "PARTLY PAID" || !strings.Contains(d.PaymentReference, "Pay 12.99 EUR") {
			t.Fatalf("partly paid: %q %q", d.Status, d.PaymentReference)
		}
	})
}
