package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestInviteByEmail(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "invite")
	ctx := context.Background()
	e.flushMail(t)
	e.smtp.WaitFor(t, a.OwnerEmail, 5*time.Second) // the welcome email

	res := a.Owner.post("/a/"+a.Slug+"/invites", url.Values{"email": {"Newbie@Example.test"}, "role": {"admin"}})
	wantStatus(t, res, http.StatusSeeOther)
	link := e.mailedLink(t, "newbie@example.test")
	if !strings.HasPrefix(link, "/a/"+a.Slug+"/invite/") {
		t.Fatalf("link %q", link)
	}

	c := e.newClient()
	page := c.get(link)
	wantStatus(t, page, http.StatusOK)
	wantContains(t, page, "newbie@example.test")

	t.Run("bad input is refused and uses nothing", func(t *testing.T) {
		res := c.post(link, url.Values{"name": {""}, "password": {"short"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Enter a name.")
	})

	res = c.post(link, url.Values{"name": {"Nina Newbie"}, "password": {testPassword}})
	wantStatus(t, res, http.StatusSeeOther)
	if !signedIn(c, a) {
		t.Fatal("not signed in after accepting")
	}
	u, err := e.mustTenant(t, a.ID).UserByEmail(ctx, "newbie@example.test")
	if err != nil || u.Role != "admin" || u.Name != "Nina Newbie" {
		t.Fatalf("user %+v, %v", u, err)
	}

	t.Run("the link works only once", func(t *testing.T) {
		again := e.newClient()
		wantStatus(t, again.get(link), http.StatusNotFound)
		again.get("/a/" + a.Slug + "/login")
		wantStatus(t, again.post(link, url.Values{"name": {"Mallory"}, "password": {testPassword}}), http.StatusNotFound)
	})

	t.Run("the new person can sign in on the global page", func(t *testing.T) {
		g := e.newClient()
		g.get("/login")
		wantStatus(t, g.post("/login", url.Values{"email": {"newbie@example.test"}, "password": {testPassword}}), http.StatusSeeOther)
	})

	t.Run("an expired invite is refused", func(t *testing.T) {
		a.Owner.post("/a/"+a.Slug+"/invites", url.Values{"email": {"late@example.test"}, "role": {"staff"}})
		link := e.mailedLink(t, "late@example.test")
		e.clock.Advance(e.cfg.InviteTTL + time.Minute)
		wantStatus(t, e.newClient().get(link), http.StatusNotFound)
		a.Owner = e.mustLogin(t, a, a.OwnerEmail)
		c = e.mustLogin(t, a, "newbie@example.test")
	})

	t.Run("an admin cannot invite an owner", func(t *testing.T) {
		res := c.post("/a/"+a.Slug+"/invites", url.Values{"email": {"boss@example.test"}, "role": {"owner"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Choose a role you are allowed to give.")
	})

	t.Run("inviting a member is refused with a message", func(t *testing.T) {
		res := a.Owner.post("/a/"+a.Slug+"/invites", url.Values{"email": {"newbie@example.test"}, "role": {"staff"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "already has an account")
	})

	t.Run("the invitation is in the audit log", func(t *testing.T) {
		res := a.Owner.get("/a/" + a.Slug + "/audit?action=invite.sent")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "newbie@example.test")
	})
}

func TestPasswordResetByEmail(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "reset")
	e.flushMail(t)
	e.smtp.WaitFor(t, a.OwnerEmail, 5*time.Second) // the welcome email
	other := e.mustLogin(t, a, a.OwnerEmail)

	c := e.newClient()
	c.get("/forgot")
	res := c.post("/forgot", url.Values{"email": {a.OwnerEmail}})
	wantStatus(t, res, http.StatusOK)
	wantContains(t, res, "If an account exists")
	link := e.mailedLink(t, a.OwnerEmail)

	t.Run("an unknown address gets the same answer and no email", func(t *testing.T) {
		res := c.post("/forgot", url.Values{"email": {"ghost@example.test"}})
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "If an account exists")
		e.flushMail(t)
		for _, m := range e.smtp.Messages() {
			for _, to := range m.To {
				if to == "ghost@example.test" {
					t.Fatal("mail sent to an unknown address")
				}
			}
		}
	})

	wantStatus(t, c.get(link), http.StatusOK)
	res = c.post(link, url.Values{"password": {"my new password"}, "password_confirm": {"my new password!"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantContains(t, res, "not the same")
	res = c.post(link, url.Values{"password": {"my new password"}, "password_confirm": {"my new password"}})
	wantStatus(t, res, http.StatusSeeOther)

	t.Run("the link works only once", func(t *testing.T) {
		wantStatus(t, c.get(link), http.StatusNotFound)
		wantStatus(t, c.post(link, url.Values{"password": {"another password"}, "password_confirm": {"another password"}}), http.StatusNotFound)
	})
	t.Run("every session ended", func(t *testing.T) {
		if signedIn(other, a) || signedIn(a.Owner, a) {
			t.Fatal("a session survived the reset")
		}
	})
	t.Run("the new password works and the old one not", func(t *testing.T) {
		g := e.newClient()
		g.get("/login")
		wantStatus(t, g.post("/login", url.Values{"email": {a.OwnerEmail}, "password": {testPassword}}), http.StatusUnauthorized)
		wantStatus(t, g.post("/login", url.Values{"email": {a.OwnerEmail}, "password": {"my new password"}}), http.StatusSeeOther)
	})
	t.Run("a link expires after an hour", func(t *testing.T) {
		c.post("/a/"+a.Slug+"/forgot", url.Values{"email": {a.OwnerEmail}})
		link := e.mailedLink(t, a.OwnerEmail)
		e.clock.Advance(61 * time.Minute)
		wantStatus(t, e.newClient().get(link), http.StatusNotFound)
	})
}
