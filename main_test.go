package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"mintedmind/internal/syncbuf"
)

func TestParseArgs(t *testing.T) {
	t.Run("defaults", func(t *testing.T) {
		cfg, words, err := parseArgs(nil, &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Addr != ":8080" || cfg.DataDir != "./data" || cfg.BaseURL != "http://localhost:8080" || len(words) != 0 {
			t.Fatalf("%+v %v", cfg, words)
		}
	})
	t.Run("flags before and after the command", func(t *testing.T) {
		cfg, words, err := parseArgs([]string{"-data", "/tmp/x", "jobs", "run", "sessions-cleanup", "-now", "2026-12-01T00:00:00Z"}, &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		if cfg.DataDir != "/tmp/x" || cfg.Now != "2026-12-01T00:00:00Z" || strings.Join(words, " ") != "jobs run sessions-cleanup" {
			t.Fatalf("%+v %v", cfg, words)
		}
	})
	t.Run("environment variables", func(t *testing.T) {
		t.Setenv("ADDR", "127.0.0.1:9000")
		t.Setenv("TRUSTED_PROXIES", "10.0.0.1, 192.168.0.0/16")
		t.Setenv("SESSION_IDLE", "30m")
		cfg, _, err := parseArgs(nil, &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Addr != "127.0.0.1:9000" || cfg.BaseURL != "http://localhost:9000" || len(cfg.TrustedProxies) != 2 || cfg.SessionIdle != 30*time.Minute {
			t.Fatalf("%+v", cfg)
		}
	})
	for name, args := range map[string][]string{
		"a bad proxy":            {"-trusted-proxies", "not-an-ip"},
		"a bad base URL":         {"-base-url", "ftp://x"},
		"idle longer than total": {"-session-idle", "48h", "-session-absolute", "24h"},
		"no open tenants":        {"-max-open-tenants", "0"},
		"a bad log format":       {"-log-format", "xml"},
	} {
		t.Run(name+" is refused", func(t *testing.T) {
			if _, _, err := parseArgs(args, &bytes.Buffer{}); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Run("-h prints usage", func(t *testing.T) {
		var out bytes.Buffer
		err := run(ctx, []string{"-h"}, &out, &out)
		if !errors.Is(err, flag.ErrHelp) || !strings.Contains(out.String(), "operator create") || !strings.Contains(out.String(), "DATA_DIR") {
			t.Fatalf("%v\n%s", err, out.String())
		}
	})
	t.Run("an unknown command is an error", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(ctx, []string{"-data", dir, "frobnicate"}, &out, &out); err == nil {
			t.Fatal("accepted")
		}
	})
	t.Run("operator create prints a setup link", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(ctx, []string{"operator", "create", "-data", dir, "-base-url", "https://crm.example.com"}, &out, &out); err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`https://crm\.example\.com/setup/[A-Za-z0-9_-]{43}`).MatchString(out.String()) {
			t.Fatalf("no link: %s", out.String())
		}
	})
	t.Run("jobs run records a run at a chosen time", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(ctx, []string{"jobs", "run", "sessions-cleanup", "-data", dir, "-now", "2027-01-01T00:00:00Z"}, &out, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "sessions-cleanup: ok") {
			t.Fatalf("%s", out.String())
		}
		var bad bytes.Buffer
		if err := run(ctx, []string{"jobs", "run", "nope", "-data", dir}, &bad, &bytes.Buffer{}); err == nil {
			t.Fatal("unknown job accepted")
		}
	})
}

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
