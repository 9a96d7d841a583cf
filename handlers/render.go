package handlers

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/db"
)

// isHTMX reports whether htmx made the request.
func isHTMX(c *fiber.Ctx) bool { return c.Get("HX-Request") == "true" }

// wantsFragment reports whether the request asks for a fragment rather than a
// full page: htmx requests except boosted and history-restore ones.
func wantsFragment(c *fiber.Ctx) bool {
	return isHTMX(c) && c.Get("HX-Boosted") != "true" && c.Get("HX-History-Restore-Request") != "true"
}

// common adds what every page's layout needs to data.
func (h *Handlers) common(c *fiber.Ctx, data fiber.Map) fiber.Map {
	if data == nil {
		data = fiber.Map{}
	}
	data["CSRF"] = h.csrfToken(c)
	data["Path"] = c.Path()
	if a := agencyOf(c); a != nil {
		data["Agency"] = a
	}
	if u := userOf(c); u != nil {
		data["Me"] = u
	}
	if op := operatorOf(c); op != nil {
		data["Operator"] = op
	}
	data["Head"] = h.head
	data["Nav"] = h.navHTML(c)
	data["Consent"] = h.consentBanner(c)
	if _, ok := data["Flash"]; !ok {
		data["Flash"] = h.takeFlash(c)
	}
	return data
}

// page renders a full page inside the layout.
func (h *Handlers) page(c *fiber.Ctx, name string, data fiber.Map) error {
	c.Vary("HX-Request")
	c.Type("html", "utf-8")
	data = h.common(c, data)
	// The page, then the layout around it, as two plain renders: the
	// template engine's own layouts hold one lock over every page being
	// rendered, and under load requests queued on it.
	var body strings.Builder
	body.Grow(16 << 10)
	if err := c.App().Config().Views.Render(&body, name, data); err != nil {
		return err
	}
	data["LayoutBody"] = template.HTML(body.String())
	return c.Render("layouts/base", data)
}

// fragment renders one partial alone, for htmx.
func (h *Handlers) fragment(c *fiber.Ctx, name string, data fiber.Map) error {
	c.Vary("HX-Request")
	c.Type("html", "utf-8")
	return c.Render(name, h.common(c, data))
}

// pageOrFragment renders the full page, or only the partial for a plain
// htmx request; both get the same data.
func (h *Handlers) pageOrFragment(c *fiber.Ctx, pageName, partialName string, data fiber.Map) error {
	if wantsFragment(c) {
		return h.fragment(c, partialName, data)
	}
	return h.page(c, pageName, data)
}

// redirect answers a form post. Browsers and boosted htmx requests get a
// 303 (htmx follows it and shows the final URL); other htmx requests get
// HX-Location, an htmx navigation that keeps the history right.
func (h *Handlers) redirect(c *fiber.Ctx, to string) error {
	if isHTMX(c) && c.Get("HX-Boosted") != "true" {
		c.Set("HX-Location", to)
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// redirectAway sends the browser to another site (a payment provider): a
// plain redirect, or for htmx a full navigation (HX-Redirect), since an
// XHR cannot follow a redirect to another origin.
func (h *Handlers) redirectAway(c *fiber.Ctx, to string) error {
	if isHTMX(c) {
		c.Set("HX-Redirect", to)
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// toast asks the browser (through htmx) to show a short message.
func toast(c *fiber.Ctx, level, message string, events ...string) {
	trigger := map[string]any{"toast": map[string]string{"level": level, "message": message}}
	for _, e := range events {
		trigger[e] = nil // parts of the page listening for e reload themselves
	}
	b, _ := json.Marshal(trigger)
	c.Set("HX-Trigger", string(b))
}

const flashCookie = "mm_flash"

// flash stores a message shown once on the next page.
func (h *Handlers) flash(c *fiber.Ctx, message string) {
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: url.QueryEscape(message), Path: "/", HTTPOnly: true, Secure: h.secure, SameSite: "Lax", MaxAge: 60})
}

func (h *Handlers) takeFlash(c *fiber.Ctx) string {
	v := c.Cookies(flashCookie)
	if v == "" {
		return ""
	}
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: "", Path: "/", HTTPOnly: true, Secure: h.secure, SameSite: "Lax", MaxAge: -1, Expires: time.Unix(1, 0)})
	msg, err := url.QueryUnescape(v)
	if err != nil || len(msg) > 300 {
		return ""
	}
	return msg
}

func (h *Handlers) templateFuncs() template.FuncMap {
	return template.FuncMap{
		"asset": h.assets.url,
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "never"
			}
			return t.UTC().Format("2006-01-02 15:04 UTC")
		},
		"isoTime":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"date":        func(t time.Time) string { return t.UTC().Format("2006-01-02") },
		"caseNumber":  db.CaseNumber,
		"statusLabel": db.CaseStatusLabel,
		"roleName": func(role string) string {
			if role == "" {
				return ""
			}
			return strings.ToUpper(role[:1]) + role[1:]
		},
		"roleAtLeast": func(u *db.User, role string) bool { return u != nil && db.RoleRank(u.Role) >= db.RoleRank(role) },
		"hasPrefix":   strings.HasPrefix,
		"device":      deviceName,
		"json": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
	}
}
