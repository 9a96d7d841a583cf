package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"mintedmind/handlers"
)

// opsMatrix says who may use each of routes_ops.go's routes.
var opsMatrix = map[string]matrixRow{
	// No browser session opens /metrics: only a scraper's bearer token (below).
	"GET /metrics": {allowed: nil},
}

// TestMetrics stays serial: it reads the process-wide Prometheus registry,
// which every other test's requests count into.
func TestMetrics(t *testing.T) {
	const token = "scrape-token-0123456789"
	e := mustNewEnv(t, func(c *handlers.Config) { c.MetricsToken = token })
	a := e.mustSignup(t, "metrics")
	a.Owner.get("/a/" + a.Slug + "/cases")
	e.newClient().get("/no-such-page")

	t.Run("the scraper's token gets the metrics", func(t *testing.T) {
		c := e.newClient()
		c.headers["Authorization"] = "Bearer " + token
		res := c.get("/metrics")
		wantStatus(t, res, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Fatalf("content type %q", ct)
		}
		for _, want := range []string{
			`mintedmind_http_requests_total{method="GET",route="/a/:slug/cases",status="200"}`,
			`mintedmind_http_requests_total{method="POST",route="/signup",status="303"}`,
			`mintedmind_http_requests_total{method="GET",route="unmatched",status="404"}`,
			`mintedmind_http_request_duration_seconds_bucket{method="GET",route="/a/:slug/cases",le="+Inf"}`,
			`mintedmind_emails_total{result="sent"}`,
			`mintedmind_payment_callbacks_total{result="refused"}`,
			`mintedmind_tenant_databases_open`,
		} {
			wantContains(t, res, want)
		}
		if strings.Contains(res.Body, a.Slug) {
			t.Fatal("metrics name an agency's slug: routes must be patterns")
		}
	})

	t.Run("a wrong or missing token is 404", func(t *testing.T) {
		for _, auth := range []string{"", "Bearer wrong", "Basic " + token, token} {
			c := e.newClient()
			if auth != "" {
				c.headers["Authorization"] = auth
			}
			wantStatus(t, c.get("/metrics"), http.StatusNotFound)
		}
	})

	t.Run("a signed-in owner without the token is 404", func(t *testing.T) {
		wantStatus(t, a.Owner.get("/metrics"), http.StatusNotFound)
	})

	t.Run("without a configured token /metrics is 404 even to an empty bearer", func(t *testing.T) {
		e := mustNewEnv(t)
		c := e.newClient()
		c.headers["Authorization"] = "Bearer "
		wantStatus(t, c.get("/metrics"), http.StatusNotFound)
	})
}
