package main

import (
	"context"
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
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := http.Get("http://127.0.0.1:18931/readyz")
		if err == nil && res.StatusCode == 200 {
			res.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready: %v\n%s", err, log.String())
		}
		time.Sleep(50 * time.Millisecond)
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
}
