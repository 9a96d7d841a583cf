package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	application "mintedmind/app"
	"mintedmind/clock"
	controldb "mintedmind/db/control"
	"mintedmind/db/tenant"
)

func TestRetentionCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	clk := clock.NewManual(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
	control, err := controldb.Open(ctx, dir, controlSchema, clk)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := tenant.NewPool(dir, tenantSchema, tenant.PoolConfig{}, clk, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := application.CreateAgency(ctx, control, pool, application.NewAgency{Name: "Idle", Slug: "idle-agency", OwnerName: "O", OwnerEmail: "o@idle.test", OwnerPasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	pool.Close()
	control.Close()

	dry := func() string {
		var out bytes.Buffer
		if err := run(ctx, []string{"retention", "--dry-run", "-data", dir, "-now", "2027-01-10T00:00:00Z"}, &out, &bytes.Buffer{}); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		return out.String()
	}
	t.Run("the dry run shows what it would do, and does nothing", func(t *testing.T) {
		first := dry()
		if !strings.Contains(first, "nothing was changed") || !strings.Contains(first, "would warn idle-agency") || !strings.Contains(first, "warned_7: 1") {
			t.Fatalf("%s", first)
		}
		if second := dry(); second != first {
			t.Fatalf("a dry run changed something:\n%s\nthen\n%s", first, second)
		}
	})
	t.Run("without a base URL the real run is refused, and does nothing", func(t *testing.T) {
		before := dry()
		err := run(ctx, []string{"retention", "-data", dir, "-now", "2027-01-10T00:00:00Z"}, io.Discard, io.Discard)
		if exitCode(err) != 2 || !errors.Is(err, errNoBaseURL) {
			t.Fatalf("exit %d: %v", exitCode(err), err)
		}
		if after := dry(); after != before {
			t.Fatalf("the refused run changed something:\n%s\nthen\n%s", before, after)
		}
	})
	t.Run("the real run does it, records the run, and links to the server's base URL", func(t *testing.T) {
		control, err := controldb.Open(ctx, dir, controlSchema, clk)
		if err != nil {
			t.Fatal(err)
		}
		err = control.RecordServeBaseURL(ctx, "https://crm.example.com")
		control.Close()
		if err != nil {
			t.Fatal(err)
		}
		var out, log bytes.Buffer
		if err := run(ctx, []string{"retention", "-data", dir, "-now", "2027-01-10T00:00:00Z"}, &out, &log); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		if !strings.Contains(out.String(), "retention: ok") || !strings.Contains(out.String(), "warned_7:1") {
			t.Fatalf("%s", out.String())
		}
		if !strings.Contains(log.String(), "https://crm.example.com/a/idle-agency/login") {
			t.Errorf("the warning does not link to the recorded base URL:\n%s", log.String())
		}
		if after := dry(); !strings.Contains(after, "nothing to do") && strings.Contains(after, "would warn") {
			t.Fatalf("warned twice:\n%s", after)
		}
	})
}
