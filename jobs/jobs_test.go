package jobs

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"mintedmind/app"
	"mintedmind/auth"
	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

func mustOpen(t *testing.T) (*control.Store, *tenant.Pool, *clock.Manual) {
	t.Helper()
	dir := t.TempDir()
	clk := clock.NewManual(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	controlSchema, err := os.ReadFile("../control.sql")
	if err != nil {
		t.Fatal(err)
	}
	control, err := control.Open(context.Background(), dir, string(controlSchema), clk)
	if err != nil {
		t.Fatal(err)
	}
	schema, err := os.ReadFile("../schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	pool, err := tenant.NewPool(dir, string(schema), tenant.PoolConfig{MaxOpen: 10, IdleTimeout: time.Hour}, clk, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close(); control.Close() })
	return control, pool, clk
}

func TestSessionsCleanup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	control, pool, clk := mustOpen(t)
	hash, _ := auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1}, 1).Hash(ctx, "a long password")
	a, owner, err := app.CreateAgency(ctx, control, pool, app.NewAgency{Name: "A", Slug: "agency-a", OwnerName: "O", OwnerEmail: "o@example.test", OwnerPasswordHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	tn, release, err := pool.Acquire(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	timeouts := auth.SessionTimeouts{Idle: time.Hour, Absolute: 24 * time.Hour}
	stale, _, _ := tn.SignIn(ctx, owner, timeouts, tenant.Audit{Action: "signin"})
	clk.Advance(2 * time.Hour)
	fresh, _, _ := tn.SignIn(ctx, owner, timeouts, tenant.Audit{Action: "signin"})

	r := NewRunner(control, pool, clk, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Hour)
	run, err := r.Run(ctx, "sessions-cleanup")
	if err != nil {
		t.Fatal(err)
	}
	if run.Counts["rows"] != 1 || run.Counts["agencies"] != 1 {
		t.Fatalf("counts %v", run.Counts)
	}
	if _, _, err := tn.SessionByToken(ctx, fresh, time.Hour); err != nil {
		t.Fatal("fresh session deleted")
	}
	if _, _, err := tn.SessionByToken(ctx, stale, 100*time.Hour); err == nil {
		t.Fatal("stale session kept")
	}

	t.Run("a second run finds nothing more to do", func(t *testing.T) {
		run, err := r.Run(ctx, "sessions-cleanup")
		if err != nil || run.Counts["rows"] != 0 {
			t.Fatalf("%v %v", run.Counts, err)
		}
	})
	t.Run("every run is recorded", func(t *testing.T) {
		runs, err := control.RecentJobRuns(ctx, 10)
		if err != nil || len(runs) != 2 || runs[0].Status != "ok" || runs[0].FinishedAt.IsZero() {
			t.Fatalf("%+v %v", runs, err)
		}
	})
	t.Run("an unknown job is an error", func(t *testing.T) {
		if _, err := r.Run(ctx, "nope"); err == nil {
			t.Fatal("accepted")
		}
	})
}

// TestJobRunsPruned: sessions-cleanup deletes the job runs that finished
// more than control.JobRunsKept ago, and keeps younger ones and a run
// still going (the webhooks job records one a minute).
func TestJobRunsPruned(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ctl, pool, clk := mustOpen(t)
	r := NewRunner(ctl, pool, clk, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Hour)
	if _, err := r.Run(ctx, "sessions-cleanup"); err != nil { // old, finished: pruned
		t.Fatal(err)
	}
	going, err := ctl.StartJobRun(ctx, "retention") // old, never finished: kept
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * 24 * time.Hour)
	kept, err := r.Run(ctx, "sessions-cleanup") // 29 days old at the end: kept
	if err != nil || kept.Counts["job_runs"] != 0 {
		t.Fatalf("a run 2 days on pruned %v (%v)", kept.Counts, err)
	}
	clk.Advance(control.JobRunsKept - 24*time.Hour)
	run, err := r.Run(ctx, "sessions-cleanup")
	if err != nil || run.Counts["job_runs"] != 1 {
		t.Fatalf("pruned %v (%v), want the one old finished run", run.Counts, err)
	}
	runs, err := ctl.RecentJobRuns(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, x := range runs {
		ids = append(ids, x.ID)
	}
	if len(runs) != 3 || runs[0].ID != run.ID || runs[1].ID != kept.ID || runs[2].ID != going.ID {
		t.Fatalf("runs left %v, want %s %s %s", ids, run.ID, kept.ID, going.ID)
	}
}
