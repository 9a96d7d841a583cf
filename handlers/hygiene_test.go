package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"mintedmind/handlers"
)

func TestHTTPHygiene(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	c := e.newClient()

	t.Run("a panic is a plain 500 page with a request id and no stack", func(t *testing.T) {
		e.app.Get("/test-panic", func(c *fiber.Ctx) error { panic("boom: secret internals") })
		res := c.get("/test-panic")
		wantStatus(t, res, http.StatusInternalServerError)
		id := res.Header.Get("X-Request-Id")
		if id == "" || !strings.Contains(res.Body, id) {
			t.Fatalf("request id %q not on the page", id)
		}
		if strings.Contains(res.Body, "boom") || strings.Contains(res.Body, "goroutine") {
			t.Fatal("internals leaked")
		}
	})

	t.Run("every page carries the security headers", func(t *testing.T) {
		res := c.get("/")
		for h, want := range map[string]string{
			"Content-Security-Policy": "script-src 'self'",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "same-origin",
			"X-Frame-Options":         "DENY",
			"Cache-Control":           "no-store",
		} {
			if !strings.Contains(res.Header.Get(h), want) {
				t.Errorf("%s = %q, want %q", h, res.Header.Get(h), want)
			}
		}
		if !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Error("no frame-ancestors")
		}
		if res.Header.Get("Strict-Transport-Security") != "" {
			t.Error("HSTS over plain HTTP")
		}
		if strings.Contains(res.Body, "<script>") || regexp.MustCompile(`\son[a-z]+=`).MatchString(res.Body) {
			t.Error("inline script on the page")
		}
	})

	t.Run("HSTS is sent when a trusted proxy says HTTPS", func(t *testing.T) {
		e := mustNewEnv(t, func(c *handlers.Config) { c.TrustedProxies = []string{"0.0.0.0"} })
		c := e.newClient()
		c.headers["X-Forwarded-Proto"] = "https"
		if c.get("/").Header.Get("Strict-Transport-Security") == "" {
			t.Fatal("no HSTS")
		}
	})

	t.Run("assets have versioned URLs cached for a year, gzip and ETags", func(t *testing.T) {
		page := c.get("/")
		m := regexp.MustCompile(`/assets/vendor/htmx-2\.0\.11/htmx\.min\.js\?v=[0-9a-f]+`).FindString(page.Body)
		if m == "" {
			t.Fatal("no versioned htmx URL")
		}
		c.headers["Accept-Encoding"] = "gzip"
		res := c.get(m)
		delete(c.headers, "Accept-Encoding")
		wantStatus(t, res, http.StatusOK)
		if !strings.Contains(res.Header.Get("Cache-Control"), "immutable") || res.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("headers %v", res.Header)
		}
		c.headers["If-None-Match"] = res.Header.Get("ETag")
		wantStatus(t, c.get(m), http.StatusNotModified)
		delete(c.headers, "If-None-Match")
		if strings.Contains(c.get("/assets/js/app.js").Header.Get("Cache-Control"), "immutable") {
			t.Error("unversioned URL cached forever")
		}
		wantStatus(t, c.get("/assets/../schema.sql"), http.StatusNotFound)
		wantStatus(t, c.get("/assets/nope.js"), http.StatusNotFound)
	})

	t.Run("an unknown page is a friendly 404", func(t *testing.T) {
		res := c.get("/no/such/page")
		wantStatus(t, res, http.StatusNotFound)
		wantContains(t, res, "find that page")
	})

	t.Run("an htmx request that fails gets a toast, not a page", func(t *testing.T) {
		c.headers["HX-Request"] = "true"
		res := c.get("/no/such/page")
		delete(c.headers, "HX-Request")
		wantStatus(t, res, http.StatusNotFound)
		if !strings.Contains(res.Header.Get("HX-Trigger"), "toast") || res.Header.Get("HX-Reswap") != "none" || strings.Contains(res.Body, "<html") {
			t.Fatalf("headers %v body %.100s", res.Header, res.Body)
		}
	})

	t.Run("a body over the limit is refused", func(t *testing.T) {
		req := httptest.NewRequest("POST", "/login", strings.NewReader(strings.Repeat("a", e.cfg.BodyLimit+1)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := e.app.Test(req, -1)
		if err != nil {
			// fasthttp closes the connection on an oversized body.
			return
		}
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d", res.StatusCode)
		}
	})

	t.Run("livez and readyz answer", func(t *testing.T) {
		wantStatus(t, c.get("/livez"), http.StatusOK)
		wantStatus(t, c.get("/readyz"), http.StatusOK)
		e.control.Close()
		wantStatus(t, c.get("/readyz"), http.StatusServiceUnavailable)
	})
}
