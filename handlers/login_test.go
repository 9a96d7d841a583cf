package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"mintedmind/auth"
	"mintedmind/db/tenant"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "login-a")
	b := e.mustSignup(t, "login-b")
	ctx := context.Background()

	t.Run("an unknown email and a wrong password get the same answer", func(t *testing.T) {
		norm := regexp.MustCompile(`value="[^"]*"|"X-CSRF-Token": "[^"]*"`)
		answer := func(email string) (int, string) {
			c := e.newClient()
			c.get("/login")
			res := c.post("/login", url.Values{"email": {email}, "password": {"wrong password"}})
			return res.StatusCode, norm.ReplaceAllString(strings.ReplaceAll(res.Body, email, "EMAIL"), "")
		}
		s1, b1 := answer(a.OwnerEmail)
		s2, b2 := answer("nobody-at-all@example.test")
		if s1 != http.StatusUnauthorized || s1 != s2 || b1 != b2 {
			t.Fatalf("answers differ: %d vs %d\n%s\n---\n%s", s1, s2, b1, b2)
		}
		if !strings.Contains(b1, "don&#39;t match") {
			t.Fatalf("no message: %s", b1)
		}
	})

	t.Run("a failed sign-in of a real account is in the agency's audit log", func(t *testing.T) {
		entries, err := e.mustTenant(t, a.ID).AuditLog(ctx, tenant.AuditFilter{Action: "signin.failed"})
		if err != nil || len(entries) == 0 {
			t.Fatalf("no audit entry: %v", err)
		}
		if entries[0].Target != a.OwnerEmail || entries[0].IP == "" {
			t.Fatalf("entry: %+v", entries[0])
		}
	})

	t.Run("the global login finds the only agency and signs in there", func(t *testing.T) {
		c := e.newClient()
		c.get("/login")
		res := c.post("/login", url.Values{"email": {strings.ToUpper(a.OwnerEmail)}, "password": {testPassword}})
		wantStatus(t, res, http.StatusSeeOther)
		if res.Header.Get("Location") != "/a/"+a.Slug {
			t.Fatalf("Location %q", res.Header.Get("Location"))
		}
	})

	// The same person is also staff in B, with a different password there.
	shared := a.OwnerEmail
	tb := e.mustTenant(t, b.ID)
	token, _, err := tb.CreateInvite(ctx, shared, "staff", "", time.Hour, tenant.Audit{Action: "invite.sent"})
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1}, 1).Hash(ctx, testPassword)
	if _, err := tb.AcceptInvite(ctx, token, "Olive in B", hash, tenant.Audit{}); err != nil {
		t.Fatal(err)
	}
	if err := e.control.AddToDirectory(ctx, shared, b.ID); err != nil {
		t.Fatal(err)
	}

	t.Run("an email in two agencies chooses after the password is checked", func(t *testing.T) {
		c := e.newClient()
		c.get("/login")
		res := c.post("/login", url.Values{"email": {shared}, "password": {testPassword}})
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, a.Name)
		wantContains(t, res, b.Name)
		ticket := regexp.MustCompile(`name="ticket" value="([^"]+)"`).FindStringSubmatch(res.Body)[1]

		t.Run("a ticket from another browser does not work", func(t *testing.T) {
			thief := e.newClient()
			thief.get("/login")
			wantStatus(t, thief.post("/login/choose", url.Values{"ticket": {ticket}, "agency": {b.ID}}), http.StatusForbidden)
		})
		t.Run("an agency not in the ticket is refused", func(t *testing.T) {
			other := e.mustSignup(t, "login-c")
			wantStatus(t, c.post("/login/choose", url.Values{"ticket": {ticket}, "agency": {other.ID}}), http.StatusForbidden)
		})
		res = c.post("/login/choose", url.Values{"ticket": {ticket}, "agency": {b.ID}})
		wantStatus(t, res, http.StatusSeeOther)
		if res.Header.Get("Location") != "/a/"+b.Slug {
			t.Fatalf("Location %q", res.Header.Get("Location"))
		}
		if !signedIn(c, b) {
			t.Fatal("not signed in to B")
		}
		t.Run("and the ticket expires", func(t *testing.T) {
			e.clock.Advance(6 * time.Minute)
			wantStatus(t, c.post("/login/choose", url.Values{"ticket": {ticket}, "agency": {a.ID}}), http.StatusForbidden)
		})
	})

	t.Run("a wrong password shows no agency list", func(t *testing.T) {
		c := e.newClient()
		c.get("/login")
		res := c.post("/login", url.Values{"email": {shared}, "password": {"wrong password"}})
		wantStatus(t, res, http.StatusUnauthorized)
		if strings.Contains(res.Body, b.Name) {
			t.Fatal("agency names leaked")
		}
	})

	t.Run("next is followed inside the agency only", func(t *testing.T) {
		for next, want := range map[string]string{
			"/a/" + a.Slug + "/users":  "/a/" + a.Slug + "/users",
			"https://evil.example/":    "/a/" + a.Slug,
			"//evil.example/":          "/a/" + a.Slug,
			"/a/" + b.Slug + "/users":  "/a/" + a.Slug,
			"/a/" + a.Slug + "//evil":  "/a/" + a.Slug,
			"/a/" + a.Slug + "/\\evil": "/a/" + a.Slug,
		} {
			c := e.newClient()
			c.get("/a/" + a.Slug + "/login?next=" + url.QueryEscape(next))
			res := c.post("/a/"+a.Slug+"/login", url.Values{"email": {a.OwnerEmail}, "password": {testPassword}, "next": {next}})
			if got := res.Header.Get("Location"); got != want {
				t.Errorf("next %q → %q, want %q", next, got, want)
			}
		}
	})

	t.Run("a signed-out visit to a page offers the login page and comes back", func(t *testing.T) {
		c := e.newClient()
		res := c.get("/a/" + a.Slug + "/audit?action=signin")
		wantStatus(t, res, http.StatusSeeOther)
		loc := res.Header.Get("Location")
		if loc != "/a/"+a.Slug+"/login?next="+url.QueryEscape("/a/"+a.Slug+"/audit?action=signin") {
			t.Fatalf("Location %q", loc)
		}
		wantContains(t, c.get(loc), `name="next" value="/a/`+a.Slug+`/audit?action=signin"`)
	})

	t.Run("a client contact lands in the portal", func(t *testing.T) {
		c, _ := e.mustAddUser(t, a, "client")
		res := c.get("/a/" + a.Slug + "/portal")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "client portal")
	})
}

// An account whose directory row was lost (a crash between accepting an
// invite and recording it) can sign in on the agency's page, and that
// sign-in makes the global login page find it again.
func TestAgencySignInRepairsTheDirectory(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "repair")
	ctx := context.Background()
	email := "lost-" + strings.ToLower(t.Name()[:4]) + "@example.test"
	token, _, err := e.mustTenant(t, a.ID).CreateInvite(ctx, email, "staff", "", time.Hour, tenant.Audit{Action: "invite.sent"})
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1}, 1).Hash(ctx, testPassword)
	if _, err := e.mustTenant(t, a.ID).AcceptInvite(ctx, token, "Lost Person", hash, tenant.Audit{}); err != nil {
		t.Fatal(err)
	}
	if found, _ := e.control.AgenciesForEmail(ctx, email); len(found) != 0 {
		t.Fatalf("directory already has %v", found)
	}
	e.mustLogin(t, a, email)
	found, err := e.control.AgenciesForEmail(ctx, email)
	if err != nil || len(found) != 1 || found[0].ID != a.ID {
		t.Fatalf("after signing in, the directory has %v (%v)", found, err)
	}
}
