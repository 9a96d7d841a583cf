package jobs

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"mintedmind/mail"
	"mintedmind/mail/mailtest"
)

// TestClockStepsRecurringInvoices runs the hourly recurring-invoice job
// while the clock is stepped back an hour and forward a day (issue 26
// point 5): no invoice is issued twice, none is skipped, and the numbers
// run on without a gap.
func TestClockStepsRecurringInvoices(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	control, pool, clk := mustOpen(t)
	smtp := mailtest.Start(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	mailer, err := mail.New(control, mail.Config{URL: smtp.URL(), From: "MintedMind <no-reply@example.test>"}, os.DirFS("../views"), clk, log)
	if err != nil {
		t.Fatal(err)
	}
	tn, _ := mustBillingAgency(t, control, pool, "clock-steps") // monthly from 2026-01-31
	r := NewRunner(control, pool, clk, log, time.Hour)
	r.AddBilling(mailer, "http://mm.test")
	issued := func(t *testing.T) string {
		t.Helper()
		rows, err := tn.Read().Query(`SELECT issue_date || ' ' || number FROM invoices ORDER BY number`)
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
		return strings.Join(out, ",")
	}
	run := func(t *testing.T, want int64) {
		t.Helper()
		run, err := r.Run(ctx, JobRecurringInvoices)
		if err != nil || run.Counts["invoices"] != want {
			t.Fatalf("at %v: %v %v, want %d invoices", clk.Now(), run.Counts, err, want)
		}
	}
	const (
		jan = "2026-01-31 INV-2026-0001"
		feb = "2026-02-28 INV-2026-0002"
		mar = "2026-03-31 INV-2026-0003"
	)

	clk.Set(time.Date(2026, 2, 28, 0, 30, 0, 0, time.UTC)) // just after February's is due
	run(t, 2)
	t.Run("a step back of an hour, before the day it was issued on, issues nothing again", func(t *testing.T) {
		clk.Jump(-time.Hour) // 2026-02-27 23:30
		run(t, 0)
		if got := issued(t); got != jan+","+feb {
			t.Fatalf("issued %s", got)
		}
	})
	t.Run("an hour of time later, still nothing twice", func(t *testing.T) {
		clk.Advance(time.Hour)
		run(t, 0)
	})
	t.Run("a step forward of a day issues nothing that is not due", func(t *testing.T) {
		clk.Jump(24 * time.Hour) // 2026-03-01 00:30
		run(t, 0)
		if got := issued(t); got != jan+","+feb {
			t.Fatalf("issued %s", got)
		}
	})
	t.Run("a step forward over a due date issues that invoice once, skipping none", func(t *testing.T) {
		clk.Set(time.Date(2026, 3, 30, 23, 30, 0, 0, time.UTC))
		run(t, 0)
		clk.Jump(24 * time.Hour) // 2026-03-31 23:30: March's is due
		run(t, 1)
		clk.Jump(-time.Hour)
		run(t, 0)
		clk.Jump(24 * time.Hour) // 2026-04-01 22:30
		run(t, 0)
		if got := issued(t); got != jan+","+feb+","+mar {
			t.Fatalf("issued %s", got)
		}
	})
}
