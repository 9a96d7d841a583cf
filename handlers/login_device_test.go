package handlers_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"mintedmind/db/control"
	"mintedmind/handlers"
)

// behindProxy is an installation behind a trusted proxy (app.Test's
// connections come from 0.0.0.0), so that every X-Forwarded-For is a
// client address of its own, as a stranger rotating addresses has.
func behindProxy(c *handlers.Config) { c.TrustedProxies = []string{"0.0.0.0"} }

// signInAt posts the agency's sign-in form from address ip.
func signInAt(c *browser, a *agency, ip, email, password string) *response {
	c.headers["X-Forwarded-For"] = ip
	c.get("/a/" + a.Slug + "/login")
	return c.post("/a/"+a.Slug+"/login", url.Values{"email": {email}, "password": {password}})
}

func TestSignInAStrangerCannotLock(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t, behindProxy)
	a := e.mustSignup(t, "nolock")
	limit := e.cfg.LoginLimit

	// The owner's browser signed in at sign-up and carries a device cookie;
	// it signs out, as at the end of a working day.
	owner := a.Owner
	if owner.cookie("mm_device") == "" {
		t.Fatal("sign-up gave the browser no device cookie")
	}
	wantStatus(t, owner.post("/a/"+a.Slug+"/logout", nil), http.StatusSeeOther)

	stranger := e.newClient()
	refused := 0
	for i := 0; i < 100; i++ {
		res := signInAt(stranger, a, fmt.Sprintf("203.0.%d.%d", 113+i/200, 1+i%200), a.OwnerEmail, fmt.Sprintf("guess %d", i))
		switch res.StatusCode {
		case http.StatusUnauthorized:
		case http.StatusTooManyRequests:
			refused++
		default:
			t.Fatalf("attempt %d: status %d", i, res.StatusCode)
		}
	}
	if refused != 100-limit.Max {
		t.Fatalf("%d of the stranger's 100 attempts were refused, want all but the first %d", refused, limit.Max)
	}

	t.Run("the owner's known browser signs in at once", func(t *testing.T) {
		res := signInAt(owner, a, "198.51.100.7", a.OwnerEmail, testPassword)
		wantStatus(t, res, http.StatusSeeOther)
		if !signedIn(owner, a) {
			t.Fatal("not signed in")
		}
	})

	t.Run("the stranger is still throttled, even with the right password", func(t *testing.T) {
		res := signInAt(stranger, a, "203.0.113.250", a.OwnerEmail, testPassword)
		wantStatus(t, res, http.StatusTooManyRequests)
		wantContains(t, res, "Too many attempts")
		if res.Header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
	})

	t.Run("untrusted browsers are slowed, not locked: one attempt per interval", func(t *testing.T) {
		e.clock.Advance(limit.Window/time.Duration(limit.Max) + time.Second)
		wantStatus(t, signInAt(stranger, a, "203.0.113.251", a.OwnerEmail, "one more guess"), http.StatusUnauthorized)
		wantStatus(t, signInAt(stranger, a, "203.0.113.252", a.OwnerEmail, "and another"), http.StatusTooManyRequests)

		e.clock.Advance(limit.Window/time.Duration(limit.Max) + time.Second)
		fresh := e.newClient() // the owner on a new laptop, well before the window ends
		wantStatus(t, signInAt(fresh, a, "198.51.100.8", a.OwnerEmail, testPassword), http.StatusSeeOther)
	})
}

func TestSignInKnownBrowsers(t *testing.T) {
	t.Parallel()
	t.Run("a crowded office address stops strangers but not the staff's own browsers", func(t *testing.T) {
		e := mustNewEnv(t, behindProxy, func(c *handlers.Config) { c.LoginIPLimit = handlers.Limit{Max: 20, Window: 15 * time.Minute} })
		a := e.mustSignup(t, "office")
		const office = "192.0.2.10"
		for i := 0; i < 20; i++ {
			signInAt(e.newClient(), a, office, fmt.Sprintf("nobody%d@example.test", i), "wrong")
		}
		wantStatus(t, signInAt(e.newClient(), a, office, a.OwnerEmail, testPassword), http.StatusTooManyRequests)
		wantStatus(t, signInAt(a.Owner, a, office, a.OwnerEmail, testPassword), http.StatusSeeOther)
	})

	t.Run("a known browser's own failures lock it, and only it", func(t *testing.T) {
		e := mustNewEnv(t, behindProxy)
		a := e.mustSignup(t, "ownfail")
		for i := 0; i < e.cfg.LoginLimit.Max; i++ {
			wantStatus(t, signInAt(a.Owner, a, "198.51.100.1", a.OwnerEmail, "typo"), http.StatusUnauthorized)
		}
		wantStatus(t, signInAt(a.Owner, a, "198.51.100.1", a.OwnerEmail, testPassword), http.StatusTooManyRequests)
		// An untrusted browser is not held up by the known browser's failures.
		wantStatus(t, signInAt(e.newClient(), a, "198.51.100.2", a.OwnerEmail, testPassword), http.StatusSeeOther)
	})

	t.Run("the device cookie is for its own email only", func(t *testing.T) {
		e := mustNewEnv(t, behindProxy)
		a := e.mustSignup(t, "devemail")
		_, staffEmail := e.mustAddUser(t, a, "staff")
		for i := 0; i < e.cfg.LoginLimit.Max; i++ {
			signInAt(e.newClient(), a, fmt.Sprintf("203.0.113.%d", i+1), staffEmail, "wrong")
		}
		// The owner's browser is untrusted for the staff member's account.
		wantStatus(t, signInAt(a.Owner, a, "198.51.100.3", staffEmail, testPassword), http.StatusTooManyRequests)
	})

	t.Run("a forged or altered device cookie counts for nothing", func(t *testing.T) {
		e := mustNewEnv(t, behindProxy)
		a := e.mustSignup(t, "devforge")
		real := a.Owner.cookie("mm_device")
		for i := 0; i < e.cfg.LoginLimit.Max; i++ {
			signInAt(e.newClient(), a, fmt.Sprintf("203.0.113.%d", i+1), a.OwnerEmail, "wrong")
		}
		for name, value := range map[string]string{
			"altered signature": real[:len(real)-2] + "xx",
			"made up":           "b3duZXJAZXhhbXBsZS50ZXN0.abc.1.sig",
		} {
			c := e.newClient()
			c.setCookie("mm_device", value)
			if res := signInAt(c, a, "198.51.100.4", a.OwnerEmail, testPassword); res.StatusCode != http.StatusTooManyRequests {
				t.Errorf("%s: status %d, want 429", name, res.StatusCode)
			}
		}
		c := e.newClient()
		c.setCookie("mm_device", real) // the real one, copied: it is the owner's browser
		wantStatus(t, signInAt(c, a, "198.51.100.5", a.OwnerEmail, testPassword), http.StatusSeeOther)
	})

	t.Run("the operator's browser is known too", func(t *testing.T) {
		e := mustNewEnv(t, behindProxy)
		opEmail := mustCreateOperator(t, e)
		op := e.newClient()
		op.get("/operator/login")
		wantStatus(t, op.post("/operator/login", url.Values{"email": {opEmail}, "password": {testPassword}}), http.StatusSeeOther)
		stranger := e.newClient()
		stranger.get("/operator/login")
		for i := 0; i < e.cfg.LoginLimit.Max+5; i++ {
			stranger.headers["X-Forwarded-For"] = fmt.Sprintf("203.0.113.%d", i+1)
			stranger.post("/operator/login", url.Values{"email": {opEmail}, "password": {"wrong"}})
		}
		wantStatus(t, stranger.post("/operator/login", url.Values{"email": {opEmail}, "password": {testPassword}}), http.StatusTooManyRequests)
		op.get("/operator/login")
		wantStatus(t, op.post("/operator/login", url.Values{"email": {opEmail}, "password": {testPassword}}), http.StatusSeeOther)
	})
}

func TestCSRFNotFromTheQueryString(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "csrfq")

	t.Run("a signed-in form with the token in the URL only is refused", func(t *testing.T) {
		res := a.Owner.do("POST", "/a/"+a.Slug+"/logout?_csrf="+url.QueryEscape(a.Owner.csrf), strings.NewReader(""), "application/x-www-form-urlencoded")
		wantStatus(t, res, http.StatusForbidden)
		if !signedIn(a.Owner, a) {
			t.Fatal("signed out by a token in the query string")
		}
	})
	t.Run("a public form with the token in the URL only is refused", func(t *testing.T) {
		c := e.newClient()
		c.get("/login")
		body := url.Values{"email": {a.OwnerEmail}, "password": {testPassword}}.Encode()
		wantStatus(t, c.do("POST", "/login?_csrf="+url.QueryEscape(c.csrf), strings.NewReader(body), "application/x-www-form-urlencoded"), http.StatusForbidden)
	})
	t.Run("the form field and the header still work", func(t *testing.T) {
		c := e.newClient()
		c.get("/login")
		wantStatus(t, c.post("/login", url.Values{"email": {a.OwnerEmail}, "password": {testPassword}}), http.StatusSeeOther)
		a.Owner.headers["X-CSRF-Token"] = a.Owner.csrf
		wantStatus(t, a.Owner.do("POST", "/a/"+a.Slug+"/logout", strings.NewReader(""), "application/x-www-form-urlencoded"), http.StatusSeeOther)
	})
}

// rawCookies is a browser for an HTTPS installation: app.Test speaks
// plain HTTP, where a cookie jar would keep Secure cookies back, so the
// cookies are carried by hand.
type rawCookies struct {
	e       *env
	cookies map[string]*http.Cookie
	csrf    string
}

func newRawCookies(e *env) *rawCookies { return &rawCookies{e: e, cookies: map[string]*http.Cookie{}} }

func (r *rawCookies) do(t *testing.T, method, path string, form url.Values) *response {
	t.Helper()
	req := httptest.NewRequest(method, "https://mm.test"+path, nil)
	if form != nil {
		if _, ok := form["_csrf"]; !ok {
			form.Set("_csrf", r.csrf)
		}
		req = httptest.NewRequest(method, "https://mm.test"+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, ck := range r.cookies {
		req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
	}
	res, err := r.e.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, ck := range res.Cookies() {
		if ck.MaxAge < 0 {
			delete(r.cookies, ck.Name)
		} else {
			r.cookies[ck.Name] = ck
		}
	}
	if m := csrfInput.FindStringSubmatch(string(b)); m != nil {
		r.csrf = m[1]
	}
	return &response{Response: res, Body: string(b)}
}

func TestHostPrefixedCookiesOverHTTPS(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t, func(c *handlers.Config) { c.BaseURL = "https://mm.test" })
	owner := newRawCookies(e)
	owner.do(t, "GET", "/signup", nil)
	slug, email := "hostck-"+uuid.NewString()[:8], "owner-hostck@example.test"
	res := owner.do(t, "POST", "/signup", url.Values{"agency_name": {"Host Cookies"}, "slug": {slug}, "owner_name": {"Olive Owner"}, "email": {email}, "password": {testPassword}})
	wantStatus(t, res, http.StatusSeeOther)

	b := newRawCookies(e)
	b.do(t, "GET", "/a/"+slug+"/login", nil)
	wantStatus(t, b.do(t, "POST", "/a/"+slug+"/login", url.Values{"email": {email}, "password": {testPassword}}), http.StatusSeeOther)
	for _, name := range []string{"mm_csrf", "mm_session", "mm_device"} {
		ck := b.cookies["__Host-"+name]
		if ck == nil {
			t.Fatalf("no __Host-%s among %v", name, b.cookies)
		}
		if !ck.Secure || ck.Path != "/" || ck.Domain != "" || !ck.HttpOnly {
			t.Errorf("__Host-%s: Secure %v, Path %q, Domain %q, HttpOnly %v", name, ck.Secure, ck.Path, ck.Domain, ck.HttpOnly)
		}
	}
	for name := range b.cookies {
		if !strings.HasPrefix(name, "__Host-") {
			t.Errorf("cookie %s set without the prefix", name)
		}
	}
	wantStatus(t, b.do(t, "GET", "/a/"+slug+"/cases", nil), http.StatusOK)

	t.Run("a cookie without the prefix is not read", func(t *testing.T) {
		plain := newRawCookies(e)
		plain.cookies["mm_session"] = &http.Cookie{Name: "mm_session", Value: b.cookies["__Host-mm_session"].Value}
		wantStatus(t, plain.do(t, "GET", "/a/"+slug+"/cases", nil), http.StatusSeeOther)
	})
	t.Run("the operator's cookie is host-wide too", func(t *testing.T) {
		token, err := e.control.CreateSetupToken(context.Background(), control.SetupCLI, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		op := newRawCookies(e)
		op.do(t, "GET", "/setup/"+token, nil)
		wantStatus(t, op.do(t, "POST", "/setup/"+token, url.Values{"name": {"Opal Operator"}, "email": {"op-host@example.test"}, "password": {testPassword}}), http.StatusSeeOther)
		op = newRawCookies(e)
		op.do(t, "GET", "/operator/login", nil)
		wantStatus(t, op.do(t, "POST", "/operator/login", url.Values{"email": {"op-host@example.test"}, "password": {testPassword}}), http.StatusSeeOther)
		ck := op.cookies["__Host-mm_operator"]
		if ck == nil || ck.Path != "/" || !ck.Secure {
			t.Fatalf("operator cookie %+v", ck)
		}
		wantStatus(t, op.do(t, "GET", "/operator", nil), http.StatusOK)
	})
	t.Run("/cookies names them as the browser shows them", func(t *testing.T) {
		res := b.do(t, "GET", "/cookies", nil)
		wantContains(t, res, "<code>__Host-mm_session</code>")
		wantContains(t, res, "<code>__Host-mm_device</code>")
	})
}
