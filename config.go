package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"mintedmind/db"
	"mintedmind/handlers"
	"mintedmind/health"
	"mintedmind/live"
)

// config is the global settings, shared by every command. Each comes from a
// flag, else from its environment variable, else from the default shown in
// -h. A command's own flags are beside it, in cmd_<name>.go.
type config struct {
	Addr            string
	DataDir         string
	BaseURL         string
	TrustedProxies  []string
	SMTPURL         string
	MailFrom        string
	SessionIdle     time.Duration
	SessionAbsolute time.Duration
	MaxOpenTenants  int
	MaxOpenHow      string // how MaxOpenTenants was chosen: set, or auto from which limits
	TenantIdle      time.Duration
	BodyLimit       int
	ActiveRequests  int
	LivePerPerson   int
	LivePerMachine  int
	LiveHeartbeat   time.Duration
	APILimit        int   // requests one API token may make a minute
	WebhookHTTP     bool  // webhook endpoints may be plain http:// (development only)
	WebhookLoopback bool  // webhook endpoints may be on loopback (tests of the binary only)
	FileLimit       int64 // largest document upload, bytes
	StorageQuota    int64 // an agency's document storage, bytes (until plans set it)
	LogFormat       string
	MetricsToken    string         // bearer token for GET /metrics on the main address
	PayseraURL      string         // Paysera checkout address payers are sent to (a stand-in in tests)
	MetricsAddr     string         // a second listen address serving only /metrics, without a token
	ShutdownTimeout time.Duration  // how long SIGTERM waits for requests in flight
	ControlDir      string         // directory of control.db, when it is not the data directory (several machines)
	ControlDB       string         // PostgreSQL URL of the control database several machines share; empty: control.db in ControlDir
	Machine         string         // this machine's id, for agency placement; empty: one machine, no placement
	MachineURL      string         // how other machines reach this one (forwarding), e.g. http://10.0.0.5:8080
	PlacementMode   string         // replay (Fly's fly-replay header) or forward (proxy the request)
	SelfHosted      bool           // one agency hosts itself: no plans, limits or subscription billing
	StorageReserve  health.Reserve // free space kept: below it uploads and imports are refused (README "When storage fails")
	AlertEmails     []string       // who is told of storage faults; empty: every platform operator
	BackupDir       string         // where nightly backups are written; the console restores a damaged agency from them
	InboundDomain   string         // replies by email: notifications about a case answer to reply+TOKEN@InboundDomain
	SMTPListen      string         // address of the SMTP listener for replies by email; empty: none
	SMTPMaxBytes    int64          // largest inbound email, bytes
	SMTPTLSCert     string         // certificate (PEM) the SMTP listener offers STARTTLS with
	SMTPTLSKey      string         // its private key (PEM)

	baseURLGiven bool    // -base-url or BASE_URL was set, not defaulted
	proxies      *string // raw -trusted-proxies, split by finish
	reserve      *string // raw -storage-reserve, parsed by finish
	maxOpen      *string // raw -max-open-tenants, resolved by finish
	alertTo      *string // raw -alert-email, split by finish
}

// newFlagSet is an empty flag set reporting its errors to out; the usage is
// printUsage's.
func newFlagSet(out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("mintedmind", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {}
	return fs
}

// flags registers the global flags on fs, their defaults taken from the
// environment.
func (cfg *config) flags(fs *flag.FlagSet) {
	fs.StringVar(&cfg.Addr, "addr", env("ADDR", ":8080"), "listen address (ADDR)")
	fs.StringVar(&cfg.DataDir, "data", env("DATA_DIR", "./data"), "data directory: control.db, tenants/, archive/ (DATA_DIR)")
	fs.StringVar(&cfg.BaseURL, "base-url", env("BASE_URL", ""), "public URL people open, used in emailed links; default http://localhost:PORT, or for a command that sends email the one the server last started with (BASE_URL)")
	proxies := fs.String("trusted-proxies", env("TRUSTED_PROXIES", ""), "comma-separated addresses or CIDRs whose X-Forwarded-For and X-Forwarded-Proto are believed (TRUSTED_PROXIES)")
	fs.StringVar(&cfg.SMTPURL, "smtp-url", env("SMTP_URL", ""), "SMTP server: smtp://user:pass@host:587 (STARTTLS), smtps://…:465, smtp+insecure://host:25; empty = write mail to the log (SMTP_URL)")
	fs.StringVar(&cfg.MailFrom, "mail-from", env("MAIL_FROM", "MintedMind <no-reply@localhost>"), "sender of every email (MAIL_FROM)")
	fs.DurationVar(&cfg.SessionIdle, "session-idle", envDuration("SESSION_IDLE", 2*time.Hour), "a session ends after this long without a request (SESSION_IDLE)")
	fs.DurationVar(&cfg.SessionAbsolute, "session-absolute", envDuration("SESSION_ABSOLUTE", 7*24*time.Hour), "a session ends this long after sign-in (SESSION_ABSOLUTE)")
	cfg.maxOpen = fs.String("max-open-tenants", env("MAX_OPEN_TENANTS", "auto"), "agency databases kept open at most; least recently used are closed; auto: from the open-file limit and memory, see README (MAX_OPEN_TENANTS)")
	fs.DurationVar(&cfg.TenantIdle, "tenant-idle", envDuration("TENANT_IDLE", 10*time.Minute), "an agency database unused this long is closed (TENANT_IDLE)")
	fs.IntVar(&cfg.BodyLimit, "body-limit", envInt("BODY_LIMIT", 25<<20), "largest request body in bytes (BODY_LIMIT)")
	fs.IntVar(&cfg.ActiveRequests, "active-requests", envInt("ACTIVE_REQUESTS", 0), "requests handled at once, the rest wait their turn in arrival order; 0 is four per CPU (ACTIVE_REQUESTS)")
	fs.IntVar(&cfg.LivePerPerson, "live-streams-per-person", envInt("LIVE_STREAMS_PER_PERSON", live.DefaultPerPerson), "live-update streams (open tabs) one signed-in person may hold; past it a tab polls every 30 s (LIVE_STREAMS_PER_PERSON)")
	fs.IntVar(&cfg.LivePerMachine, "live-streams", envInt("LIVE_STREAMS", live.DefaultPerMachine), "live-update streams this machine holds at most; past it tabs poll every 30 s (LIVE_STREAMS)")
	fs.DurationVar(&cfg.LiveHeartbeat, "live-heartbeat", envDuration("LIVE_HEARTBEAT", live.DefaultHeartbeat), "how often an idle live-update stream sends a heartbeat, below the idle timeout of any proxy in front (LIVE_HEARTBEAT)")
	fs.IntVar(&cfg.APILimit, "api-limit", envInt("API_LIMIT", handlers.DefaultAPILimit.Max), "requests one API token may make a minute; past it the API answers 429 with RateLimit headers (API_LIMIT)")
	fs.Int64Var(&cfg.FileLimit, "file-limit", int64(envInt("FILE_LIMIT", 25<<20)), "largest document upload in bytes; uploads stream to disk, so this may exceed -body-limit (FILE_LIMIT)")
	fs.BoolVar(&cfg.WebhookHTTP, "webhooks-http", env("WEBHOOKS_HTTP", "") == "1" || env("WEBHOOKS_HTTP", "") == "true", "development only: webhook endpoints may be plain http:// (WEBHOOKS_HTTP=1); private and loopback addresses stay refused")
	fs.BoolVar(&cfg.WebhookLoopback, "webhooks-loopback", env("WEBHOOKS_LOOPBACK", "") == "1" || env("WEBHOOKS_LOOPBACK", "") == "true", "tests only: webhook endpoints may be on 127.0.0.1 or ::1 (WEBHOOKS_LOOPBACK=1); never in production, it lets a webhook reach the server's own machine")
	fs.BoolVar(&cfg.SelfHosted, "self-hosted", env("SELF_HOSTED", "") == "1" || env("SELF_HOSTED", "") == "true", "one agency hosts itself: no plans, limits or subscription billing (SELF_HOSTED=1)")
	fs.Int64Var(&cfg.StorageQuota, "storage-quota", int64(envInt("STORAGE_QUOTA", 5<<30)), "each agency's document storage in bytes, the trash included (STORAGE_QUOTA)")
	fs.StringVar(&cfg.LogFormat, "log-format", env("LOG_FORMAT", "text"), "log format: text or json (LOG_FORMAT)")
	fs.StringVar(&cfg.PayseraURL, "paysera-url", env("PAYSERA_URL", "https://bank.paysera.com/pay/"), "Paysera checkout address payers are sent to; change only for a stand-in server in tests (PAYSERA_URL)")
	fs.StringVar(&cfg.MetricsToken, "metrics-token", env("METRICS_TOKEN", ""), "bearer token a Prometheus scraper sends to GET /metrics; empty: /metrics is 404 on -addr (METRICS_TOKEN)")
	fs.StringVar(&cfg.MetricsAddr, "metrics-addr", env("METRICS_ADDR", ""), "second listen address serving only /metrics, no token (keep it private, e.g. 127.0.0.1:9091) (METRICS_ADDR)")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", envDuration("SHUTDOWN_TIMEOUT", 25*time.Second), "on SIGTERM, how long to wait for requests in flight (SHUTDOWN_TIMEOUT)")
	fs.StringVar(&cfg.ControlDir, "control-dir", env("CONTROL_DIR", ""), "directory holding control.db when it is not the data directory (LiteFS mount, shared by machines) (CONTROL_DIR)")
	fs.StringVar(&cfg.ControlDB, "control-db", env("CONTROL_DB", ""), "PostgreSQL database holding the control data instead of control.db, shared by several machines: postgres://user:pass@host:5432/mintedmind (CONTROL_DB)")
	fs.StringVar(&cfg.Machine, "machine", env("MACHINE_ID", os.Getenv("FLY_MACHINE_ID")), "this machine's id for agency placement; empty: a single machine (MACHINE_ID, else FLY_MACHINE_ID)")
	fs.StringVar(&cfg.MachineURL, "machine-url", env("MACHINE_URL", ""), "URL other machines forward this machine's agencies' requests to, e.g. http://10.0.0.5:8080 (MACHINE_URL)")
	fs.StringVar(&cfg.PlacementMode, "placement", env("PLACEMENT", defaultPlacementMode()), "how a request for an agency on another machine is sent there: replay (fly-replay header, on Fly) or forward (proxied) (PLACEMENT)")
	cfg.reserve = fs.String("storage-reserve", env("STORAGE_RESERVE", "auto"), "free space kept on the data directory's filesystem: auto (2% or 1 GiB, whichever is smaller), a percentage (5%) or a size (2GiB); below it uploads and imports are refused; 0 turns it off (STORAGE_RESERVE)")
	cfg.alertTo = fs.String("alert-email", env("ALERT_EMAIL", ""), "comma-separated addresses told of storage faults (disk low or read-only, a damaged agency); empty: every platform operator (ALERT_EMAIL)")
	fs.StringVar(&cfg.BackupDir, "backup-dir", env("BACKUP_DIR", ""), "directory holding the nightly backups (one directory each, as mintedmind backup writes them); the console restores a damaged agency from the newest (BACKUP_DIR)")
	fs.StringVar(&cfg.InboundDomain, "inbound-domain", env("INBOUND_DOMAIN", ""), "domain whose mail (MX) reaches -smtp-listen: notifications about a case answer to reply+TOKEN@DOMAIN and the reply is added to the case; empty: they answer to the writer's own address (INBOUND_DOMAIN)")
	fs.StringVar(&cfg.SMTPListen, "smtp-listen", env("SMTP_LISTEN", ""), "listen address of the SMTP server taking replies by email, e.g. :2525; empty: none (SMTP_LISTEN)")
	fs.Int64Var(&cfg.SMTPMaxBytes, "smtp-max-bytes", int64(envInt("SMTP_MAX_BYTES", 30<<20)), "largest reply by email in bytes, attachments included (SMTP_MAX_BYTES)")
	fs.StringVar(&cfg.SMTPTLSCert, "smtp-tls-cert", env("SMTP_TLS_CERT", ""), "PEM certificate the SMTP listener offers STARTTLS with; empty: no STARTTLS (SMTP_TLS_CERT)")
	fs.StringVar(&cfg.SMTPTLSKey, "smtp-tls-key", env("SMTP_TLS_KEY", ""), "PEM private key of -smtp-tls-cert (SMTP_TLS_KEY)")
	cfg.proxies = proxies
}

// env is the environment variable name, or def when it is unset.
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if v, ok := os.LookupEnv(name); ok {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
		fmt.Fprintf(os.Stderr, "warning: %s=%q is not a duration like 2h or 30m; using %s\n", name, v, def)
	}
	return def
}

func envInt(name string, def int) int {
	if v, ok := os.LookupEnv(name); ok {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
		fmt.Fprintf(os.Stderr, "warning: %s=%q is not a number; using %d\n", name, v, def)
	}
	return def
}

// parseArgs reads the global flags and the command's own, each before or
// after the command's words, and returns the configuration, the command
// and the words ("jobs run NAME"; none for serving). With an error the
// command is the one whose usage fits, nil for mintedmind's.
func parseArgs(args []string, out io.Writer) (*config, command, []string, error) {
	cfg := &config{}
	globals := newFlagSet(out)
	cfg.flags(globals)
	table := commandTable()
	own := make([]*flag.FlagSet, len(table))
	for i, cmd := range table {
		own[i] = newFlagSet(out)
		cmd.flags(own[i])
	}
	// The first pass knows every command's flags, to tell a flag's value
	// from the command's name; the second only the command's, so that
	// another command's flag is refused.
	words, err := parseWords(mergeFlags(out, append([]*flag.FlagSet{globals}, own...)...), args)
	if len(words) == 0 && errors.Is(err, flag.ErrHelp) {
		return nil, nil, nil, err
	}
	name := "serve"
	if len(words) > 0 {
		name = words[0]
	}
	i := slices.IndexFunc(table, func(c command) bool { return c.name() == name })
	if i < 0 {
		if err == nil {
			err = fmt.Errorf("%w %q", errUsage, words)
		}
		return nil, nil, words, err
	}
	if err != nil {
		return nil, table[i], words, err
	}
	if words, err = parseWords(mergeFlags(out, globals, own[i]), args); err != nil {
		return nil, table[i], words, err
	}
	if err := cfg.finish(); err != nil {
		return nil, table[i], words, err
	}
	return cfg, table[i], words, nil
}

// parseWords parses args with fs, flags anywhere among the words, and
// returns the words.
func parseWords(fs *flag.FlagSet, args []string) ([]string, error) {
	var words []string
	for {
		if err := fs.Parse(args); err != nil {
			return words, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return words, nil
		}
		words = append(words, rest[0])
		args = rest[1:]
	}
}

// mergeFlags is one flag set holding the flags of sets, bound to the same
// values; of two flags with one name (jobs and retention both take -now)
// the first is kept.
func mergeFlags(out io.Writer, sets ...*flag.FlagSet) *flag.FlagSet {
	merged := newFlagSet(out)
	for _, fs := range sets {
		fs.VisitAll(func(f *flag.Flag) {
			if merged.Lookup(f.Name) == nil {
				merged.Var(f.Value, f.Name, f.Usage)
			}
		})
	}
	return merged
}

// finish derives and checks the settings that depend on others.
func (c *config) finish() error {
	if c.proxies != nil && strings.TrimSpace(*c.proxies) != "" {
		for _, p := range strings.Split(*c.proxies, ",") {
			p = strings.TrimSpace(p)
			if net.ParseIP(p) == nil {
				if _, _, err := net.ParseCIDR(p); err != nil {
					return fmt.Errorf("trusted proxy %q is neither an address nor a CIDR", p)
				}
			}
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	c.baseURLGiven = c.BaseURL != ""
	if c.BaseURL == "" {
		_, port, err := net.SplitHostPort(c.Addr)
		if err != nil {
			return fmt.Errorf("listen address %q: %w", c.Addr, err)
		}
		c.BaseURL = "http://localhost:" + port
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("base URL %q must look like https://crm.example.com", c.BaseURL)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.SessionIdle <= 0 || c.SessionAbsolute <= 0 || c.SessionIdle > c.SessionAbsolute {
		return fmt.Errorf("session timeouts: idle %s must be positive and not longer than absolute %s", c.SessionIdle, c.SessionAbsolute)
	}
	if c.maxOpen != nil {
		n, how, err := resolveMaxOpenTenants(*c.maxOpen)
		if err != nil {
			return err
		}
		c.MaxOpenTenants, c.MaxOpenHow = n, how
	}
	if c.MaxOpenTenants < 1 {
		return fmt.Errorf("max-open-tenants must be at least 1")
	}
	if c.LivePerPerson < 1 || c.LivePerMachine < 1 || c.LivePerPerson > c.LivePerMachine {
		return fmt.Errorf("live streams: per person (%d) and per machine (%d) must be at least 1, per person no more than per machine", c.LivePerPerson, c.LivePerMachine)
	}
	if c.APILimit < 1 || c.APILimit > 1000000 {
		return fmt.Errorf("api-limit must be between 1 and 1000000 requests a minute")
	}
	if c.LiveHeartbeat < time.Second || c.LiveHeartbeat > 5*time.Minute {
		return fmt.Errorf("live-heartbeat must be between 1s and 5m")
	}
	if c.ActiveRequests < 0 || c.ActiveRequests > 10000 {
		return fmt.Errorf("active-requests must be between 0 (four per CPU) and 10000")
	}
	if c.BodyLimit < 64<<10 {
		return fmt.Errorf("body-limit must be at least 65536 bytes")
	}
	if c.FileLimit < 1<<10 || c.StorageQuota < c.FileLimit {
		return fmt.Errorf("file-limit must be at least 1024 bytes, and storage-quota at least the file limit")
	}
	c.InboundDomain = strings.ToLower(strings.TrimSpace(c.InboundDomain))
	if d := c.InboundDomain; d != "" {
		if _, err := mail.ParseAddress("reply@" + d); err != nil || strings.ContainsAny(d, "@<> ") || !strings.Contains(d, ".") {
			return fmt.Errorf("inbound-domain %q must be a domain like in.example.com", d)
		}
	}
	if c.SMTPListen != "" && c.InboundDomain == "" {
		return fmt.Errorf("smtp-listen needs -inbound-domain: the listener takes mail for reply+TOKEN@that domain only")
	}
	if c.SMTPMaxBytes < 64<<10 {
		return fmt.Errorf("smtp-max-bytes must be at least 65536 bytes")
	}
	if (c.SMTPTLSCert == "") != (c.SMTPTLSKey == "") {
		return fmt.Errorf("smtp-tls-cert and smtp-tls-key go together")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("log-format must be text or json")
	}
	if c.ShutdownTimeout <= 0 {
		return fmt.Errorf("shutdown-timeout must be positive")
	}
	if c.ControlDB != "" {
		if !db.IsPostgresURL(c.ControlDB) {
			return fmt.Errorf("control-db must be a PostgreSQL URL, postgres://user:pass@host:5432/dbname")
		}
		if c.ControlDir != "" {
			return fmt.Errorf("control-db and control-dir: give one; the control database is either PostgreSQL or control.db in a directory")
		}
	}
	if c.ControlDir == "" {
		c.ControlDir = c.DataDir
	}
	c.StorageReserve = health.DefaultReserve
	if c.reserve != nil {
		r, err := health.ParseReserve(*c.reserve)
		if err != nil {
			return err
		}
		c.StorageReserve = r
	}
	if c.alertTo != nil && strings.TrimSpace(*c.alertTo) != "" {
		for _, a := range strings.Split(*c.alertTo, ",") {
			a = strings.TrimSpace(a)
			if _, err := mail.ParseAddress(a); err != nil || strings.ContainsAny(a, "<>") {
				return fmt.Errorf("alert email %q is not a plain address like ops@example.com", a)
			}
			c.AlertEmails = append(c.AlertEmails, a)
		}
	}
	if c.PlacementMode != "replay" && c.PlacementMode != "forward" {
		return fmt.Errorf("placement must be replay or forward")
	}
	if c.Machine != "" && c.PlacementMode == "forward" && c.MachineURL == "" {
		return fmt.Errorf("with -machine and -placement forward, set -machine-url: how other machines reach this one")
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			return fmt.Errorf("metrics address %q: %w", c.MetricsAddr, err)
		}
	}
	return nil
}

// defaultPlacementMode is replay on Fly.io (its proxy replays a request on
// the machine named in the fly-replay header), forward elsewhere.
func defaultPlacementMode() string {
	if os.Getenv("FLY_APP_NAME") != "" {
		return "replay"
	}
	return "forward"
}
