package jobs

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"mintedmind/app"
	"mintedmind/billing"
	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/live"
	"mintedmind/mail"
	"mintedmind/mail/mailtest"
)

// mustBillingAgency makes an agency with a client (with an email) and a
// monthly recurring invoice from 2026-01-31, sent automatically.
func mustBillingAgency(t *testing.T, control *control.Store, pool *tenant.Pool, slug string) (*tenant.Store, string) {
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
	t.Cleanup(release)
	cl, err := tn.CreateClient(ctx, tenant.Viewer{UserID: owner.ID}, tenant.ClientInput{Name: "Client of " + slug, Kind: "company", Emails: []string{"billing@" + slug + ".test"}}, tenant.Audit{Action: "client.created"})
	if err != nil {
		t.Fatal(err)
	}
	in := tenant.RecurringInput{InvoiceInput: tenant.InvoiceInput{ClientID: cl.ID, Currency: "EUR", IssueDate: "2026-01-31", TermsDays: 10,
		Lines: []billing.Line{{Description: "Retainer", QuantityMilli: 1000, UnitPrice: 50000, VATRateBP: 2100}}}, Frequency: billing.Monthly, AutoSend: true}
	r, err := tn.CreateRecurring(ctx, tenant.Viewer{UserID: owner.ID}, tenant.Actor{ID: owner.ID, Name: owner.Name}, in, tenant.Audit{Action: "recurring.created"})
	if err != nil {
		t.Fatal(err)
	}
	return tn, r.ID
}

func TestBillingJobs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	control, pool, clk := mustOpen(t)
	smtp := mailtest.Start(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	mailer, err := mail.New(control, mail.Config{URL: smtp.URL(), From: "MintedMind <no-reply@example.test>"}, os.DirFS("../views"), clk, log)
	if err != nil {
		t.Fatal(err)
	}
	tn, _ := mustBillingAgency(t, control, pool, "jobs-a")
	r := NewRunner(control, pool, clk, log, time.Hour)
	r.AddBilling(mailer, "http://mm.test")

	invoices := func() []string {
		rows, err := tn.Read().Query(`SELECT issue_date || ' ' || number FROM invoices ORDER BY issue_date`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, s)
		}
		return out
	}
	// The client has a portal contact, who hears of each issued invoice.
	var clientID, ownerID string
	if err := tn.Read().QueryRow(`SELECT (SELECT id FROM clients), (SELECT id FROM users WHERE role = 'owner')`).Scan(&clientID, &ownerID); err != nil {
		t.Fatal(err)
	}
	token, _, err := tn.CreateContactInvite(ctx, tenant.Viewer{UserID: ownerID}, clientID, "contact@jobs-a.test", ownerID, time.Hour, tenant.Audit{Action: "invite.created"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.AcceptInvite(ctx, token, "Cora Contact", "not a real hash", tenant.Audit{Action: "invite.accepted"}); err != nil {
		t.Fatal(err)
	}

	// The schedule is on a case: each invoice issued is a client-visible
	// live notice of it, as the issue form's.
	k, err := tn.CreateCase(ctx, tenant.Viewer{UserID: ownerID}, tenant.Actor{ID: ownerID, Name: "O"}, tenant.CaseInput{ClientID: clientID, Title: "Retainer"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.Write().Exec(`UPDATE recurring_invoices SET case_id = ?`, k.ID); err != nil {
		t.Fatal(err)
	}
	broker := live.New(live.Config{})
	r.UseLive(broker)
	owners, err := broker.Subscribe(tn.AgencyID, "owner-session", "", live.Viewer{UserID: ownerID})
	if err != nil {
		t.Fatal(err)
	}

	clk.Set(time.Date(2026, 4, 30, 8, 0, 0, 0, time.UTC)) // the binary was down since January
	run, err := r.Run(ctx, JobRecurringInvoices)
	if err != nil || run.Counts["invoices"] != 4 || run.Counts["sent"] != 4 || run.Counts["contact_errors"] != 0 {
		t.Fatalf("%v %v", run.Counts, err)
	}
	for i := 0; i < 4; i++ {
		select {
		case e := <-owners.Events():
			if e.CaseID != k.ID || !e.Shared || e.Kind != live.KindEvent {
				t.Fatalf("notice %+v", e)
			}
		default:
			t.Fatalf("%d live notices for 4 invoices issued", i)
		}
	}
	run, err = r.Run(ctx, JobRecurringInvoices)
	if err != nil || run.Counts["invoices"] != 0 {
		t.Fatalf("second run: %v %v", run.Counts, err)
	}
	got := invoices()
	if strings.Join(got, ",") != "2026-01-31 INV-2026-0001,2026-02-28 INV-2026-0002,2026-03-31 INV-2026-0003,2026-04-30 INV-2026-0004" {
		t.Fatalf("%v", got)
	}
	if err := mailer.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	m := smtp.WaitFor(t, "billing@jobs-a.test", 5*time.Second)
	if !strings.Contains(m.Data, "application/pdf") || !strings.Contains(m.Subject, "INV-2026-000") {
		t.Fatalf("%s", m.Subject)
	}
	var told []string
	for _, m := range smtp.Messages() {
		if slices.Contains(m.To, "contact@jobs-a.test") {
			if !strings.Contains(m.Body, "http://mm.test/a/jobs-a/portal/invoices/") || strings.Contains(m.Data, "application/pdf") {
				t.Fatalf("the contact's email has no portal link, or a PDF:\n%s", m.Body)
			}
			told = append(told, m.Subject)
		}
	}
	slices.Sort(told)
	if strings.Join(told, "|") != "New invoice INV-2026-0001 from Agency jobs-a|New invoice INV-2026-0002 from Agency jobs-a|New invoice INV-2026-0003 from Agency jobs-a|New invoice INV-2026-0004 from Agency jobs-a" {
		t.Fatalf("the contact was told of %q", told)
	}

	t.Run("reminders go once per step, on the configured days", func(t *testing.T) {
		// Mark everything but the first invoice (due 2026-02-10) paid.
		if err := tn.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.Exec(`UPDATE invoices SET status = 'paid', paid = total WHERE number <> 'INV-2026-0001'`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// 2026-04-30 is 79 days after the due date: only the 30-day step goes.
		run, err := r.Run(ctx, JobInvoiceReminders)
		if err != nil || run.Counts["reminders"] != 1 {
			t.Fatalf("%v %v", run.Counts, err)
		}
		run, err = r.Run(ctx, JobInvoiceReminders)
		if err != nil || run.Counts["reminders"] != 0 {
			t.Fatalf("second run: %v %v", run.Counts, err)
		}
		if err := mailer.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		var reminder bool
		for _, m := range smtp.Messages() {
			if strings.HasPrefix(m.Subject, "Reminder: invoice INV-2026-0001") {
				if reminder {
					t.Fatal("two reminders")
				}
				reminder = strings.Contains(m.Body, "79 days ago") && strings.Contains(m.Data, "application/pdf")
			}
		}
		if !reminder {
			t.Fatal("no reminder with the PDF")
		}
	})
}

// BenchmarkRecurringRun is one run of the recurring job over many agencies,
// each with recurring invoices due once: go test ./jobs -run X -bench
// RecurringRun -benchtime 1x (BENCH_AGENCIES and BENCH_PER_AGENCY size it;
// the defaults are small, BENCHMARKS.md has the 1,000 × 100 figures).
func BenchmarkRecurringRun(b *testing.B) {
	agencies, per := envInt("BENCH_AGENCIES", 20), envInt("BENCH_PER_AGENCY", 20)
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := b.TempDir()
		control, pool, clk := mustOpenIn(b, dir)
		clk.Set(time.Date(2026, 1, 31, 8, 0, 0, 0, time.UTC))
		for a := 0; a < agencies; a++ {
			seedRecurring(b, control, pool, a, per)
		}
		r := NewRunner(control, pool, clk, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Hour)
		r.AddBilling(nil, "http://mm.test")
		runtime.GC()
		peak := sampleHeapPeak()
		b.StartTimer()
		run, err := r.Run(ctx, JobRecurringInvoices)
		b.StopTimer()
		b.ReportMetric(float64(peak()>>20), "peak-heap-MiB")
		if err != nil || run.Counts["invoices"] != int64(agencies*per) {
			b.Fatalf("%v %v", run.Counts, err)
		}
		b.ReportMetric(float64(agencies*per), "invoices/op")
		pool.Close()
		control.Close()
	}
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// mustOpenIn opens a control database and a tenant pool in dir.
func mustOpenIn(tb testing.TB, dir string) (*control.Store, *tenant.Pool, *clock.Manual) {
	tb.Helper()
	clk := clock.NewManual(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	controlSchema, err := os.ReadFile("../control.sql")
	if err != nil {
		tb.Fatal(err)
	}
	control, err := control.Open(context.Background(), dir, string(controlSchema), clk)
	if err != nil {
		tb.Fatal(err)
	}
	schema, err := os.ReadFile("../schema.sql")
	if err != nil {
		tb.Fatal(err)
	}
	pool, err := tenant.NewPool(dir, string(schema), tenant.PoolConfig{MaxOpen: 50, IdleTimeout: time.Hour}, clk, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatal(err)
	}
	return control, pool, clk
}

// seedRecurring makes agency n with per clients, each with a monthly
// recurring invoice starting on the clock's day.
func seedRecurring(tb testing.TB, control *control.Store, pool *tenant.Pool, n, per int) {
	tb.Helper()
	ctx := context.Background()
	slug := "bench-" + strconv.Itoa(n)
	a, owner, err := app.CreateAgency(ctx, control, pool, app.NewAgency{Name: slug, Slug: slug, OwnerName: "O", OwnerEmail: "o@" + slug + ".test", OwnerPasswordHash: "x"})
	if err != nil {
		tb.Fatal(err)
	}
	tn, release, err := pool.Acquire(ctx, a.ID)
	if err != nil {
		tb.Fatal(err)
	}
	defer release()
	v, actor := tenant.Viewer{UserID: owner.ID}, tenant.Actor{ID: owner.ID, Name: owner.Name}
	for i := 0; i < per; i++ {
		cl, err := tn.CreateClient(ctx, v, tenant.ClientInput{Name: "Client " + strconv.Itoa(i), Kind: "company"}, tenant.Audit{Action: "client.created"})
		if err != nil {
			tb.Fatal(err)
		}
		in := tenant.RecurringInput{InvoiceInput: tenant.InvoiceInput{ClientID: cl.ID, Currency: "EUR", IssueDate: "2026-01-31", TermsDays: 14,
			Lines: []billing.Line{{Description: "Retainer", QuantityMilli: 1000, UnitPrice: 50000, VATRateBP: 2100},
				{Description: "Hosting", QuantityMilli: 1000, UnitPrice: 1999, VATRateBP: 2100}}}, Frequency: billing.Monthly}
		if _, err := tn.CreateRecurring(ctx, v, actor, in, tenant.Audit{Action: "recurring.created"}); err != nil {
			tb.Fatal(err)
		}
	}
}

// sampleHeapPeak samples the live heap every 10 ms until the returned
// function is called, which reports the largest value seen.
func sampleHeapPeak() func() uint64 {
	stop, done := make(chan struct{}), make(chan uint64)
	go func() {
		var peak uint64
		var ms runtime.MemStats
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-stop:
				done <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 { close(stop); return <-done }
}
