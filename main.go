// Command mintedmind is a client portal and CRM for agencies in one binary:
// `mintedmind` serves; subcommands manage the installation (see -h).
package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"mintedmind/auth"
	"mintedmind/clock"
	"mintedmind/db"
	"mintedmind/handlers"
	"mintedmind/jobs"
	"mintedmind/mail"
)

//go:embed views assets
var webFS embed.FS

//go:embed schema.sql
var tenantSchema string

// setupLinkTTL is how long a setup link for the platform operator works.
const setupLinkTTL = 24 * time.Hour

const usage = `mintedmind — client portal and CRM for agencies

Usage:
  mintedmind [flags]                       serve (the default)
  mintedmind serve [flags]                 serve
  mintedmind operator create [flags]       print a one-time link that creates a platform operator
  mintedmind jobs list [flags]             list the scheduled jobs
  mintedmind jobs run NAME [-now TIME]     run one job now (or at a chosen time), and record it
  mintedmind demo [-slug demo] [-clients N] [-cases N] [-events N] [-seed N]
                                           create a demo agency with generated data and print its sign-ins

Flags may come before or after the command. Each has an environment variable.

Flags:
`

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "mintedmind:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, words, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		printUsage(stderr)
		return err
	}
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	cmd := "serve"
	if len(words) > 0 {
		cmd = words[0]
	}
	switch {
	case cmd == "serve" && len(words) <= 1:
		return serve(ctx, cfg, log)
	case cmd == "operator" && len(words) == 2 && words[1] == "create":
		return operatorCreate(ctx, cfg, stdout)
	case cmd == "jobs" && len(words) == 2 && words[1] == "list":
		return jobsList(ctx, cfg, log, stdout)
	case cmd == "jobs" && len(words) == 3 && words[1] == "run":
		return jobsRun(ctx, cfg, log, words[2], stdout)
	case cmd == "demo" && len(words) == 1:
		return demo(ctx, cfg, stdout, stderr)
	}
	printUsage(stderr)
	return fmt.Errorf("unknown command %q", words)
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, usage)
	fs := newFlagSet(&config{}, w)
	fs.PrintDefaults()
}

func newLogger(cfg *config, w io.Writer) *slog.Logger {
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// app is everything serve and the commands share.
type app struct {
	control *db.Control
	pool    *db.TenantPool
	mailer  *mail.Mailer
	jobs    *jobs.Runner
}

func openApp(ctx context.Context, cfg *config, c clock.Clock, log *slog.Logger) (*app, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory %s: %w", cfg.DataDir, err)
	}
	control, err := db.OpenControl(ctx, cfg.DataDir, c)
	if err != nil {
		return nil, err
	}
	pool, err := db.NewTenantPool(cfg.DataDir, tenantSchema, db.PoolConfig{MaxOpen: cfg.MaxOpenTenants, IdleTimeout: cfg.TenantIdle}, c, log)
	if err != nil {
		control.Close()
		return nil, err
	}
	views, _ := fs.Sub(webFS, "views")
	mailer, err := mail.New(control, mail.Config{URL: cfg.SMTPURL, From: cfg.MailFrom}, views, c, log)
	if err != nil {
		pool.Close()
		control.Close()
		return nil, err
	}
	return &app{control: control, pool: pool, mailer: mailer, jobs: jobs.NewRunner(control, pool, c, log, cfg.SessionIdle)}, nil
}

func (a *app) close() error {
	return errors.Join(a.pool.Close(), a.control.Close())
}

func serve(ctx context.Context, cfg *config, log *slog.Logger) error {
	c := clock.System{}
	a, err := openApp(ctx, cfg, c, log)
	if err != nil {
		return err
	}
	defer a.close()

	hc := handlers.DefaultConfig()
	hc.BaseURL, hc.TrustedProxies, hc.BodyLimit = cfg.BaseURL, cfg.TrustedProxies, cfg.BodyLimit
	hc.SessionIdle, hc.SessionAbsolute = cfg.SessionIdle, cfg.SessionAbsolute
	web, err := handlers.New(handlers.Deps{
		Config: hc, Control: a.control, Pool: a.pool, Hasher: auth.NewHasher(auth.DefaultParams, 0),
		Mailer: a.mailer, Clock: c, Log: log, Views: webFS, Assets: webFS,
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	mailDone := make(chan struct{})
	go func() { a.mailer.Run(ctx); close(mailDone) }()
	if err := a.jobs.Start(ctx); err != nil {
		return err
	}

	logConfig(log, cfg, a.mailer)
	if err := announceSetup(ctx, a.control, cfg.BaseURL, log); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	log.Info("MintedMind is running: open " + cfg.BaseURL)
	serveErr := make(chan error, 1)
	go func() { serveErr <- web.Listener(ln) }()

	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	if err := web.ShutdownWithTimeout(25 * time.Second); err != nil {
		log.Error("shutdown", "err", err)
	}
	a.jobs.Stop()
	<-mailDone
	log.Info("stopped")
	return nil
}

// logConfig writes the effective configuration, secrets masked.
func logConfig(log *slog.Logger, cfg *config, m *mail.Mailer) {
	smtp := "not set: emails are written to this log and the operator's outbox"
	if m.Configured() {
		smtp = m.MaskedURL()
	}
	log.Info("configuration",
		"addr", cfg.Addr, "data", cfg.DataDir, "base_url", cfg.BaseURL, "trusted_proxies", cfg.TrustedProxies,
		"smtp", smtp, "mail_from", cfg.MailFrom, "session_idle", cfg.SessionIdle, "session_absolute", cfg.SessionAbsolute,
		"max_open_tenants", cfg.MaxOpenTenants, "tenant_idle", cfg.TenantIdle, "body_limit", cfg.BodyLimit)
}

// announceSetup prints a one-time link to create the platform operator
// while there is none.
func announceSetup(ctx context.Context, control *db.Control, baseURL string, log *slog.Logger) error {
	n, err := control.OperatorCount(ctx)
	if err != nil || n > 0 {
		return err
	}
	token, err := control.CreateSetupToken(ctx, db.SetupFirstRun, setupLinkTTL)
	if err != nil {
		return err
	}
	log.Warn("no platform operator yet: open this one-time link within 24 hours to create it: " + baseURL + "/setup/" + token)
	return nil
}

func operatorCreate(ctx context.Context, cfg *config, stdout io.Writer) error {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return err
	}
	control, err := db.OpenControl(ctx, cfg.DataDir, clock.System{})
	if err != nil {
		return err
	}
	defer control.Close()
	token, err := control.CreateSetupToken(ctx, db.SetupCLI, setupLinkTTL)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Open this link within 24 hours to create a platform operator (it works once):\n%s/setup/%s\n", cfg.BaseURL, token)
	return nil
}

func jobsList(ctx context.Context, cfg *config, log *slog.Logger, stdout io.Writer) error {
	a, err := openApp(ctx, cfg, clock.System{}, log)
	if err != nil {
		return err
	}
	defer a.close()
	for _, n := range a.jobs.Names() {
		fmt.Fprintln(stdout, n)
	}
	return nil
}

func jobsRun(ctx context.Context, cfg *config, log *slog.Logger, name string, stdout io.Writer) error {
	var c clock.Clock = clock.System{}
	if cfg.Now != "" {
		t, err := time.Parse(time.RFC3339, cfg.Now)
		if err != nil {
			return fmt.Errorf("-now %q: use RFC 3339, like 2026-12-01T03:00:00Z", cfg.Now)
		}
		c = clock.NewManual(t)
	}
	a, err := openApp(ctx, cfg, c, log)
	if err != nil {
		return err
	}
	defer a.close()
	r, err := a.jobs.Run(ctx, name)
	if r != nil {
		fmt.Fprintf(stdout, "%s: %s %v\n", name, r.Status, r.Counts)
	}
	if err != nil {
		return err
	}
	return a.mailer.Flush(ctx)
}
