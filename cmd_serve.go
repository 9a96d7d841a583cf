package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"mintedmind/auth"
	"mintedmind/clock"
	"mintedmind/db"
	controldb "mintedmind/db/control"
	"mintedmind/handlers"
	"mintedmind/live"
	"mintedmind/mail"
	"mintedmind/metrics"
)

// serveCommand is `mintedmind` alone, or `mintedmind serve`.
type serveCommand struct{}

func (*serveCommand) name() string { return "serve" }

func (*serveCommand) usage() string {
	return `  mintedmind [flags]                       serve (the default)
  mintedmind serve [flags]                 serve
`
}

func (*serveCommand) flags(*flag.FlagSet) {}

func (*serveCommand) run(ctx context.Context, inv *invocation, args []string) error {
	if len(args) > 0 {
		return errUsage
	}
	return serve(ctx, inv.cfg, inv.log)
}

// setupLinkTTL is how long a setup link for the platform operator works.
const setupLinkTTL = 24 * time.Hour

// serve runs the web server, the job scheduler and the mail sender until
// SIGINT or SIGTERM, then shuts down in order: stop accepting and finish
// the requests in flight, stop the scheduler and wait for a running job (a
// job cut short resumes idempotently on its next run), deliver the mail
// those last requests queued, and close every database.
func serve(ctx context.Context, cfg *config, log *slog.Logger) error {
	// Steps of the system clock are noticed, so that timeouts discount them
	// (a jump forward of a day does not end every session at once).
	c := clock.Watch(clock.System{}, func(s clock.Step) {
		log.Warn("the system clock was stepped", "by", s.By.String(), "now", s.At)
	})
	a, err := openApp(ctx, cfg, c, log, linksAsConfigured)
	if err != nil {
		return err
	}
	defer func() {
		if err := a.close(); err != nil {
			log.Error("close databases", "err", err)
		}
	}()
	// Commands that send email link to where the server is.
	if err := a.control.RecordServeBaseURL(ctx, a.baseURL); err != nil {
		if db.FaultOf(err) == db.NoFault {
			return err
		}
		// A full or read-only disk must not keep the server from serving
		// what it can (README "When storage fails").
		log.Error("record the base URL: the storage takes no writes", "err", err)
	}
	untrack := metrics.TrackOpenTenants("pool", a.pool.OpenCount)
	defer untrack()

	hc := handlers.DefaultConfig()
	hc.BaseURL, hc.TrustedProxies, hc.BodyLimit, hc.ActiveRequests = cfg.BaseURL, cfg.TrustedProxies, cfg.BodyLimit, cfg.ActiveRequests
	hc.FileLimit, hc.StorageQuota = cfg.FileLimit, cfg.StorageQuota
	hc.APILimit = handlers.Limit{Max: cfg.APILimit, Window: time.Minute}
	hc.WebhookHTTP = cfg.WebhookHTTP
	hc.WebhookLoopback = cfg.WebhookLoopback
	hc.LiveStreams = handlers.LiveStreams{PerPerson: cfg.LivePerPerson, PerMachine: cfg.LivePerMachine, Heartbeat: cfg.LiveHeartbeat}
	broker := live.New(live.Config{PerPerson: cfg.LivePerPerson, PerMachine: cfg.LivePerMachine, Heartbeat: cfg.LiveHeartbeat})
	a.jobs.UseLive(broker)
	untrackLive := metrics.TrackLiveStreams(broker.Open)
	defer untrackLive()
	hc.SessionIdle, hc.SessionAbsolute = cfg.SessionIdle, cfg.SessionAbsolute
	hc.MetricsToken = cfg.MetricsToken
	hc.PayseraURL = cfg.PayseraURL
	hc.SelfHosted = cfg.SelfHosted
	hc.InboundDomain = cfg.InboundDomain
	hc.Machine, hc.PlacementMode = cfg.Machine, cfg.PlacementMode
	if cfg.Machine != "" {
		if err := a.control.RegisterMachine(ctx, cfg.Machine, cfg.MachineURL); err != nil {
			return err
		}
		log.Info("placement: agencies may live on several machines", "machine", cfg.Machine, "url", cfg.MachineURL, "mode", cfg.PlacementMode)
	}
	web, err := handlers.New(handlers.Deps{
		Config: hc, Control: a.control, Pool: a.pool, Hasher: auth.NewHasher(auth.DefaultParams, 0),
		Mailer: a.mailer, Clock: c, Log: log, Views: webFS, Assets: webFS, Jobs: a.jobs,
		Health: a.health, Backups: cfg.BackupDir, Live: broker,
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	// The sender outlives the signal: it stops after the last requests'
	// emails are queued, see below.
	mailCtx, stopMail := context.WithCancel(context.WithoutCancel(ctx))
	defer stopMail()
	mailDone := make(chan struct{})
	go func() { a.mailer.Run(mailCtx); close(mailDone) }()
	healthDone := make(chan struct{})
	go func() { a.health.Run(mailCtx); close(healthDone) }()
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
	var metricsSrv *http.Server
	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listen on %s (metrics): %w", cfg.MetricsAddr, err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", metrics.Handler())
		// The private address also serves Go's profiler, for finding what
		// limits a busy server: go tool pprof http://ADDR/debug/pprof/profile
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
		metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go metricsSrv.Serve(mln)
		log.Info("metrics: serving /metrics on " + mln.Addr().String())
	}
	// Start-up (migrations, parsing every template, the route table) leaves
	// a few MiB of garbage the runtime would hand back to the system only
	// minutes later: give it back now, so an idle server is as small as it
	// stays (BENCHMARKS.md, "Idle memory").
	smtpSrv, err := listenInbound(ctx, a, cfg, c, broker, log)
	if err != nil {
		ln.Close()
		return err
	}
	debug.FreeOSMemory()
	log.Info("MintedMind is running: open "+cfg.BaseURL, "listen", ln.Addr().String())
	serveErr := make(chan error, 1)
	go func() { serveErr <- web.Listener(ln) }()

	var failed error
	select {
	case failed = <-serveErr:
		log.Error("the web server stopped", "err", failed)
	case <-ctx.Done():
		log.Info("shutting down: finishing requests in flight", "timeout", cfg.ShutdownTimeout)
		broker.Shutdown() // live-update streams never finish by themselves; the browsers ask the next server
		if err := web.ShutdownWithTimeout(cfg.ShutdownTimeout); err != nil {
			log.Error("shutdown: requests still running at the timeout", "err", err)
		}
	}
	if smtpSrv != nil {
		// A reply being stored finishes; the sender's server retries the rest.
		shutCtx, cancelShut := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
		if err := smtpSrv.Shutdown(shutCtx); err != nil {
			smtpSrv.Close()
		}
		cancelShut()
	}
	log.Info("shutting down: waiting for a running job")
	a.jobs.Stop()
	// Deliver what the last requests queued, within a bound: what is left
	// stays in the outbox and goes out after the next start.
	flushCtx, cancelFlush := context.WithTimeout(context.Background(), 10*time.Second)
	if err := a.mailer.Flush(flushCtx); err != nil {
		log.Warn("shutdown: mail left in the outbox for the next start", "err", err)
	}
	cancelFlush()
	stopMail()
	<-mailDone
	<-healthDone
	if metricsSrv != nil {
		metricsSrv.Close()
	}
	log.Info("stopped")
	return failed
}

// logConfig writes the effective configuration, secrets masked.
func logConfig(log *slog.Logger, cfg *config, m *mail.Mailer) {
	smtp := "not set: emails are written to this log and the operator's outbox"
	if m.Configured() {
		smtp = m.MaskedURL()
	}
	controlDB := "none: control.db in control_dir"
	if u, err := url.Parse(cfg.ControlDB); err == nil && cfg.ControlDB != "" {
		controlDB = u.Redacted()
	}
	log.Info("configuration",
		"addr", cfg.Addr, "data", cfg.DataDir, "base_url", cfg.BaseURL, "trusted_proxies", cfg.TrustedProxies,
		"smtp", smtp, "mail_from", cfg.MailFrom, "session_idle", cfg.SessionIdle, "session_absolute", cfg.SessionAbsolute,
		"max_open_tenants", cfg.MaxOpenTenants, "max_open_tenants_from", cfg.MaxOpenHow, "tenant_idle", cfg.TenantIdle, "body_limit", cfg.BodyLimit, "active_requests", cfg.ActiveRequests, "file_limit", cfg.FileLimit, "storage_quota", cfg.StorageQuota,
		"metrics_token", cfg.MetricsToken != "", "metrics_addr", cfg.MetricsAddr, "shutdown_timeout", cfg.ShutdownTimeout,
		"control_dir", cfg.ControlDir, "control_db", controlDB, "machine", cfg.Machine,
		"storage_reserve", cfg.StorageReserve.String(), "alert_email", cfg.AlertEmails, "backup_dir", cfg.BackupDir,
		"inbound_domain", cfg.InboundDomain, "smtp_listen", cfg.SMTPListen, "smtp_max_bytes", cfg.SMTPMaxBytes)
}

// announceSetup prints a one-time link to create the platform operator
// while there is none.
func announceSetup(ctx context.Context, control *controldb.Store, baseURL string, log *slog.Logger) error {
	n, err := control.OperatorCount(ctx)
	if err != nil || n > 0 {
		return err
	}
	token, err := control.CreateSetupToken(ctx, controldb.SetupFirstRun, setupLinkTTL)
	if err != nil {
		return err
	}
	log.Warn("no platform operator yet: open this one-time link within 24 hours to create it: " + baseURL + "/setup/" + token)
	return nil
}
