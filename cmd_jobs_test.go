package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestJobsCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Run("jobs run records a run at a chosen time", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(ctx, []string{"jobs", "run", "sessions-cleanup", "-data", dir, "-now", "2027-01-01T00:00:00Z"}, &out, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "sessions-cleanup: ok") {
			t.Fatalf("%s", out.String())
		}
	})
	t.Run("an unknown job is an error", func(t *testing.T) {
		var bad bytes.Buffer
		if err := run(ctx, []string{"jobs", "run", "nope", "-data", dir}, &bad, &bytes.Buffer{}); err == nil {
			t.Fatal("unknown job accepted")
		}
	})
	t.Run("a -now that is not RFC 3339 is refused", func(t *testing.T) {
		err := run(ctx, []string{"jobs", "run", "sessions-cleanup", "-data", dir, "-now", "tomorrow"}, &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "RFC 3339") {
			t.Fatalf("err = %v", err)
		}
	})
}
