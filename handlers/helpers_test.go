package handlers_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/auth"
	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/handlers"
	"mintedmind/mail"
	"mintedmind/mail/mailtest"
)

// testPassword is long enough for the rules and used by every fixture.
const testPassword = "correct horse battery staple"

// env is a whole application on real SQLite files in a temp directory, with
// a real in-process SMTP server and a clock the test can move.
type env struct {
	t       *testing.T
	dir     string
	clock   *clock.Manual
	control *control.Store
	pool    *tenant.Pool
	mailer  *mail.Mailer
	smtp    *mailtest.Server
	app     *fiber.App
	cfg     handlers.Config
}

var slugCounter atomic.Int64

// mustNewEnv builds the app; opts adjust its configuration.
func mustNewEnv(t *testing.T, opts ...func(*handlers.Config)) *env {
	t.Helper()
	return mustNewEnvOn(t, "", opts...)
}

// mustNewEnvOn builds the app with its control database on the
// PostgreSQL database at controlDB (postgres://…), or in its temp
// directory when "".
func mustNewEnvOn(t *testing.T, controlDB string, opts ...func(*handlers.Config)) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, dir: t.TempDir(), clock: clock.NewManual(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	controlSchema, err := os.ReadFile("../control.sql")
	if err != nil {
		t.Fatal(err)
	}
	if controlDB != "" {
		e.control, err = control.OpenPostgres(ctx, controlDB, string(controlSchema), e.clock)
	} else {
		e.control, err = control.Open(ctx, e.dir, string(controlSchema), e.clock)
	}
	if err != nil {
		t.Fatal(err)
	}
	schema, err := os.ReadFile("../schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	if e.pool, err = tenant.NewPool(e.dir, string(schema), tenant.PoolConfig{MaxOpen: 50, IdleTimeout: time.Hour}, e.clock, log); err != nil {
		t.Fatal(err)
	}
	e.smtp = mailtest.Start(t)
	if e.mailer, err = mail.New(e.control, mail.Config{URL: e.smtp.URL(), From: "MintedMind <no-reply@example.test>"}, os.DirFS("../views"), e.clock, log); err != nil {
		t.Fatal(err)
	}
	e.mailer.UseBranding(app.MailBranding(e.control, e.pool))
	e.cfg = handlers.DefaultConfig()
	e.cfg.BaseURL = "http://mm.test"
	e.cfg.SignupLimit = handlers.Limit{Max: 1000, Window: time.Hour}
	e.cfg.LiveStreams.Heartbeat = 20 * time.Millisecond // a closed test stream is noticed at once, and the server shuts down
	for _, o := range opts {
		o(&e.cfg)
	}
	e.app, err = handlers.New(handlers.Deps{
		Config: e.cfg, Control: e.control, Pool: e.pool,
		Hasher: auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1}, 4),
		Mailer: e.mailer, Clock: e.clock, Log: log, Views: os.DirFS(".."), Assets: os.DirFS(".."),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		e.pool.Close()
		e.control.Close()
	})
	return e
}

// client is one browser: a cookie jar, the last CSRF token it saw, and the
// address it claims to come from.
type browser struct {
	e       *env
	jar     *cookiejar.Jar
	csrf    string
	headers map[string]string
}

func (e *env) newClient() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, jar: jar, headers: map[string]string{}}
}

var baseURL, _ = url.Parse("http://mm.test/")

// response is a finished request with its body read.
type response struct {
	*http.Response
	Body string
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (c *browser) do(method, path string, body io.Reader, contentType string) *response {
	c.e.t.Helper()
	req := httptest.NewRequest(method, path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	for _, ck := range c.jar.Cookies(baseURL.ResolveReference(&url.URL{Path: req.URL.Path})) {
		req.AddCookie(ck)
	}
	res, err := c.e.app.Test(req, -1)
	if err != nil {
		c.e.t.Fatalf("%s %s: %v", method, path, err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	c.jar.SetCookies(baseURL, res.Cookies())
	r := &response{Response: res, Body: string(b)}
	if m := csrfInput.FindStringSubmatch(r.Body); m != nil {
		c.csrf = m[1]
	}
	return r
}

// get fetches a page.
func (c *browser) get(path string) *response { return c.do("GET", path, nil, "") }

// post submits a form with the client's current CSRF token, unless the
// form sets _csrf itself.
func (c *browser) post(path string, form url.Values) *response {
	c.e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["_csrf"]; !ok {
		form.Set("_csrf", c.csrf)
	}
	return c.do("POST", path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
}

// sessionCookie returns the browser's session cookie value.
func (c *browser) cookie(name string) string {
	for _, ck := range c.jar.Cookies(baseURL) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

func (c *browser) setCookie(name, value string) {
	c.jar.SetCookies(baseURL, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// agency is a signed-up agency with its owner's browser.
type agency struct {
	ID, Slug, Name string
	OwnerEmail     string
	Owner          *browser
}

// mustSignup creates an agency through the sign-up form.
func (e *env) mustSignup(t *testing.T, prefix string) *agency {
	t.Helper()
	n := slugCounter.Add(1)
	a := &agency{Slug: fmt.Sprintf("%s-%d", prefix, n), Name: fmt.Sprintf("Agency %s %d", prefix, n), OwnerEmail: fmt.Sprintf("owner-%s-%d@example.test", prefix, n)}
	a.Owner = e.newClient()
	a.Owner.get("/signup")
	res := a.Owner.post("/signup", url.Values{"agency_name": {a.Name}, "slug": {a.Slug}, "owner_name": {"Olive Owner"}, "email": {a.OwnerEmail}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("signup %s: status %d\n%s", a.Slug, res.StatusCode, res.Body)
	}
	got, err := e.control.AgencyBySlug(context.Background(), a.Slug)
	if err != nil {
		t.Fatal(err)
	}
	a.ID = got.ID
	a.Owner.get("/a/" + a.Slug) // pick up the session's CSRF token
	return a
}

// mustTenant opens an agency's database for direct checks.
func (e *env) mustTenant(t *testing.T, agencyID string) *tenant.Store {
	t.Helper()
	tn, release, err := e.pool.Acquire(context.Background(), agencyID)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(release)
	return tn
}

// mustAddUser creates a user with role in the agency through the real
// invite path and returns a signed-in browser for them. A client contact
// belongs to a client of its own, "Client of <email>".
func (e *env) mustAddUser(t *testing.T, a *agency, role string) (*browser, string) {
	t.Helper()
	ctx := context.Background()
	n := slugCounter.Add(1)
	email := fmt.Sprintf("%s-%d@example.test", role, n)
	tn := e.mustTenant(t, a.ID)
	var token string
	var err error
	if role == tenant.RoleClient {
		owner, err := tn.UserByEmail(ctx, a.OwnerEmail)
		if err != nil {
			t.Fatal(err)
		}
		v := tenant.Viewer{UserID: owner.ID}
		cl, err := tn.CreateClient(ctx, v, tenant.ClientInput{Name: "Client of " + email, Kind: tenant.ClientCompany}, tenant.Audit{Action: "client.created"})
		if err != nil {
			t.Fatal(err)
		}
		token, _, err = tn.CreateContactInvite(ctx, v, cl.ID, email, "", time.Hour, tenant.Audit{Action: "contact.invited"})
		if err != nil {
			t.Fatal(err)
		}
	} else if token, _, err = tn.CreateInvite(ctx, email, role, "", time.Hour, tenant.Audit{Action: "invite.sent"}); err != nil {
		t.Fatal(err)
	}
	hash, _ := auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1}, 1).Hash(ctx, testPassword)
	if _, err := tn.AcceptInvite(ctx, token, strings.ToUpper(role[:1])+role[1:]+" Person", hash, tenant.Audit{Action: "invite.accepted"}); err != nil {
		t.Fatal(err)
	}
	if err := e.control.AddToDirectory(ctx, email, a.ID); err != nil {
		t.Fatal(err)
	}
	return e.mustLogin(t, a, email), email
}

// mustLogin signs in on the agency's page in a new browser.
func (e *env) mustLogin(t *testing.T, a *agency, email string) *browser {
	t.Helper()
	c := e.newClient()
	c.get("/a/" + a.Slug + "/login")
	res := c.post("/a/"+a.Slug+"/login", url.Values{"email": {email}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: status %d\n%s", email, res.StatusCode, res.Body)
	}
	c.get(res.Header.Get("Location"))
	return c
}

// flushMail sends queued mail to the test SMTP server.
func (e *env) flushMail(t *testing.T) {
	t.Helper()
	if err := e.mailer.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
}

var linkPattern = regexp.MustCompile(`http://mm\.test(/\S+)`)

// mailedLink waits for the next email to `to` and returns the path of the link in it.
func (e *env) mailedLink(t *testing.T, to string) string {
	t.Helper()
	e.flushMail(t)
	msg := e.smtp.WaitFor(t, to, 5*time.Second)
	m := linkPattern.FindStringSubmatch(msg.Body)
	if m == nil {
		t.Fatalf("no link in email to %s:\n%s", to, msg.Body)
	}
	return m[1]
}

func wantStatus(t *testing.T, res *response, want int) {
	t.Helper()
	if res.StatusCode != want {
		body := res.Body
		if len(body) > 1500 {
			body = body[:1500]
		}
		t.Fatalf("status %d, want %d\n%s", res.StatusCode, want, body)
	}
}

func wantContains(t *testing.T, res *response, s string) {
	t.Helper()
	if !strings.Contains(res.Body, s) {
		t.Fatalf("body lacks %q:\n%s", s, res.Body)
	}
}
