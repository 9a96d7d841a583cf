package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// signedIn reports whether the browser's session opens the staff dashboard.
func signedIn(c *browser, a *agency) bool {
	res := c.get("/a/" + a.Slug)
	return res.StatusCode == http.StatusOK
}

func TestSessions(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "sess")
	ctx := context.Background()

	t.Run("a session token from before sign-in is not valid after it", func(t *testing.T) {
		c := e.mustLogin(t, a, a.OwnerEmail)
		before := c.cookie("mm_session")
		c.get("/a/" + a.Slug + "/login")
		wantStatus(t, c.post("/a/"+a.Slug+"/login", url.Values{"email": {a.OwnerEmail}, "password": {testPassword}}), http.StatusSeeOther)
		after := c.cookie("mm_session")
		if after == before {
			t.Fatal("sign-in kept the old token")
		}
		replay := e.newClient()
		replay.setCookie("mm_session", before)
		if signedIn(replay, a) {
			t.Fatal("the pre-sign-in token still works")
		}
		if !signedIn(c, a) {
			t.Fatal("the new token does not work")
		}
	})

	t.Run("logout ends the session for good", func(t *testing.T) {
		c := e.mustLogin(t, a, a.OwnerEmail)
		token := c.cookie("mm_session")
		wantStatus(t, c.post("/a/"+a.Slug+"/logout", nil), http.StatusSeeOther)
		replay := e.newClient()
		replay.setCookie("mm_session", token)
		if signedIn(replay, a) {
			t.Fatal("token works after logout")
		}
	})

	t.Run("a password change ends every other session and keeps this one", func(t *testing.T) {
		_, email := e.mustAddUser(t, a, "staff")
		here := e.mustLogin(t, a, email)
		elsewhere := e.mustLogin(t, a, email)
		res := here.post("/a/"+a.Slug+"/account/password", url.Values{"current_password": {testPassword}, "password": {"a brand new password"}, "password_confirm": {"a brand new password"}})
		wantStatus(t, res, http.StatusSeeOther)
		if !signedIn(here, a) {
			t.Fatal("this session ended")
		}
		if signedIn(elsewhere, a) {
			t.Fatal("the other session survived")
		}
	})

	t.Run("a wrong current password changes nothing", func(t *testing.T) {
		_, email := e.mustAddUser(t, a, "staff")
		c := e.mustLogin(t, a, email)
		u, _ := e.mustTenant(t, a.ID).UserByEmail(ctx, email)
		res := c.post("/a/"+a.Slug+"/account/password", url.Values{"current_password": {"not my password"}, "password": {"a brand new password"}, "password_confirm": {"a brand new password"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "This is not your current password.")
		after, _ := e.mustTenant(t, a.ID).UserByEmail(ctx, email)
		if after.PasswordHash != u.PasswordHash {
			t.Fatal("password changed")
		}
	})

	t.Run("the sessions page lists devices and revokes one", func(t *testing.T) {
		_, email := e.mustAddUser(t, a, "staff")
		here := e.mustLogin(t, a, email)
		phone := e.newClient()
		phone.headers["User-Agent"] = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1"
		phone.get("/a/" + a.Slug + "/login")
		phone.post("/a/"+a.Slug+"/login", url.Values{"email": {email}, "password": {testPassword}})
		res := here.get("/a/" + a.Slug + "/account/sessions")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Safari on iPhone")
		u, _ := e.mustTenant(t, a.ID).UserByEmail(ctx, email)
		sessions, _ := e.mustTenant(t, a.ID).UserSessions(ctx, u.ID)
		var phoneID string
		for _, s := range sessions {
			if strings.Contains(s.UserAgent, "iPhone") {
				phoneID = s.ID
			}
		}
		wantStatus(t, here.post("/a/"+a.Slug+"/account/sessions/"+phoneID+"/revoke", nil), http.StatusSeeOther)
		if signedIn(phone, a) {
			t.Fatal("revoked session still works")
		}
		if !signedIn(here, a) {
			t.Fatal("this session ended")
		}
	})

	t.Run("someone else's session id cannot be revoked", func(t *testing.T) {
		_, email := e.mustAddUser(t, a, "staff")
		victim := e.mustLogin(t, a, email)
		u, _ := e.mustTenant(t, a.ID).UserByEmail(ctx, email)
		sessions, _ := e.mustTenant(t, a.ID).UserSessions(ctx, u.ID)
		wantStatus(t, a.Owner.post("/a/"+a.Slug+"/account/sessions/"+sessions[0].ID+"/revoke", nil), http.StatusNotFound)
		if !signedIn(victim, a) {
			t.Fatal("victim signed out")
		}
	})

	t.Run("a session ends after the idle timeout", func(t *testing.T) {
		c := e.mustLogin(t, a, a.OwnerEmail)
		e.clock.Advance(e.cfg.SessionIdle - time.Minute)
		if !signedIn(c, a) {
			t.Fatal("ended before the idle timeout")
		}
		e.clock.Advance(e.cfg.SessionIdle + time.Minute)
		if signedIn(c, a) {
			t.Fatal("survived the idle timeout")
		}
	})

	t.Run("a busy session still ends at the absolute timeout", func(t *testing.T) {
		c := e.mustLogin(t, a, a.OwnerEmail)
		for elapsed := time.Duration(0); elapsed < e.cfg.SessionAbsolute-time.Hour; elapsed += time.Hour {
			e.clock.Advance(time.Hour)
			if !signedIn(c, a) {
				t.Fatalf("ended after %s", elapsed)
			}
		}
		e.clock.Advance(2 * time.Hour)
		if signedIn(c, a) {
			t.Fatal("survived the absolute timeout")
		}
		a.Owner = e.mustLogin(t, a, a.OwnerEmail)
	})

	t.Run("disabling an account ends its sessions and refuses sign-in", func(t *testing.T) {
		staff, email := e.mustAddUser(t, a, "staff")
		u, _ := e.mustTenant(t, a.ID).UserByEmail(ctx, email)
		wantStatus(t, a.Owner.post("/a/"+a.Slug+"/users/"+u.ID+"/disable", nil), http.StatusSeeOther)
		if signedIn(staff, a) {
			t.Fatal("disabled user still signed in")
		}
		c := e.newClient()
		c.get("/a/" + a.Slug + "/login")
		res := c.post("/a/"+a.Slug+"/login", url.Values{"email": {email}, "password": {testPassword}})
		wantStatus(t, res, http.StatusForbidden)
		wantContains(t, res, "disabled")
	})

	t.Run("session cookies are HttpOnly and SameSite", func(t *testing.T) {
		c := e.newClient()
		c.get("/a/" + a.Slug + "/login")
		res := c.post("/a/"+a.Slug+"/login", url.Values{"email": {a.OwnerEmail}, "password": {testPassword}})
		for _, ck := range res.Cookies() {
			if ck.Name == "mm_session" && (!ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode) {
				t.Fatalf("cookie flags: %+v", ck)
			}
		}
	})
}
