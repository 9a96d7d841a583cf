package main

import (
	"bytes"
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func TestParseArgs(t *testing.T) {
	t.Run("defaults", func(t *testing.T) {
		cfg, cmd, words, err := parseArgs(nil, &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Addr != ":8080" || cfg.DataDir != "./data" || cfg.BaseURL != "http://localhost:8080" || len(words) != 0 || cmd.name() != "serve" {
			t.Fatalf("%+v %v %v", cfg, cmd, words)
		}
	})
	t.Run("flags before and after the command", func(t *testing.T) {
		cfg, cmd, words, err := parseArgs([]string{"-data", "/tmp/x", "jobs", "run", "sessions-cleanup", "-now", "2026-12-01T00:00:00Z"}, &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		if cfg.DataDir != "/tmp/x" || cmd.(*jobsCommand).now != "2026-12-01T00:00:00Z" || strings.Join(words, " ") != "jobs run sessions-cleanup" {
			t.Fatalf("%+v %+v %v", cfg, cmd, words)
		}
	})
	t.Run("a global flag after the command's words", func(t *testing.T) {
		cfg, _, words, err := parseArgs([]string{"agency", "export", "acme", "/tmp/out", "-data", "/tmp/y", "-settle", "1s"}, &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		if cfg.DataDir != "/tmp/y" || strings.Join(words, " ") != "agency export acme /tmp/out" {
			t.Fatalf("%+v %v", cfg, words)
		}
	})
	t.Run("a command's flag before the command", func(t *testing.T) {
		_, cmd, _, err := parseArgs([]string{"-dry-run", "-now", "2027-01-10T00:00:00Z", "retention"}, &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		if r := cmd.(*retentionCommand); !r.dryRun || r.now != "2027-01-10T00:00:00Z" {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("environment variables", func(t *testing.T) {
		t.Setenv("ADDR", "127.0.0.1:9000")
		t.Setenv("TRUSTED_PROXIES", "10.0.0.1, 192.168.0.0/16")
		t.Setenv("SESSION_IDLE", "30m")
		cfg, _, _, err := parseArgs(nil, &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Addr != "127.0.0.1:9000" || cfg.BaseURL != "http://localhost:9000" || len(cfg.TrustedProxies) != 2 || cfg.SessionIdle != 30*time.Minute {
			t.Fatalf("%+v", cfg)
		}
	})
	for name, args := range map[string][]string{
		"a bad proxy":                  {"-trusted-proxies", "not-an-ip"},
		"a bad base URL":               {"-base-url", "ftp://x"},
		"idle longer than total":       {"-session-idle", "48h", "-session-absolute", "24h"},
		"no open tenants":              {"-max-open-tenants", "0"},
		"a bad log format":             {"-log-format", "xml"},
		"another command's flag":       {"jobs", "list", "-slug", "x"},
		"a command's flag for serving": {"-dry-run"},
	} {
		t.Run(name+" is refused", func(t *testing.T) {
			if _, _, _, err := parseArgs(args, &bytes.Buffer{}); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestNoCommandFlagHidesAGlobalOne(t *testing.T) {
	global := newFlagSet(io.Discard)
	(&config{}).flags(global)
	for _, cmd := range commandTable() {
		own := newFlagSet(io.Discard)
		cmd.flags(own)
		own.VisitAll(func(f *flag.Flag) {
			if global.Lookup(f.Name) != nil {
				t.Errorf("%s -%s is also a global flag", cmd.name(), f.Name)
			}
		})
	}
}

func TestOperationsConfig(t *testing.T) {
	t.Setenv("FLY_APP_NAME", "")
	t.Setenv("FLY_MACHINE_ID", "")
	t.Setenv("CONTROL_DB", "")
	t.Run("defaults: one machine, control database in the data directory", func(t *testing.T) {
		cfg, _, _, err := parseArgs([]string{"-data", "/srv/mm"}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.ControlDir != "/srv/mm" || cfg.ControlDB != "" || cfg.Machine != "" || cfg.PlacementMode != "forward" || cfg.ShutdownTimeout != 25*time.Second {
			t.Fatalf("%+v", cfg)
		}
	})
	t.Run("CONTROL_DB puts the control database on PostgreSQL", func(t *testing.T) {
		t.Setenv("CONTROL_DB", "postgres://mm:secret@db.internal:5432/mintedmind")
		cfg, _, _, err := parseArgs([]string{"-data", "/srv/mm"}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.ControlDB != "postgres://mm:secret@db.internal:5432/mintedmind" || cfg.ControlDir != "/srv/mm" {
			t.Fatalf("control db %q, dir %q", cfg.ControlDB, cfg.ControlDir)
		}
	})
	t.Run("on Fly the machine id and replay come from Fly's variables", func(t *testing.T) {
		t.Setenv("FLY_APP_NAME", "mintedmind")
		t.Setenv("FLY_MACHINE_ID", "148ed123")
		cfg, _, _, err := parseArgs(nil, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Machine != "148ed123" || cfg.PlacementMode != "replay" {
			t.Fatalf("machine %q, placement %q", cfg.Machine, cfg.PlacementMode)
		}
	})
	for name, args := range map[string][]string{
		"forwarding without this machine's URL":           {"-machine", "m1", "-placement", "forward"},
		"an unknown placement mode":                       {"-placement", "teleport"},
		"a metrics address without a port":                {"-metrics-addr", "localhost"},
		"a shutdown timeout that is not positive":         {"-shutdown-timeout", "0s"},
		"a control database that is not a PostgreSQL URL": {"-control-db", "/srv/control.db"},
		"both -control-db and -control-dir":               {"-control-db", "postgres://mm@db.internal/mm", "-control-dir", "/srv/shared"},
	} {
		t.Run(name+" is refused", func(t *testing.T) {
			if _, _, _, err := parseArgs(args, io.Discard); err == nil {
				t.Fatalf("%v accepted", args)
			}
		})
	}
}

// TestInboundMailConfig: replies by email are off by default; the listener
// needs the inbound domain, and a domain must look like one.
func TestInboundMailConfig(t *testing.T) {
	t.Setenv("INBOUND_DOMAIN", "")
	t.Setenv("SMTP_LISTEN", "")
	cfg, _, _, err := parseArgs(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.InboundDomain != "" || cfg.SMTPListen != "" {
		t.Fatalf("replies by email are on by default: %q %q", cfg.InboundDomain, cfg.SMTPListen)
	}
	cfg, _, _, err = parseArgs([]string{"-inbound-domain", " In.Example.com ", "-smtp-listen", ":2525"}, io.Discard)
	if err != nil || cfg.InboundDomain != "in.example.com" || cfg.SMTPListen != ":2525" {
		t.Fatalf("%q %q %v", cfg.InboundDomain, cfg.SMTPListen, err)
	}
	for name, args := range map[string][]string{
		"a listener without an inbound domain": {"-smtp-listen", ":2525"},
		"an inbound domain with an @":          {"-inbound-domain", "reply@in.example.com"},
		"an inbound domain without a dot":      {"-inbound-domain", "localhost"},
		"a certificate without its key":        {"-inbound-domain", "in.example.com", "-smtp-tls-cert", "c.pem"},
	} {
		t.Run(name+" is refused", func(t *testing.T) {
			if _, _, _, err := parseArgs(args, io.Discard); err == nil {
				t.Fatalf("%v accepted", args)
			}
		})
	}
}
