package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"mintedmind/internal/syncbuf"
)

func TestServeStartsAndStops(t *testing.T) {
	dir := t.TempDir()
	var log syncbuf.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-data", dir, "-addr", "127.0.0.1:18931"}, &log, &log) }()
	// Ask the readiness probe until it answers 200, serve returns, or
	// 10 s pass.
	deadline := time.After(10 * time.Second)
	probe := time.NewTicker(50 * time.Millisecond)
	defer probe.Stop()
	for ready := false; !ready; {
		res, err := http.Get("http://127.0.0.1:18931/readyz")
		if err == nil {
			res.Body.Close()
			ready = res.StatusCode == 200
		}
		if ready {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve returned before it was ready: %v\n%s", err, log.String())
		case <-deadline:
			t.Fatalf("not ready: %v\n%s", err, log.String())
		case <-probe.C:
		}
	}
	out := log.String()
	for _, want := range []string{"configuration", "open http://localhost:18931", "/setup/"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("did not stop")
	}

	t.Run("commands then link to the base URL it started with", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"operator", "create", "-data", dir}, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "http://localhost:18931/setup/") {
			t.Errorf("operator create ignores the recorded base URL:\n%s", out.String())
		}
		out.Reset()
		if err := run(context.Background(), []string{"jobs", "run", "sessions-cleanup", "-data", dir}, &out, io.Discard); err != nil {
			t.Fatalf("jobs run without -base-url after the server started: %v", err)
		}
	})
}
