package handlers

import (
	"encoding/json"
	"html/template"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// isHTMX reports whether htmx made the request.
func isHTMX(c *fiber.Ctx) bool { return c.Get("HX-Request") == "true" }

// wantsFragment reports whether the request asks for a fragment rather than a
// full page: htmx requests except boosted and history-restore ones.
func wantsFragment(c *fiber.Ctx) bool {
	return isHTMX(c) && c.Get("HX-Boosted") != "true" && c.Get("HX-History-Restore-Request") != "true"
}

// Page is what every page and partial may use besides its own data: the
// request's CSRF token, path, agency, person and flash message. Every view
// model embeds it; page and fragment fill it in.
type Page struct {
	Title    string
	CSRF     string
	Path     string
	Flash    string // shown once above the page; empty: the flash cookie's message, if any
	Agency   *control.Agency
	Me       *tenant.User
	Operator *control.Operator
	// PrivacyNotice is the agency's privacy notice for its clients, on the
	// portal's and the agency's public pages; "" when it published none
	// (the layout's footer links to it, see privacy_notice.go).
	PrivacyNotice string
	// Lang is the page's language (i18n): the signed-in person's, the
	// agency's default, or the visitor's browser's (see Request.Lang).
	Lang string
}

func (p *Page) page() *Page { return p }

// viewModel is the typed data a page or partial is executed with: a
// struct embedding Page, registered for its template in viewModels.
type viewModel interface{ page() *Page }

// fillPage completes the request's part of v's Page.
func (h *Handlers) fillPage(c *fiber.Ctx, v viewModel) *Page {
	p := v.page()
	p.CSRF = h.csrfToken(c)
	p.Path = c.Path()
	p.Agency, p.Me, p.Operator = agencyOf(c), userOf(c), operatorOf(c)
	p.PrivacyNotice = h.privacyNoticeLink(c)
	p.Lang = langOf(c)
	h.keepLangChoice(c)
	return p
}

// page renders a full page: the layout's start, the page, the layout's
// end, each written straight to the response.
func (h *Handlers) page(c *fiber.Ctx, name string, v viewModel) error {
	if err := checkViewModel(name, v); err != nil {
		return err
	}
	c.Vary("HX-Request")
	c.Type("html", "utf-8")
	p := h.fillPage(c, v)
	if p.Flash == "" {
		if f := h.takeFlash(c); f != "" {
			p.Flash = i18n.T(p.Lang, f) // a flash with a catalogue entry is in the page's language
		}
	}
	return h.writeLayout(c, p, func(w io.Writer) error { return h.views.Execute(w, name, v) })
}

// writeLayout writes the layout around page p, whose body body writes.
func (h *Handlers) writeLayout(c *fiber.Ctx, p *Page, body func(io.Writer) error) error {
	lay, err := h.layout(c, p)
	if err != nil {
		return err
	}
	w := c.Response().BodyWriter()
	err = h.views.Execute(w, "layouts/page/start", lay)
	if err == nil {
		err = body(w)
	}
	if err == nil {
		err = h.views.Execute(w, "layouts/page/end", lay)
	}
	if err != nil {
		c.Response().ResetBody() // the error page replaces what was written
	}
	return err
}

// fragment renders one partial alone, for htmx: no layout, so none of the
// navigation, banners or consent form a fragment never shows is built.
func (h *Handlers) fragment(c *fiber.Ctx, name string, v viewModel) error {
	if err := checkViewModel(name, v); err != nil {
		return err
	}
	c.Vary("HX-Request")
	c.Type("html", "utf-8")
	h.fillPage(c, v)
	if err := h.views.Execute(c.Response().BodyWriter(), name, v); err != nil {
		c.Response().ResetBody()
		return err
	}
	return nil
}

// pageOrFragment renders the full page, or only the partial for a plain
// htmx request; both get the same view model.
func (h *Handlers) pageOrFragment(c *fiber.Ctx, pageName, partialName string, v viewModel) error {
	if wantsFragment(c) {
		return h.fragment(c, partialName, v)
	}
	return h.page(c, pageName, v)
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
	h.writeCookie(c, &fiber.Cookie{Name: flashCookie, Value: url.QueryEscape(message), Path: "/", MaxAge: 60})
}

func (h *Handlers) takeFlash(c *fiber.Ctx) string {
	v := h.readCookie(c, flashCookie)
	if v == "" {
		return ""
	}
	h.clearCookie(c, flashCookie, "/")
	msg, err := url.QueryUnescape(v)
	if err != nil || len(msg) > 300 {
		return ""
	}
	return msg
}

func (h *Handlers) templateFuncs() template.FuncMap {
	return template.FuncMap{
		"asset":       h.assets.url,
		"money":       writeMoney,
		"t":           i18n.T,
		"number":      writeNumber,
		"field":       newFormField,
		"dropZone":    newDropZone,
		"linked":      linked,
		"when":        writeWhen,
		"isoTime":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"date":        writeDate,
		"caseNumber":  tenant.CaseNumber,
		"statusLabel": tenant.CaseStatusLabel,
		"roleName":    roleName,
		"roleAtLeast": func(u *tenant.User, role string) bool {
			return u != nil && tenant.RoleRank(u.Role) >= tenant.RoleRank(role)
		},
		"hasPrefix": strings.HasPrefix,
		"groupsOf":  groupsOf,
		"device":    deviceText,
		"json": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
	}
}

// groupsOf cuts s into pieces of n characters (the last may be shorter),
// for text read off a screen and typed elsewhere: a two-factor key shows
// as "ABCD EFGH …".
func groupsOf(n int, s string) []string {
	var out []string
	r := []rune(s)
	for len(r) > n {
		out = append(out, string(r[:n]))
		r = r[n:]
	}
	if len(r) > 0 {
		out = append(out, string(r))
	}
	return out
}
