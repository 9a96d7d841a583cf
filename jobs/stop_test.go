package jobs

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	controldb "mintedmind/db/control"
)

// TestStopWaitsForTheRunningJob: at shutdown Stop returns only after the
// job that is running has finished and been recorded.
func TestStopWaitsForTheRunningJob(t *testing.T) {
	t.Parallel()
	control, pool, clk := mustOpen(t)
	r := NewRunner(control, pool, clk, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Hour)
	started, release := make(chan struct{}), make(chan struct{})
	r.add(Job{Name: "slow", Schedule: "@yearly", Run: func(ctx context.Context, run *controldb.JobRun) error {
		close(started)
		<-release
		run.Counts["done"] = 1
		return nil
	}})
	ran := make(chan *controldb.JobRun, 1)
	go func() {
		run, _ := r.Run(context.Background(), "slow")
		ran <- run
	}()
	<-started
	stopped := make(chan struct{})
	go func() { r.Stop(); close(stopped) }()
	select {
	case <-stopped:
		t.Fatal("Stop returned while the job was running")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("Stop did not return after the job finished")
	}
	if run := <-ran; run.Status == "" || run.Counts["done"] != 1 {
		t.Fatalf("run %+v", run)
	}
}
