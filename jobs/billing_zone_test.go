package jobs

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"mintedmind/db/tenant"
)

// TestRecurringInvoicesInTheAgencyZone: the recurring-invoice job issues
// a period on its day in the agency's time zone, not UTC's (issue 19): an
// agency in Vilnius has its 31 January invoice at 00:30 there (22:30 UTC
// on the 30th), not at 23:30 the evening before, and it is dated the 31st.
func TestRecurringInvoicesInTheAgencyZone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	control, pool, clk := mustOpen(t)
	tn, _ := mustBillingAgency(t, control, pool, "zone-vilnius") // monthly from 2026-01-31
	if err := tn.SaveSettings(ctx, tenant.Settings{TimeZone: "Europe/Vilnius"}, tenant.Audit{Action: "settings.changed"}); err != nil {
		t.Fatal(err)
	}
	r := NewRunner(control, pool, clk, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Hour)
	r.AddBilling(nil, "http://mm.test")
	issued := func(t *testing.T) []string {
		t.Helper()
		rows, err := tn.Read().Query(`SELECT issue_date FROM invoices ORDER BY number`)
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
	clk.Set(time.Date(2026, 1, 30, 21, 30, 0, 0, time.UTC)) // 23:30 on the 30th in Vilnius
	if _, err := r.Run(ctx, JobRecurringInvoices); err != nil {
		t.Fatal(err)
	}
	if got := issued(t); len(got) != 0 {
		t.Fatalf("at 23:30 in Vilnius the invoice of the 31st was issued: %v", got)
	}
	clk.Set(time.Date(2026, 1, 30, 22, 30, 0, 0, time.UTC)) // 00:30 on the 31st in Vilnius, still the 30th in UTC
	if _, err := r.Run(ctx, JobRecurringInvoices); err != nil {
		t.Fatal(err)
	}
	if got := issued(t); len(got) != 1 || got[0] != "2026-01-31" {
		t.Fatalf("at 00:30 in Vilnius issued %v, want the invoice of 2026-01-31", got)
	}
}
