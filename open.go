package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"time"

	application "mintedmind/app"
	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/health"
	"mintedmind/jobs"
	"mintedmind/mail"
	"mintedmind/webhook"
)

// app is everything serve and the commands share.
type app struct {
	control *control.Store
	pool    *tenant.Pool
	mailer  *mail.Mailer
	jobs    *jobs.Runner
	health  *health.Monitor // storage and agency health; Run by serve
	baseURL string          // of every link this process makes, chosen by a linkRule
}

// linkRule is how a command chooses the base URL of the links it makes.
type linkRule int

const (
	// linksAsConfigured: -base-url, else http://localhost:PORT. The
	// server's rule, and that of the commands that make no links.
	linksAsConfigured linkRule = iota
	// linksLikeServer: -base-url, else the one the server last started
	// with, else http://localhost:PORT. For links a command prints.
	linksLikeServer
	// linksInMail: -base-url, else the one the server last started with,
	// else none (errNoBaseURL): an emailed link must reach the server.
	linksInMail
)

// errNoBaseURL refuses to send email whose links would point nowhere.
var errNoBaseURL = &exitError{code: 2, err: errors.New("no base URL: pass -base-url or start the server once so it records it")}

// baseURL returns the base URL rule chooses, reading the one the server
// recorded in control when -base-url was not given.
func (cfg *config) baseURL(ctx context.Context, control *control.Store, rule linkRule) (string, error) {
	if cfg.baseURLGiven || rule == linksAsConfigured {
		return cfg.BaseURL, nil
	}
	recorded, err := control.ServeBaseURL(ctx)
	switch {
	case err != nil:
		return "", err
	case recorded != "":
		return recorded, nil
	case rule == linksInMail:
		return "", errNoBaseURL
	}
	return cfg.BaseURL, nil
}

// openControl opens the control database: the PostgreSQL one of
// -control-db, else control.db in the control directory.
func (cfg *config) openControl(ctx context.Context, c clock.Clock) (*control.Store, error) {
	if cfg.ControlDB != "" {
		return control.OpenPostgres(ctx, cfg.ControlDB, controlSchema, c)
	}
	return control.Open(ctx, cfg.ControlDir, controlSchema, c)
}

func openApp(ctx context.Context, cfg *config, c clock.Clock, log *slog.Logger, links linkRule) (*app, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory %s: %w", cfg.DataDir, err)
	}
	control, err := cfg.openControl(ctx, c)
	if err != nil {
		return nil, err
	}
	baseURL, err := cfg.baseURL(ctx, control, links)
	if err != nil {
		control.Close()
		return nil, err
	}
	pool, err := tenant.NewPool(cfg.DataDir, tenantSchema, tenant.PoolConfig{MaxOpen: cfg.MaxOpenTenants, IdleTimeout: cfg.TenantIdle}, c, log)
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
	mailer.UseBranding(application.MailBranding(control, pool))
	monitor, err := health.New(ctx, health.Config{DataDir: cfg.DataDir, ControlDir: cfg.ControlDir, Reserve: cfg.StorageReserve,
		AlertTo: cfg.AlertEmails, BaseURL: baseURL}, control, pool, mailer, c, log)
	if err != nil {
		pool.Close()
		control.Close()
		return nil, err
	}
	runner := jobs.NewRunner(control, pool, c, log, cfg.SessionIdle)
	runner.UseHealth(monitor)
	runner.UseMachine(cfg.Machine)
	runner.AddIntegrityCheck(1)
	runner.AddRetention(newRetention(cfg, baseURL, control, pool, c, mailer))
	runner.AddBilling(mailer, baseURL)
	runner.UseInboundDomain(cfg.InboundDomain)
	runner.AddDocumentReminders(mailer, baseURL)
	runner.AddQuoteExpiry(mailer, baseURL)
	runner.AddSubscriptions(mailer, baseURL, cfg.SelfHosted)
	runner.AddWebhooks(&webhook.Sender{Checker: webhook.NewChecker(cfg.WebhookHTTP, cfg.WebhookLoopback)}, mailer, baseURL)
	return &app{control: control, pool: pool, mailer: mailer, jobs: runner, health: monitor, baseURL: baseURL}, nil
}

func (a *app) close() error {
	return errors.Join(a.pool.Close(), a.control.Close())
}

func newLogger(cfg *config, w io.Writer) *slog.Logger {
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// commandClock is the clock a one-off command runs at: now if given
// (-now, RFC 3339), else the real time.
func commandClock(now string) (clock.Clock, error) {
	if now == "" {
		return clock.System{}, nil
	}
	t, err := time.Parse(time.RFC3339, now)
	if err != nil {
		return nil, fmt.Errorf("-now %q: use RFC 3339, like 2026-12-01T03:00:00Z", now)
	}
	return clock.NewManual(t), nil
}
