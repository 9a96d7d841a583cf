package handlers

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/google/uuid"

	"mintedmind/apperr"
)

// contentSecurityPolicy allows nothing but our own origin: no inline script
// or style, no framing. htmx runs under it with its inline indicator styles
// and eval turned off (see the htmx-config meta tag in the layout).
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func (h *Handlers) requestID(c *fiber.Ctx) error {
	id := uuid.NewString()
	c.Locals("requestID", id)
	c.Set(fiber.HeaderXRequestID, id)
	return c.Next()
}

func requestIDOf(c *fiber.Ctx) string {
	id, _ := c.Locals("requestID").(string)
	return id
}

// logger returns the logger for this request: request id and agency on every line.
func (h *Handlers) logger(c *fiber.Ctx) *slog.Logger {
	l := h.Log.With("request_id", requestIDOf(c))
	if a := agencyOf(c); a != nil {
		l = l.With("agency", a.ID)
	}
	return l
}

// recoverPanic turns a panic into a plain 500 page; the stack goes to the log only.
func (h *Handlers) recoverPanic(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			h.logger(c).Error("panic", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = apperr.New(apperr.Internal, "internal error")
		}
	}()
	return c.Next()
}

// accessLog writes one structured line per request.
func (h *Handlers) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			c.Status(fiber.StatusInternalServerError)
		}
	}
	route := ""
	if r := c.Route(); r != nil {
		route = r.Path
	}
	h.logger(c).Info("request", "method", c.Method(), "path", c.Path(), "route", route,
		"status", c.Response().StatusCode(), "duration_ms", time.Since(start).Milliseconds(), "ip", c.IP())
	return nil
}

// securityHeaders returns helmet configured for a strict policy, plus
// no-store on every page by default: pages hold personal data and CSRF
// tokens. HSTS is sent only over HTTPS (as told by a trusted proxy).
func (h *Handlers) securityHeaders() fiber.Handler {
	hm := helmet.New(helmet.Config{
		ContentSecurityPolicy:     contentSecurityPolicy,
		XFrameOptions:             "DENY",
		ReferrerPolicy:            "same-origin",
		HSTSMaxAge:                63072000,
		CrossOriginEmbedderPolicy: "require-corp",
		CrossOriginOpenerPolicy:   "same-origin",
		CrossOriginResourcePolicy: "same-origin",
		PermissionPolicy:          "camera=(), microphone=(), geolocation=()",
	})
	return func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		return hm(c)
	}
}
