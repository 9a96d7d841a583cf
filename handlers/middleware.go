package handlers

import (
	"fmt"
	"log/slog"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/paysera"
)

// contentSecurityPolicy allows nothing but our own origin: no inline script
// or style, no framing. htmx runs under it with its inline indicator styles
// and eval turned off (see the htmx-config meta tag in the layout). The one
// exception is form-action: a "Pay" form is answered with a redirect to the
// payment provider, and browsers apply form-action to that redirect too.
func contentSecurityPolicy(payURL string) string {
	formAction := "'self'"
	if u, err := url.Parse(payURL); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		formAction += " " + u.Scheme + "://" + u.Host
	}
	return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action " +
		formAction + "; frame-ancestors 'none'"
}

func (h *Handlers) requestID(c *fiber.Ctx) error {
	// A trusted proxy's id (Fly's, or the machine that forwarded the
	// request) is kept, so one request's log lines match across machines.
	id := ""
	if len(h.Config.TrustedProxies) > 0 && c.IsProxyTrusted() {
		id = plainRequestID(c.Get(fiber.HeaderXRequestID))
		if id == "" {
			id = plainRequestID(c.Get("Fly-Request-Id"))
		}
	}
	if id == "" {
		id = uuid.NewString()
	}
	c.Locals("requestID", id)
	c.Set(fiber.HeaderXRequestID, id)
	return c.Next()
}

// plainRequestID returns id when it is a short run of letters, digits and
// . _ : - (safe in a log line and a header), else "".
func plainRequestID(id string) string {
	if len(id) == 0 || len(id) > 128 {
		return ""
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._:-", r)) {
			return ""
		}
	}
	return strings.Clone(id)
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

// payseraURL is where payers are sent: Paysera's checkout unless configured.
func (h *Handlers) payseraURL() string {
	if h.Config.PayseraURL != "" {
		return h.Config.PayseraURL
	}
	return paysera.PayURL
}

// securityHeaders returns helmet configured for a strict policy, plus
// no-store on every page by default: pages hold personal data and CSRF
// tokens. HSTS is sent only over HTTPS (as told by a trusted proxy).
func (h *Handlers) securityHeaders() fiber.Handler {
	hm := helmet.New(helmet.Config{
		ContentSecurityPolicy:     contentSecurityPolicy(h.payseraURL()),
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
