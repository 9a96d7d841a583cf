package jobs

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"mintedmind/backup"
	"mintedmind/clock"
	"mintedmind/db/dbtest"
	"mintedmind/mail"
	"mintedmind/mail/mailtest"
)

// TestMovedAgencyJobsRunOnce: two machines share a PostgreSQL control
// plane; an agency with a monthly recurring invoice is copied from the
// first to the second and placed there, its old copy left on the first
// machine's disk (as `agency export` used to leave it, or a restored
// backup). Both run the billing job in the same period: the agency's
// invoices are issued on the machine it is placed on only, and each
// email reaches the client once. While it is being moved, neither runs
// its jobs.
func TestMovedAgencyJobsRunOnce(t *testing.T) {
	server := dbtest.PostgresServer()
	if server == "" {
		t.Skip(dbtest.PostgresEnv + " not set (TESTING.md)")
	}
	t.Parallel()
	ctx := context.Background()
	url := dbtest.FreshPostgres(t, server)
	clk := clock.NewManual(time.Date(2026, 1, 31, 8, 0, 0, 0, time.UTC))
	smtp := mailtest.Start(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	machines := []*machine{mustMachine(t, url, "agency-a", clk), mustMachine(t, url, "agency-b", clk)}
	mailers := make([]*mail.Mailer, len(machines))
	for i, m := range machines {
		m.runner.UseMachine([]string{"machine-a", "machine-b"}[i])
		var err error
		if mailers[i], err = mail.New(m.control, mail.Config{URL: smtp.URL(), From: "MintedMind <no-reply@example.test>"}, os.DirFS("../views"), clk, log); err != nil {
			t.Fatal(err)
		}
		m.runner.AddBilling(mailers[i], "http://mm.test")
	}
	a, b := machines[0], machines[1]
	tn, _ := mustBillingAgency(t, a.control, a.pool, "moved")
	id := tn.AgencyID

	// period runs the billing job on both machines at once, sends what
	// they queued, and returns the agencies each did.
	period := func() []int64 {
		t.Helper()
		done := make([]int64, len(machines))
		var wg sync.WaitGroup
		for i, m := range machines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				run, err := m.runner.Run(ctx, JobRecurringInvoices)
				if err != nil {
					t.Errorf("machine %d: %v", i, err)
					return
				}
				done[i] = run.Counts["agencies"]
			}()
		}
		wg.Wait()
		for _, m := range mailers {
			if err := m.Flush(ctx); err != nil {
				t.Fatal(err)
			}
		}
		return done
	}
	toClient := func() int {
		n := 0
		for _, m := range smtp.Messages() {
			for _, to := range m.To {
				if to == "billing@moved.test" {
					n++
				}
			}
		}
		return n
	}

	if got := period(); got[0] != 2 || got[1] != 1 {
		t.Fatalf("before the move the machines did %v agencies, want [2 1] (each claims what it has)", got)
	}
	if n := toClient(); n != 1 {
		t.Fatalf("January: %d emails to the client, want 1", n)
	}

	// The move: marked moving, copied to B (the copy on A stays), placed on B.
	if err := a.control.SetMoving(ctx, id, "machine-a", true); err != nil {
		t.Fatal(err)
	}
	export := filepath.Join(t.TempDir(), "export")
	if _, err := backup.CreateAgency(ctx, a.pool, id, export); err != nil {
		t.Fatal(err)
	}
	clk.Set(time.Date(2026, 2, 28, 8, 0, 0, 0, time.UTC))
	if got := period(); got[0] != 1 || got[1] != 1 || toClient() != 1 {
		t.Fatalf("while moving the machines did %v agencies and the client has %d emails, want [1 1] and still 1", got, toClient())
	}
	if _, err := backup.RestoreAgency(ctx, export, filepath.Dir(filepath.Dir(b.pool.TenantDir(id)))); err != nil {
		t.Fatal(err)
	}
	if !a.pool.Holds(id) || !b.pool.Holds(id) {
		t.Fatal("the agency's database must be on both machines' disks for this test")
	}
	if err := b.control.PlaceAgency(ctx, id, "machine-b"); err != nil {
		t.Fatal(err)
	}
	if got := period(); got[0] != 1 || got[1] != 2 {
		t.Fatalf("after the move the machines did %v agencies, want [1 2]", got)
	}
	if n := toClient(); n != 2 {
		t.Fatalf("after the move the client has %d emails, want 2 (February's once)", n)
	}
	var onA, onB int
	tn.Read().QueryRow(`SELECT COUNT(*) FROM invoices`).Scan(&onA)
	tb, release, err := b.pool.Acquire(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	tb.Read().QueryRow(`SELECT COUNT(*) FROM invoices`).Scan(&onB)
	if onA != 1 || onB != 2 {
		t.Fatalf("invoices: %d in the old copy, %d on the agency's machine; want 1 (January, before the move) and 2", onA, onB)
	}
	if pl, err := a.control.PlacementOf(ctx, id); err != nil || pl == nil || pl.Machine != "machine-b" || pl.Moving {
		t.Fatalf("placement %+v (%v)", pl, err)
	}
}
