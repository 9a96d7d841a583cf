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
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"mintedmind/auth"
	"mintedmind/clock"
	"mintedmind/db"
	"mintedmind/handlers"
	"mintedmind/jobs"
	"mintedmind/mail"
	"mintedmind/metrics"
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
  mintedmind retention [-dry-run] [-now TIME]
                                           apply the retention policy now (archive, delete, purge); -dry-run only shows what it would do
  mintedmind demo [-slug demo] [-clients N] [-cases N] [-events N] [-seed N]
                                           create a demo agency with generated data and print its sign-ins
  mintedmind backup DIR                    write a consistent backup of every database and file into DIR (safe while serving)
  mintedmind restore DIR                   check the backup in DIR and restore it into the (empty) data directory
  mintedmind litestream-config [-replica URL]
                                           print a Litestream configuration for the control database and every agency
  mintedmind agency export SLUG DIR        stop serving an agency here and write its snapshot into DIR (to move it)
  mintedmind agency import DIR             restore an exported agency here and place it on this machine (-machine)

Flags may come before or after the command. Each has an environment variable.

Flags:
`

func main() {
	// Unless GOGC says otherwise, the collector runs when the heap has grown
	// by 200%, not Go's 100%: the server keeps little live data, and under
	// load collecting half as often served more pages for about 7 MiB more
	// peak RSS (77 → 84 MiB in bench/crm.sh; BENCHMARKS.md).
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
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
	case cmd == "retention" && len(words) == 1:
		return retention(ctx, cfg, log, stdout)
	case cmd == "demo" && len(words) == 1:
		return demo(ctx, cfg, stdout, stderr)
	case cmd == "backup" && len(words) == 2:
		return backupCmd(ctx, cfg, log, words[1], stdout)
	case cmd == "restore" && len(words) == 2:
		return restoreCmd(ctx, cfg, words[1], stdout)
	case cmd == "litestream-config" && len(words) == 1:
		return litestreamConfig(ctx, cfg, stdout)
	case cmd == "agency" && len(words) == 4 && words[1] == "export":
		return agencyExport(ctx, cfg, log, words[2], words[3], stdout)
	case cmd == "agency" && len(words) == 3 && words[1] == "import":
		return agencyImport(ctx, cfg, log, words[2], stdout)
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
	control, err := db.OpenControl(ctx, cfg.ControlDir, c)
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
	runner := jobs.NewRunner(control, pool, c, log, cfg.SessionIdle)
	runner.AddRetention(newRetention(cfg, control, pool, c, mailer))
	runner.AddBilling(mailer, cfg.BaseURL)
	runner.AddSubscriptions(mailer, cfg.BaseURL, cfg.SelfHosted)
	return &app{control: control, pool: pool, mailer: mailer, jobs: runner}, nil
}

func (a *app) close() error {
	return errors.Join(a.pool.Close(), a.control.Close())
}

// serve runs the web server, the job scheduler and the mail sender until
// SIGINT or SIGTERM, then shuts down in order: stop accepting and finish
// the requests in flight, stop the scheduler and wait for a running job (a
// job cut short resumes idempotently on its next run), deliver the mail
// those last requests queued, and close every database.
func serve(ctx context.Context, cfg *config, log *slog.Logger) error {
	c := clock.System{}
	a, err := openApp(ctx, cfg, c, log)
	if err != nil {
		return err
	}
	defer func() {
		if err := a.close(); err != nil {
			log.Error("close databases", "err", err)
		}
	}()
	untrack := metrics.TrackOpenTenants("pool", a.pool.OpenCount)
	defer untrack()

	hc := handlers.DefaultConfig()
	hc.BaseURL, hc.TrustedProxies, hc.BodyLimit, hc.ActiveRequests = cfg.BaseURL, cfg.TrustedProxies, cfg.BodyLimit, cfg.ActiveRequests
	hc.FileLimit, hc.StorageQuota = cfg.FileLimit, cfg.StorageQuota
	hc.SessionIdle, hc.SessionAbsolute = cfg.SessionIdle, cfg.SessionAbsolute
	hc.MetricsToken = cfg.MetricsToken
	hc.PayseraURL = cfg.PayseraURL
	hc.SelfHosted = cfg.SelfHosted
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
	log.Info("MintedMind is running: open "+cfg.BaseURL, "listen", ln.Addr().String())
	serveErr := make(chan error, 1)
	go func() { serveErr <- web.Listener(ln) }()

	var failed error
	select {
	case failed = <-serveErr:
		log.Error("the web server stopped", "err", failed)
	case <-ctx.Done():
		log.Info("shutting down: finishing requests in flight", "timeout", cfg.ShutdownTimeout)
		if err := web.ShutdownWithTimeout(cfg.ShutdownTimeout); err != nil {
			log.Error("shutdown: requests still running at the timeout", "err", err)
		}
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
	log.Info("configuration",
		"addr", cfg.Addr, "data", cfg.DataDir, "base_url", cfg.BaseURL, "trusted_proxies", cfg.TrustedProxies,
		"smtp", smtp, "mail_from", cfg.MailFrom, "session_idle", cfg.SessionIdle, "session_absolute", cfg.SessionAbsolute,
		"max_open_tenants", cfg.MaxOpenTenants, "tenant_idle", cfg.TenantIdle, "body_limit", cfg.BodyLimit, "active_requests", cfg.ActiveRequests, "file_limit", cfg.FileLimit, "storage_quota", cfg.StorageQuota,
		"metrics_token", cfg.MetricsToken != "", "metrics_addr", cfg.MetricsAddr, "shutdown_timeout", cfg.ShutdownTimeout,
		"control_dir", cfg.ControlDir, "machine", cfg.Machine)
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

// commandClock is the clock a one-off command runs at: -now if given
// (RFC 3339), else the real time.
func commandClock(cfg *config) (clock.Clock, error) {
	if cfg.Now == "" {
		return clock.System{}, nil
	}
	t, err := time.Parse(time.RFC3339, cfg.Now)
	if err != nil {
		return nil, fmt.Errorf("-now %q: use RFC 3339, like 2026-12-01T03:00:00Z", cfg.Now)
	}
	return clock.NewManual(t), nil
}

func jobsRun(ctx context.Context, cfg *config, log *slog.Logger, name string, stdout io.Writer) error {
	c, err := commandClock(cfg)
	if err != nil {
		return err
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
