package jobs

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"mintedmind/app"
	"mintedmind/auth"
	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/db/dbtest"
	"mintedmind/db/tenant"
)

// machine is one in-process machine of a cluster: its own data directory
// (agencies), the shared PostgreSQL control plane, its job runner.
type machine struct {
	control *control.Store
	pool    *tenant.Pool
	runner  *Runner
}

// mustMachine opens a machine on the control plane at url, with an agency
// of its own (slug), on clock clk.
func mustMachine(t *testing.T, url, slug string, clk clock.Clock) *machine {
	t.Helper()
	ctx := context.Background()
	m := &machine{}
	var err error
	if m.control, err = control.OpenPostgres(ctx, url, dbtest.ControlSchema(t), clk); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.control.Close() }) // a second Close, after the test's own, is harmless
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if m.pool, err = tenant.NewPool(t.TempDir(), dbtest.TenantSchema(t), tenant.PoolConfig{MaxOpen: 10, IdleTimeout: time.Hour}, clk, log); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.pool.Close() })
	hash, _ := auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1}, 1).Hash(ctx, "a long password")
	if _, _, err := app.CreateAgency(ctx, m.control, m.pool, app.NewAgency{Name: slug, Slug: slug, OwnerName: "O", OwnerEmail: "o@" + slug + ".test", OwnerPasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	m.runner = NewRunner(m.control, m.pool, clk, log, time.Hour)
	m.runner.AddRetention(NewRetention(m.control, m.pool, clk, nil, DefaultRetention(), "http://mm.test"))
	return m
}

// TestClusterStepsOnce: two machines sharing a PostgreSQL control plane
// run the same jobs in the same period; each does its own agency's work,
// and the cluster's steps (operator sessions and job runs in
// sessions-cleanup, analytics and setup links in retention) are done by
// exactly one. When that machine closes its control store (shutdown), the
// other does them from its next period.
func TestClusterStepsOnce(t *testing.T) {
	server := dbtest.PostgresServer()
	if server == "" {
		t.Skip(dbtest.PostgresEnv + " not set (TESTING.md)")
	}
	t.Parallel()
	ctx := context.Background()
	url := dbtest.FreshPostgres(t, server)
	clk := clock.NewManual(dbtest.Start)
	machines := []*machine{mustMachine(t, url, "agency-a", clk), mustMachine(t, url, "agency-b", clk)}

	// period runs job on every machine at once and returns the machines
	// that did its cluster steps.
	period := func(job string, ms []*machine) []int {
		t.Helper()
		runs := make([]*control.JobRun, len(ms))
		errs := make([]error, len(ms))
		var wg sync.WaitGroup
		for i, m := range ms {
			wg.Add(1)
			go func() {
				defer wg.Done()
				runs[i], errs[i] = m.runner.Run(ctx, job)
			}()
		}
		wg.Wait()
		var did []int
		for i, run := range runs {
			if errs[i] != nil {
				t.Fatalf("%s on machine %d: %v", job, i, errs[i])
			}
			if run.Counts["agencies"] != 1 && job != "retention" {
				t.Fatalf("%s on machine %d did %d agencies, want its own one (%v)", job, i, run.Counts["agencies"], run.Counts)
			}
			if run.Counts["cluster_elsewhere"] == 0 {
				did = append(did, i)
			}
		}
		return did
	}

	leader := -1
	for _, job := range []string{"sessions-cleanup", "retention", "sessions-cleanup"} {
		did := period(job, machines)
		if len(did) != 1 {
			t.Fatalf("%s: cluster steps done by machines %v, want exactly one", job, did)
		}
		if leader < 0 {
			leader = did[0]
		}
		if did[0] != leader {
			t.Fatalf("%s: the lead moved from machine %d to %d while both ran", job, leader, did[0])
		}
		clk.Advance(time.Hour)
	}
	if runs, err := machines[0].control.RecentJobRuns(ctx, 10); err != nil || len(runs) != 6 {
		t.Fatalf("job runs %d (%v), want each machine's three", len(runs), err)
	}

	if err := machines[leader].control.Close(); err != nil {
		t.Fatal(err)
	}
	other := machines[1-leader]
	for _, job := range []string{"sessions-cleanup", "retention"} {
		if did := period(job, []*machine{other}); len(did) != 1 {
			t.Fatalf("%s: after the leader closed, the other machine did not take over", job)
		}
	}
}
