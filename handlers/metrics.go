package handlers

import (
	"crypto/subtle"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"mintedmind/apperr"
	"mintedmind/metrics"
)

// countRequest records every request in the Prometheus metrics by route
// pattern and final status. It runs outside accessLog, which has already
// turned an error into its response by the time this sees the status.
func (h *Handlers) countRequest(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	// A request no route matched ends on the global middleware's route "/".
	route := ""
	if r := c.Route(); r != nil && (r.Path != "/" || c.Path() == "/") {
		route = r.Path
	}
	// c.Method points into a reused buffer; a label value is kept for good.
	metrics.Request(route, strings.Clone(c.Method()), c.Response().StatusCode(), time.Since(start))
	return err
}

var metricsHandler = adaptor.HTTPHandler(metrics.Handler())

// Metrics serves the Prometheus metrics to a scraper that sends
// "Authorization: Bearer METRICS_TOKEN". Without a configured token the
// endpoint does not exist here (serve metrics on METRICS_ADDR instead), and
// a wrong or missing token gets the same 404, so its existence is not told.
func (h *Handlers) Metrics(c *fiber.Ctx) error {
	want := h.Config.MetricsToken
	got, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if want == "" || !ok || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return apperr.New(apperr.NotFound, "We couldn't find that page.")
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return metricsHandler(c)
}
