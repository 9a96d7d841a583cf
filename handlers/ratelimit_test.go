package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"mintedmind/handlers"
)

func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	t.Run("the eleventh wrong password is 429 even with a rotating X-Forwarded-For from an untrusted address", func(t *testing.T) {
		e := mustNewEnv(t)
		a := e.mustSignup(t, "rl")
		c := e.newClient()
		c.get("/a/" + a.Slug + "/login")
		for i := 1; i <= 10; i++ {
			c.headers["X-Forwarded-For"] = fmt.Sprintf("203.0.113.%d", i)
			wantStatus(t, c.post("/a/"+a.Slug+"/login", url.Values{"email": {a.OwnerEmail}, "password": {"wrong password"}}), http.StatusUnauthorized)
		}
		c.headers["X-Forwarded-For"] = "198.51.100.77"
		res := c.post("/a/"+a.Slug+"/login", url.Values{"email": {a.OwnerEmail}, "password": {testPassword}})
		wantStatus(t, res, http.StatusTooManyRequests)
		wantContains(t, res, "Too many attempts")
		if res.Header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}

		t.Run("and the global login page shares the count", func(t *testing.T) {
			g := e.newClient()
			g.get("/login")
			wantStatus(t, g.post("/login", url.Values{"email": {a.OwnerEmail}, "password": {testPassword}}), http.StatusTooManyRequests)
		})

		t.Run("and it lifts when the window has passed", func(t *testing.T) {
			e.clock.Advance(16 * time.Minute)
			wantStatus(t, c.post("/a/"+a.Slug+"/login", url.Values{"email": {a.OwnerEmail}, "password": {testPassword}}), http.StatusSeeOther)
		})
	})

	t.Run("an untrusted client cycling emails and X-Forwarded-For hits the address limit", func(t *testing.T) {
		e := mustNewEnv(t, func(c *handlers.Config) { c.LoginIPLimit = handlers.Limit{Max: 20, Window: 15 * time.Minute} })
		a := e.mustSignup(t, "rlip")
		c := e.newClient()
		c.get("/login")
		for i := 0; i < 20; i++ {
			c.headers["X-Forwarded-For"] = fmt.Sprintf("203.0.113.%d", i)
			wantStatus(t, c.post("/login", url.Values{"email": {fmt.Sprintf("nobody%d@example.test", i)}, "password": {"wrong password"}}), http.StatusUnauthorized)
		}
		wantStatus(t, c.post("/login", url.Values{"email": {a.OwnerEmail}, "password": {testPassword}}), http.StatusTooManyRequests)
	})

	t.Run("behind a trusted proxy each forwarded address has its own count", func(t *testing.T) {
		e := mustNewEnv(t, func(c *handlers.Config) {
			c.TrustedProxies = []string{"0.0.0.0"} // app.Test's connections come from 0.0.0.0
			c.LoginIPLimit = handlers.Limit{Max: 20, Window: 15 * time.Minute}
		})
		a := e.mustSignup(t, "rlproxy")
		c := e.newClient()
		c.get("/login")
		c.headers["X-Forwarded-For"] = "203.0.113.1"
		for i := 0; i < 20; i++ {
			c.post("/login", url.Values{"email": {fmt.Sprintf("nobody%d@example.test", i)}, "password": {"wrong password"}})
		}
		wantStatus(t, c.post("/login", url.Values{"email": {"someone@example.test"}, "password": {"x"}}), http.StatusTooManyRequests)
		c.headers["X-Forwarded-For"] = "203.0.113.2"
		wantStatus(t, c.post("/login", url.Values{"email": {a.OwnerEmail}, "password": {testPassword}}), http.StatusSeeOther)
	})

	t.Run("sign-ups are limited per address", func(t *testing.T) {
		e := mustNewEnv(t, func(c *handlers.Config) { c.SignupLimit = handlers.Limit{Max: 3, Window: time.Hour} })
		c := e.newClient()
		c.get("/signup")
		for i := 0; i < 3; i++ {
			c.post("/signup", url.Values{"agency_name": {"x"}, "slug": {"Bad Slug"}})
		}
		wantStatus(t, c.post("/signup", url.Values{"agency_name": {"x"}, "slug": {"fine-slug"}, "owner_name": {"x"}, "email": {"x@example.test"}, "password": {testPassword}}), http.StatusTooManyRequests)
	})
}
