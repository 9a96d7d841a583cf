package handlers_test

import (
	"bytes"
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"mintedmind/auth"
	"mintedmind/db/tenant"
)

var (
	secretPattern   = regexp.MustCompile(`<code class="secret">((?:<span>[A-Z2-7]+</span>)+)</code>`)
	qrPattern       = regexp.MustCompile(`<img src="([^"]+)" alt="QR code for your authenticator app"`)
	ticketPattern   = regexp.MustCompile(`name="ticket" value="([^"]+)"`)
	recoveryPattern = regexp.MustCompile(`<li><code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code></li>`)
)

// mustTurnOnTwoFactor sets up two-factor sign-in for the signed-in browser
// and returns the secret and the recovery codes.
func mustTurnOnTwoFactor(t *testing.T, e *env, c *browser, slug string) (string, []string) {
	t.Helper()
	base := "/a/" + slug + "/account/two-factor"
	c.get(base)
	res := c.post(base+"/setup", nil)
	wantStatus(t, res, http.StatusOK)
	wantContains(t, res, `src="/a/`+slug+`/account/two-factor/qr.png?v=`)
	secret := secretOf(res)
	if secret == "" {
		t.Fatalf("no key on the set-up page:\n%s", res.Body)
	}
	res = c.post(base+"/confirm", url.Values{"code": {auth.TOTPCode(secret, e.clock.Now())}})
	wantStatus(t, res, http.StatusOK)
	var codes []string
	for _, m := range recoveryPattern.FindAllStringSubmatch(res.Body, -1) {
		codes = append(codes, m[1])
	}
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes shown:\n%s", len(codes), res.Body)
	}
	return secret, codes
}

// passwordStep signs in with the password in a new browser and returns it
// with the response (the code page when two-factor sign-in is on).
func passwordStep(t *testing.T, e *env, a *agency, email string) (*browser, *response) {
	t.Helper()
	c := e.newClient()
	c.get("/a/" + a.Slug + "/login")
	return c, c.post("/a/"+a.Slug+"/login", url.Values{"email": {email}, "password": {testPassword}})
}

func ticketOf(t *testing.T, res *response) string {
	t.Helper()
	m := ticketPattern.FindStringSubmatch(res.Body)
	if m == nil {
		t.Fatalf("no ticket in:\n%s", res.Body)
	}
	return m[1]
}

func TestTwoFactorSignIn(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "tfa")
	ctx := context.Background()
	tn := e.mustTenant(t, a.ID)
	base := "/a/" + a.Slug + "/account/two-factor"

	t.Run("a wrong code during set-up leaves it off", func(t *testing.T) {
		res := a.Owner.post(base+"/setup", nil)
		secret := secretOf(res)
		res = a.Owner.post(base+"/confirm", url.Values{"code": {"000000"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "That code didn&#39;t match.")
		if again := secretOf(res); again != secret || secret == "" {
			t.Fatalf("the key changed from %q to %q: the same key, to try again", secret, again)
		}
		if u, _ := tn.UserByEmail(ctx, a.OwnerEmail); u.TwoFactor {
			t.Fatal("two-factor turned on by a wrong code")
		}
	})

	secret, codes := mustTurnOnTwoFactor(t, e, a.Owner, a.Slug)
	if u, _ := tn.UserByEmail(ctx, a.OwnerEmail); !u.TwoFactor {
		t.Fatal("two-factor is not on after set-up")
	}
	wantContains(t, a.Owner.get(base), "You have 10 unused recovery codes.")

	t.Run("the password alone does not sign in", func(t *testing.T) {
		c, res := passwordStep(t, e, a, a.OwnerEmail)
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Two-factor sign-in")
		if signedIn(c, a) {
			t.Fatal("signed in without the code")
		}
		res = c.post("/a/"+a.Slug+"/login/two-factor", url.Values{"ticket": {ticketOf(t, res)}, "code": {"123456"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "That code didn&#39;t work.")
		if signedIn(c, a) {
			t.Fatal("signed in with a wrong code")
		}
	})

	t.Run("the code signs in once; the same code again does not", func(t *testing.T) {
		e.clock.Advance(time.Minute)
		code := auth.TOTPCode(secret, e.clock.Now())
		c, res := passwordStep(t, e, a, a.OwnerEmail)
		res = c.post("/a/"+a.Slug+"/login/two-factor", url.Values{"ticket": {ticketOf(t, res)}, "code": {code}})
		wantStatus(t, res, http.StatusSeeOther)
		if !signedIn(c, a) {
			t.Fatal("not signed in with the right code")
		}
		c2, res := passwordStep(t, e, a, a.OwnerEmail)
		res = c2.post("/a/"+a.Slug+"/login/two-factor", url.Values{"ticket": {ticketOf(t, res)}, "code": {code}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if signedIn(c2, a) {
			t.Fatal("a used code signed in again")
		}
	})

	t.Run("the global login asks for the code too", func(t *testing.T) {
		e.clock.Advance(time.Minute)
		c := e.newClient()
		c.get("/login")
		res := c.post("/login", url.Values{"email": {a.OwnerEmail}, "password": {testPassword}})
		wantStatus(t, res, http.StatusOK)
		res = c.post("/a/"+a.Slug+"/login/two-factor", url.Values{"ticket": {ticketOf(t, res)}, "code": {auth.TOTPCode(secret, e.clock.Now())}})
		wantStatus(t, res, http.StatusSeeOther)
		if !signedIn(c, a) {
			t.Fatal("not signed in")
		}
	})

	t.Run("a recovery code works once", func(t *testing.T) {
		c, res := passwordStep(t, e, a, a.OwnerEmail)
		res = c.post("/a/"+a.Slug+"/login/two-factor", url.Values{"ticket": {ticketOf(t, res)}, "code": {strings.ToUpper(codes[0])}})
		wantStatus(t, res, http.StatusSeeOther)
		c2, res := passwordStep(t, e, a, a.OwnerEmail)
		res = c2.post("/a/"+a.Slug+"/login/two-factor", url.Values{"ticket": {ticketOf(t, res)}, "code": {codes[0]}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if entries, _ := tn.AuditLog(ctx, tenant.AuditFilter{Action: "signin.recovery_code"}); len(entries) != 1 {
			t.Fatalf("%d recovery-code audit entries", len(entries))
		}
	})

	t.Run("a ticket works only in its browser, for five minutes, in its agency", func(t *testing.T) {
		e.clock.Advance(time.Minute)
		_, res := passwordStep(t, e, a, a.OwnerEmail)
		ticket := ticketOf(t, res)
		other := e.newClient()
		other.get("/a/" + a.Slug + "/login")
		res = other.post("/a/"+a.Slug+"/login/two-factor", url.Values{"ticket": {ticket}, "code": {auth.TOTPCode(secret, e.clock.Now())}})
		wantStatus(t, res, http.StatusForbidden)
		wantContains(t, res, "This sign-in has expired.")

		c, res := passwordStep(t, e, a, a.OwnerEmail)
		ticket = ticketOf(t, res)
		e.clock.Advance(6 * time.Minute)
		res = c.post("/a/"+a.Slug+"/login/two-factor", url.Values{"ticket": {ticket}, "code": {auth.TOTPCode(secret, e.clock.Now())}})
		wantStatus(t, res, http.StatusForbidden)

		b := e.mustSignup(t, "tfa-other")
		c, res = passwordStep(t, e, a, a.OwnerEmail)
		c.get("/a/" + b.Slug + "/login")
		res = c.post("/a/"+b.Slug+"/login/two-factor", url.Values{"ticket": {ticketOf(t, res)}, "code": {auth.TOTPCode(secret, e.clock.Now())}})
		wantStatus(t, res, http.StatusForbidden)
	})

	t.Run("wrong codes are rate limited", func(t *testing.T) {
		c, res := passwordStep(t, e, a, a.OwnerEmail)
		ticket := ticketOf(t, res)
		for i := 0; i < e.cfg.LoginLimit.Max; i++ {
			c.post("/a/"+a.Slug+"/login/two-factor", url.Values{"ticket": {ticket}, "code": {"999999"}})
		}
		e.clock.Advance(time.Minute)
		res = c.post("/a/"+a.Slug+"/login/two-factor", url.Values{"ticket": {ticket}, "code": {auth.TOTPCode(secret, e.clock.Now())}})
		wantStatus(t, res, http.StatusTooManyRequests)
		if signedIn(c, a) {
			t.Fatal("signed in past the limit")
		}
		e.clock.Advance(e.cfg.LoginLimit.Window)
	})

	t.Run("turning it off needs the password and a code", func(t *testing.T) {
		e.clock.Advance(time.Minute)
		res := a.Owner.post(base+"/disable", url.Values{"current_password": {"wrong"}, "code": {auth.TOTPCode(secret, e.clock.Now())}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "This is not your current password.")
		res = a.Owner.post(base+"/disable", url.Values{"current_password": {testPassword}, "code": {auth.TOTPCode(secret, e.clock.Now())}})
		wantStatus(t, res, http.StatusSeeOther)
		if u, _ := tn.UserByEmail(ctx, a.OwnerEmail); u.TwoFactor {
			t.Fatal("still on")
		}
		if n, _ := tn.RecoveryCodesLeft(ctx, u(t, tn, a.OwnerEmail)); n != 0 {
			t.Fatalf("%d recovery codes left after turning off", n)
		}
		_, res = passwordStep(t, e, a, a.OwnerEmail)
		wantStatus(t, res, http.StatusSeeOther)
	})
}

func u(t *testing.T, tn *tenant.Store, email string) string {
	t.Helper()
	user, err := tn.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return user.ID
}

func TestTwoFactorRequiredByTheAgency(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "tfa-req")
	staffer, _ := e.mustAddUser(t, a, "staff")
	contact, _ := e.mustAddUser(t, a, "client")

	res := a.Owner.post("/a/"+a.Slug+"/settings", url.Values{"staff_visibility": {"all"}, "two_factor_required": {"sometimes"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantContains(t, res, "Choose who must use two-factor sign-in.")
	wantStatus(t, a.Owner.post("/a/"+a.Slug+"/settings", url.Values{"staff_visibility": {"all"}, "two_factor_required": {"staff"}}), http.StatusSeeOther)

	t.Run("staff without it are sent to set it up, for every page but set-up and sign-out", func(t *testing.T) {
		res := staffer.get("/a/" + a.Slug + "/cases")
		wantStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/a/"+a.Slug+"/account/two-factor" {
			t.Fatalf("Location %q", loc)
		}
		wantStatus(t, staffer.get("/a/"+a.Slug+"/account/two-factor"), http.StatusOK)
	})
	t.Run("client contacts are not asked", func(t *testing.T) {
		wantStatus(t, contact.get("/a/"+a.Slug+"/portal"), http.StatusOK)
	})
	t.Run("after set-up the pages open, and it can't be turned off", func(t *testing.T) {
		secret, _ := mustTurnOnTwoFactor(t, e, staffer, a.Slug)
		wantStatus(t, staffer.get("/a/"+a.Slug+"/cases"), http.StatusOK)
		e.clock.Advance(time.Minute)
		res := staffer.post("/a/"+a.Slug+"/account/two-factor/disable", url.Values{"current_password": {testPassword}, "code": {auth.TOTPCode(secret, e.clock.Now())}})
		wantStatus(t, res, http.StatusForbidden)
		wantContains(t, res, "requires two-factor sign-in for your account")
	})
	t.Run("signing out still works for someone who has not set it up", func(t *testing.T) {
		wantStatus(t, a.Owner.post("/a/"+a.Slug+"/logout", nil), http.StatusSeeOther)
	})
}

// qrOf returns the set-up page's QR code image path and the key it shows.
func qrOf(t *testing.T, res *response) (path, secret string) {
	t.Helper()
	q, k := qrPattern.FindStringSubmatch(res.Body), secretOf(res)
	if q == nil || k == "" {
		t.Fatalf("no QR code or key on the set-up page:\n%s", res.Body)
	}
	return html.UnescapeString(q[1]), k
}

// secretOf returns the key the set-up page shows in groups of four, joined,
// or "" when the page shows none.
func secretOf(res *response) string {
	m := secretPattern.FindStringSubmatch(res.Body)
	if m == nil {
		return ""
	}
	return strings.NewReplacer("<span>", "", "</span>", "").Replace(m[1])
}

func TestTwoFactorQRCode(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "tfa-qr")
	staffer, staffEmail := e.mustAddUser(t, a, "staff")
	base := "/a/" + a.Slug + "/account/two-factor"
	wantQR := func(t *testing.T, c *browser, path, email, secret string) {
		t.Helper()
		res := c.get(path)
		wantStatus(t, res, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "image/png" {
			t.Fatalf("Content-Type %q", ct)
		}
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Fatalf("Cache-Control %q: the image holds the secret", cc)
		}
		key, err := auth.TOTPKeyFromSecret(a.Name, email, secret)
		if err != nil {
			t.Fatal(err)
		}
		want, err := key.QRCode(220)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal([]byte(res.Body), want) {
			t.Fatal("the image is not the QR code of the key on the page")
		}
	}

	t.Run("there is no image before a set-up starts", func(t *testing.T) {
		res := a.Owner.get(base + "/qr.png")
		wantStatus(t, res, http.StatusNotFound)
		wantContains(t, res, "No two-factor set-up is open.")
	})

	a.Owner.get(base)
	setup := a.Owner.post(base+"/setup", nil)
	path, secret := qrOf(t, setup)
	t.Run("the set-up page's image is the QR code of its key, at a route that never holds the secret", func(t *testing.T) {
		if csp := setup.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self'") {
			t.Fatalf("the strict CSP does not let the page show its own image: %q", csp)
		}
		if !strings.HasPrefix(path, base+"/qr.png?v=") {
			t.Fatalf("image at %q", path)
		}
		if strings.Contains(strings.ToUpper(path), secret) {
			t.Fatalf("the secret is in the image's URL %q", path)
		}
		wantQR(t, a.Owner, path, a.OwnerEmail, secret)
		wantQR(t, a.Owner, base+"/qr.png", a.OwnerEmail, secret) // the query only keeps caches apart
	})

	t.Run("after a wrong code the page shows the same image", func(t *testing.T) {
		res := a.Owner.post(base+"/confirm", url.Values{"code": {"000000"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		again, secretAgain := qrOf(t, res)
		if again != path || secretAgain != secret {
			t.Fatalf("image %q key %q, want %q %q", again, secretAgain, path, secret)
		}
	})

	t.Run("a new set-up gets a new key at a new URL", func(t *testing.T) {
		newPath, newSecret := qrOf(t, a.Owner.post(base+"/setup", nil))
		if newSecret == secret || newPath == path {
			t.Fatalf("the same key or URL: %q %q", newPath, newSecret)
		}
		wantQR(t, a.Owner, newPath, a.OwnerEmail, newSecret)
		path, secret = newPath, newSecret
	})

	t.Run("each person sees only their own set-up", func(t *testing.T) {
		res := staffer.get(base + "/qr.png")
		wantStatus(t, res, http.StatusNotFound)
		staffer.get(base)
		staffPath, staffSecret := qrOf(t, staffer.post(base+"/setup", nil))
		wantQR(t, staffer, staffPath, staffEmail, staffSecret)
		wantQR(t, a.Owner, path, a.OwnerEmail, secret)
	})

	t.Run("nobody signed out or of another agency gets it", func(t *testing.T) {
		res := e.newClient().get(path)
		wantStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/a/"+a.Slug+"/login") {
			t.Fatalf("Location %q", loc)
		}
		b := e.mustSignup(t, "tfa-qr-other")
		res = b.Owner.get(path)
		wantStatus(t, res, http.StatusNotFound)
		if strings.HasPrefix(res.Body, "\x89PNG") {
			t.Fatal("another agency's owner got the image")
		}
	})

	t.Run("once two-factor sign-in is on, the secret in use is never served", func(t *testing.T) {
		res := a.Owner.post(base+"/confirm", url.Values{"code": {auth.TOTPCode(secret, e.clock.Now())}})
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Your recovery codes")
		for _, p := range []string{path, base + "/qr.png"} {
			res := a.Owner.get(p)
			wantStatus(t, res, http.StatusNotFound)
			if strings.HasPrefix(res.Body, "\x89PNG") {
				t.Fatal("an image after set-up")
			}
		}
	})
}
