package jobs

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"mintedmind/metrics"
)

func TestJobRunsAreCounted(t *testing.T) {
	// Serial: it reads the process-wide job counters, which TestSessionsCleanup
	// moves too.
	ok := map[string]string{"job": "sessions-cleanup", "result": "ok"}
	failed := map[string]string{"job": "sessions-cleanup", "result": "failed"}
	control, pool, clk := mustOpen(t)
	r := NewRunner(control, pool, clk, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Hour)

	before := metrics.Value("mintedmind_job_runs_total", ok)
	if _, err := r.Run(context.Background(), "sessions-cleanup"); err != nil {
		t.Fatal(err)
	}
	if got := metrics.Value("mintedmind_job_runs_total", ok); got != before+1 {
		t.Fatalf("ok runs = %v, want %v", got, before+1)
	}
	if got := metrics.Value("mintedmind_job_last_success_timestamp_seconds", map[string]string{"job": "sessions-cleanup"}); got != float64(clk.Now().Unix()) {
		t.Fatalf("last success = %v, want %v", got, clk.Now().Unix())
	}

	t.Run("a run that fails is counted as failed", func(t *testing.T) {
		before := metrics.Value("mintedmind_job_runs_total", failed)
		control.Close() // the run cannot even be recorded
		if _, err := r.Run(context.Background(), "sessions-cleanup"); err == nil {
			t.Fatal("a run on a closed database succeeded")
		}
		if got := metrics.Value("mintedmind_job_runs_total", failed); got != before+1 {
			t.Fatalf("failed runs = %v, want %v", got, before+1)
		}
	})
}
