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
	t.Run("with no base URL given or recorded, jobs run refuses", func(t *testing.T) {
		var out bytes.Buffer
		err := run(ctx, []string{"jobs", "run", "sessions-cleanup", "-data", dir}, &out, &bytes.Buffer{})
		if exitCode(err) != 2 || !strings.Contains(err.Error(), "no base URL: pass -base-url or start the server once so it records it") || out.Len() > 0 {
			t.Fatalf("exit %d: %v\n%s", exitCode(err), err, out.String())
		}
	})
	t.Run("jobs list needs no base URL", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(ctx, []string{"jobs", "list", "-data", dir}, &out, &bytes.Buffer{}); err != nil || !strings.Contains(out.String(), "retention") {
			t.Fatalf("%v\n%s", err, out.String())
		}
	})
	t.Run("jobs run records a run at a chosen time", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(ctx, []string{"jobs", "run", "sessions-cleanup", "-data", dir, "-base-url", "https://crm.example.com", "-now", "2027-01-01T00:00:00Z"}, &out, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "sessions-cleanup: ok") {
			t.Fatalf("%s", out.String())
		}
	})
	t.Run("an unknown job is an error", func(t *testing.T) {
		var bad bytes.Buffer
		if err := run(ctx, []string{"jobs", "run", "nope", "-data", dir, "-base-url", "https://crm.example.com"}, &bad, &bytes.Buffer{}); err == nil {
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
