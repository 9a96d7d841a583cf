// Package handlers is the HTTP side of MintedMind: the route table, the
// middleware that resolves an agency and its session, and one file per resource.
package handlers

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/auth"
	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/files"
	"mintedmind/health"
	"mintedmind/live"
	"mintedmind/mail"
	"mintedmind/views"
)

// Config is what the handlers need to know about the installation.
type Config struct {
	BaseURL         string        // public URL people open, e.g. https://crm.example.com
	TrustedProxies  []string      // addresses or CIDRs whose X-Forwarded-For is believed
	SessionIdle     time.Duration // a session ends after this long without a request
	SessionAbsolute time.Duration // and this long after sign-in, whatever happens
	InviteTTL       time.Duration
	ResetTTL        time.Duration
	BodyLimit       int    // bytes
	ActiveRequests  int    // requests whose handlers run at once, the rest queued in order (handlers/admit.go); 0: DefaultActiveRequests
	FileLimit       int64  // bytes: the largest document upload (handlers/documents*.go)
	StorageQuota    int64  // bytes: an agency's document storage where no plan sets it (app.Plans)
	MetricsToken    string // bearer token a scraper must send to GET /metrics; empty: /metrics is 404 here
	Machine         string // this machine's id when agencies are placed on several machines; empty: one machine
	PlacementMode   string // PlacementReplay or PlacementForward
	PayseraURL      string // where payers are sent to pay; empty: Paysera's own checkout
	SelfHosted      bool   // one agency hosts itself: no plans, limits or subscription billing (app.Plans)
	LoginLimit      Limit
	LoginIPLimit    Limit
	SignupLimit     Limit
	ResetLimit      Limit
	LiveStreams     LiveStreams // the live-update streams' caps and heartbeat (handlers/live.go)
	APILimit        Limit       // requests one API token may make per window (handlers/api.go); zero: DefaultAPILimit
	// InboundDomain is the domain whose mail reaches the SMTP listener
	// (-inbound-domain): notifications about a case answer to
	// reply+<token>@InboundDomain. Empty: they answer to the writer.
	InboundDomain   string
	WebhookHTTP     bool // webhook endpoints may be http:// (development only; -webhooks-http)
	WebhookLoopback bool // webhook endpoints may be on loopback (tests of the binary only; -webhooks-loopback)
}

// Limit allows Max events per Window.
type Limit struct {
	Max    int
	Window time.Duration
}

// DefaultConfig returns production defaults; BaseURL must still be set.
func DefaultConfig() Config {
	return Config{
		BaseURL:         "http://localhost:8080",
		SessionIdle:     2 * time.Hour,
		SessionAbsolute: 7 * 24 * time.Hour,
		InviteTTL:       7 * 24 * time.Hour,
		ResetTTL:        time.Hour,
		BodyLimit:       25 << 20,
		FileLimit:       25 << 20,
		StorageQuota:    5 << 30,
		LoginLimit:      Limit{Max: 10, Window: 15 * time.Minute},
		LoginIPLimit:    Limit{Max: 50, Window: 15 * time.Minute},
		SignupLimit:     Limit{Max: 10, Window: time.Hour},
		ResetLimit:      Limit{Max: 5, Window: time.Hour},
	}
}

// Mailer queues emails rendered from views/emails.
type Mailer interface {
	Queue(ctx context.Context, agencyID, to, template string, data any) error
	// QueueWith adds a Reply-To and, on notifications, the one-click
	// opt-out (List-Unsubscribe).
	QueueWith(ctx context.Context, agencyID, to, template string, data any, opts mail.Options) error
}

// Deps are the handlers' dependencies, built once in main.
type Deps struct {
	Config  Config
	Control *control.Store
	Pool    *tenant.Pool
	Hasher  *auth.Hasher
	Mailer  Mailer
	Clock   clock.Clock
	Log     *slog.Logger
	Views   fs.FS           // holds views/
	Assets  fs.FS           // holds assets/
	Jobs    JobRunner       // the cron jobs, for the console's "run now"; nil: not offered
	Health  *health.Monitor // storage and agency health (handlers/storage.go); nil: not watched
	Backups string          // where nightly backups are written (-backup-dir); the console restores a damaged agency from them
	Live    *live.Broker    // the live-update streams (handlers/live.go), so that shutdown can end them; nil: one from Config.LiveStreams
}

// JobRunner runs a named job now (jobs.Runner).
type JobRunner interface {
	Names() []string
	Run(ctx context.Context, name string) (*control.JobRun, error)
}

// Handlers holds what every handler may use. It has no pool of agency
// databases: an agency route's handler gets its own agency's database in
// its *Request, and only the Platform handlers the route table names can
// open another.
type Handlers struct {
	Config  Config
	Control *control.Store
	Hasher  *auth.Hasher
	Mailer  Mailer
	Clock   clock.Clock
	Log     *slog.Logger
	Views   fs.FS // holds views/ (the shipped privacy policy is read from it)

	views      *views.Set
	secret     []byte
	secure     bool // BaseURL is https: cookies get the Secure flag
	assets     *assetStore
	limiter    *rateLimiter
	agencies   *agencyCache
	files      *files.Store               // documents: see handlers/documents*.go
	plans      *app.Plans                 // which plan and limits apply to an agency (app/limits.go)
	uploads    *app.Uploads               // stores uploaded documents (app/uploads.go)
	caseMail   *app.CaseMail              // emails a case's people about it (app/casemail.go)
	slots      chan struct{}              // one per running request, see admit
	navs       *views.Cache[navKey]       // rendered headers (layout.go)
	caseRows   *views.Cache[caseRowView]  // the case list's rendered rows (cases_rows.go)
	caseEvents *views.Cache[timelineItem] // the case page's rendered events (cases_show.go)
	clientRows *views.Cache[clientRowView]

	getAccess map[string]Access // the access level of each GET route, for the navigation

	apiDoc openAPIDocument // the OpenAPI document and its reference page's rows, read once by New (api_openapi.go)

	consoleCounts statsCache // the operator console's agency counts (operator_agencies.go)

	health  storageWatch // storage faults: see storage.go
	backups string       // -backup-dir

	live *live.Broker // live updates of open pages (handlers/live.go)
}

// storageWatch is what every handler asks of the health monitor: whether
// the storage takes writes, and to report a fault it met. The monitor
// itself, which refuses and admits agencies at the pool, is the
// Platform's.
type storageWatch interface {
	WritesRefused() error
	RoomForUploads() error
	Report(ctx context.Context, agencyID string, err error) error
	Ready() []string
	Notes() []string
}

// Platform is what the few handlers that must cross agencies hold besides
// Handlers: the pool of every agency's database and the jobs. The route
// table gives it to the rows whose handler is a PlatformHandler (root
// sign-in and reset, sign-up, the operator console's agency pages and
// jobs); the middleware that resolves an agency for every other row runs
// on it too.
type Platform struct {
	*Handlers
	pool    *tenant.Pool
	jobs    JobRunner       // nil: "run now" is not offered
	monitor *health.Monitor // degraded agencies and their recovery; nil: not watched
}

// New builds the Fiber application with every route.
func New(d Deps) (*fiber.App, error) {
	secret, err := d.Control.SecretKey(context.Background())
	if err != nil {
		return nil, err
	}
	if err := d.Control.EnsureDefaultPlans(context.Background()); err != nil {
		return nil, err
	}
	base, err := url.Parse(d.Config.BaseURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("handlers: base URL %q must be http(s)://host", d.Config.BaseURL)
	}
	d.Config.BaseURL = strings.TrimRight(d.Config.BaseURL, "/")
	assets, err := loadAssets(d.Assets)
	if err != nil {
		return nil, err
	}
	h := &Handlers{
		Config: d.Config, Control: d.Control, Hasher: d.Hasher, Mailer: d.Mailer, Clock: d.Clock, Log: d.Log, Views: d.Views,
		secret: secret, secure: base.Scheme == "https", assets: assets, limiter: newRateLimiter(d.Clock), agencies: newAgencyCache(d.Clock),
	}
	h.health, h.backups = d.Health, d.Backups
	h.files = files.NewStore(files.Config{MaxSize: d.Config.FileLimit})
	h.plans = &app.Plans{Control: d.Control, SelfHosted: d.Config.SelfHosted, StorageQuota: d.Config.StorageQuota}
	h.uploads = &app.Uploads{Plans: h.plans, Files: h.files}
	h.caseMail = &app.CaseMail{Mailer: h.Mailer, Secret: secret, BaseURL: d.Config.BaseURL, InboundDomain: d.Config.InboundDomain}
	active := d.Config.ActiveRequests
	if active <= 0 {
		active = DefaultActiveRequests()
	}
	h.slots = make(chan struct{}, active)
	if h.live = d.Live; h.live == nil {
		h.live = live.New(live.Config{PerPerson: d.Config.LiveStreams.PerPerson, PerMachine: d.Config.LiveStreams.PerMachine, Heartbeat: d.Config.LiveStreams.Heartbeat})
	}
	if h.views, err = views.Load(d.Views, h.templateFuncs()); err != nil {
		return nil, err
	}
	if h.apiDoc, err = loadAPIDocument(d.Views); err != nil {
		return nil, err
	}
	h.navs = views.NewCache[navKey](h.views, "partials/layout/nav", navCacheSize)
	h.caseRows = views.NewCache[caseRowView](h.views, "partials/cases/row", caseRowCacheSize)
	h.clientRows = views.NewCache[clientRowView](h.views, "partials/clients/row", clientRowCacheSize)
	h.caseEvents = views.NewCache[timelineItem](h.views, "partials/cases/event", caseEventCacheSize)

	app := fiber.New(fiber.Config{
		ErrorHandler:            h.handleError,
		BodyLimit:               d.Config.BodyLimit,
		EnableTrustedProxyCheck: true,
		TrustedProxies:          d.Config.TrustedProxies,
		ProxyHeader:             fiber.HeaderXForwardedFor,
		ReadTimeout:             30 * time.Second,
		WriteTimeout:            60 * time.Second,
		IdleTimeout:             2 * time.Minute,
		DisableStartupMessage:   true,
		AppName:                 "mintedmind",

		// Bodies are read by the handlers, not before: document uploads
		// stream to disk, and readBody (handlers/documents_stream.go) reads
		// every other body into memory within BodyLimit, as fasthttp did.
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
	})
	h.getAccess = getAccess(Routes)
	p := &Platform{Handlers: h, pool: d.Pool, jobs: d.Jobs, monitor: d.Health}
	p.register(app)
	return app, nil
}

// withTenant runs fn with agency a's database, acquired from the pool for
// the call.
func (p *Platform) withTenant(c *fiber.Ctx, a *control.Agency, fn func(t *tenant.Store) error) error {
	t, release, err := p.pool.Acquire(c.UserContext(), a.ID)
	if err != nil {
		return p.monitor.Report(c.UserContext(), a.ID, err)
	}
	defer release()
	return fn(t)
}
