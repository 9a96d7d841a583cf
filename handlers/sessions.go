package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/auth"
	"mintedmind/i18n"
)

// sessionsView is the page of the signed-in person's sessions.
type sessionsView struct {
	Page
	Sessions []*auth.Session
	Current  string // this request's session
}

// Sessions lists the signed-in person's sessions with device, address and last use.
func (h *Handlers) Sessions(c *fiber.Ctx, r *Request) error {
	sessions, err := r.Tenant.UserSessions(c.UserContext(), r.User.ID)
	if err != nil {
		return err
	}
	return h.page(c, "pages/account/sessions", &sessionsView{Page: Page{Title: "sessions.title"}, Sessions: sessions, Current: r.Session.ID})
}

// RevokeSession ends one of the person's sessions; ending the current one signs out.
func (h *Handlers) RevokeSession(c *fiber.Ctx, r *Request) error {
	a, t, me, s := r.Agency, r.Tenant, r.User, r.Session
	id := c.Params("id")
	if err := t.RevokeSession(c.UserContext(), me.ID, id, auditFor(c, "session.revoked", me.Email)); err != nil {
		return err
	}
	h.live.CloseSession(a.ID, id)
	if id == s.ID {
		h.clearCookie(c, sessionCookie, "/")
		return h.redirect(c, "/a/"+a.Slug+"/login")
	}
	h.flash(c, "sessions.revoked")
	return h.redirect(c, "/a/"+a.Slug+"/account/sessions")
}

// RevokeOtherSessions signs the person out everywhere but here.
func (h *Handlers) RevokeOtherSessions(c *fiber.Ctx, r *Request) error {
	a, me := r.Agency, r.User
	if _, err := r.Tenant.EndOtherSessions(c.UserContext(), me.ID, r.Session.ID, auditFor(c, "session.revoked_others", me.Email)); err != nil {
		return err
	}
	h.live.CloseUserExcept(a.ID, me.ID, r.Session.ID)
	h.flash(c, "sessions.revoked_others")
	return h.redirect(c, "/a/"+a.Slug+"/account/sessions")
}

// deviceName gives a short, human description of a User-Agent, in
// English (the audit log's CSV export).
func deviceName(ua string) string { return deviceText(i18n.English, ua) }

// deviceText is the template function device: deviceName in lang.
func deviceText(lang, ua string) string {
	browser := i18n.T(lang, "sessions.unknown_browser")
	for _, b := range []struct{ key, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"HeadlessChrome", "Headless Chrome"},
		{"Chrome/", "Chrome"}, {"Safari/", "Safari"}, {"curl/", "curl"}, {"Go-http-client", "Go client"},
	} {
		if strings.Contains(ua, b.key) {
			browser = b.name
			break
		}
	}
	os := ""
	for _, o := range []struct{ key, name string }{
		{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"}, {"Windows", "Windows"},
		{"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, o.key) {
			os = o.name
			break
		}
	}
	if os == "" {
		return browser
	}
	return i18n.T(lang, "sessions.browser_on", "Browser", browser, "OS", os)
}
