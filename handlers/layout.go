package handlers

import (
	"html"
	"html/template"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/db"
)

// The layout's head and navigation are built in Go rather than in the
// template: html/template runs every function call and every escaper by
// reflection, and on a small page the navigation alone cost more than the
// page's own content. Both are escaped here with html.EscapeString.

// headTags returns the stylesheet, icon and script tags with versioned URLs;
// they never change while the binary runs, so New builds them once.
func (s *assetStore) headTags() (template.HTML, error) {
	var b strings.Builder
	for _, tag := range []struct{ format, path string }{
		{`<link rel="stylesheet" href="%s">`, "vendor/pico-2.1.1/pico.min.css"},
		{`<link rel="stylesheet" href="%s">`, "css/app.css"},
		{`<link rel="icon" href="%s" type="image/svg+xml">`, "img/favicon.svg"},
		{`<script src="%s" defer></script>`, "vendor/htmx-2.0.11/htmx.min.js"},
		{`<script src="%s" defer></script>`, "js/app.js"},
	} {
		u, err := s.url(tag.path)
		if err != nil {
			return "", err
		}
		b.WriteString(strings.Replace(tag.format, "%s", html.EscapeString(u), 1))
		b.WriteByte('\n')
	}
	return template.HTML(b.String()), nil
}

// navLink is one entry of the navigation; prefix marks it current for every
// page under it (exact when prefix is false).
type navLink struct {
	href, label string
	prefix      bool
}

// navHTML renders the site header for the person and page of this request.
func (h *Handlers) navHTML(c *fiber.Ctx) template.HTML {
	a, u, op, path := agencyOf(c), userOf(c), operatorOf(c), c.Path()
	var b strings.Builder
	b.WriteString("<header class=\"site-header\">\n<nav class=\"container\">\n<ul>\n<li>")
	switch {
	case a != nil:
		home := "/a/" + a.Slug + "/login"
		if u != nil {
			home = homeOf(a, u)
		}
		b.WriteString(`<a href="` + html.EscapeString(home) + `" class="brand">`)
		h.writeBrand(c, &b, a)
		b.WriteString(`<strong>` + html.EscapeString(a.Name) + `</strong></a>`)
	case op != nil:
		b.WriteString(`<a href="/operator" class="brand"><strong>MintedMind</strong> <small>operator</small></a>`)
	default:
		b.WriteString(`<a href="/" class="brand"><strong>MintedMind</strong></a>`)
	}
	b.WriteString("</li>\n</ul>\n<details class=\"nav-toggle\"><summary aria-label=\"Menu\">Menu</summary></details>\n<ul class=\"nav-links\">\n")

	var links []navLink
	logout := ""
	switch {
	case a != nil && u != nil:
		base := "/a/" + a.Slug
		if u.IsStaff() {
			links = append(links, navLink{base, "Dashboard", false}, navLink{base + "/clients", "Clients", true},
				navLink{base + "/cases", "Cases", true}, navLink{base + "/invoices", "Invoices", true}, navLink{base + "/search", "Search", true})
		} else {
			links = append(links, navLink{base + "/portal", "Portal", false}, navLink{base + "/portal/invoices", "Invoices", true})
		}
		if db.RoleRank(u.Role) >= db.RoleRank(db.RoleAdmin) {
			links = append(links, navLink{base + "/users", "Team", false}, navLink{base + "/audit", "Audit log", false},
				navLink{base + "/settings", "Settings", false}, navLink{base + "/privacy", "Privacy", false})
		}
		if u.Role == db.RoleOwner && !h.Config.SelfHosted {
			links = append(links, navLink{base + "/plan", "Plan", false})
		}
		links = append(links, navLink{base + "/account", u.Name, true})
		logout = base + "/logout"
	case op != nil:
		links = append(links, navLink{"/operator", "Agencies", false}, navLink{"/operator/plans", "Plans", true}, navLink{"/operator/billing", "Billing", true},
			navLink{"/operator/jobs", "Jobs", false}, navLink{"/operator/audit", "Audit", false}, navLink{"/operator/outbox", "Outbox", false}, navLink{"/operator/privacy", "Privacy", false})
		logout = "/operator/logout"
	case a != nil:
		links = append(links, navLink{"/a/" + a.Slug + "/login", "Sign in", false})
	default:
		links = append(links, navLink{"/login", "Sign in", false})
	}
	for _, l := range links {
		b.WriteString(`<li><a href="` + html.EscapeString(l.href) + `"`)
		if path == l.href || (l.prefix && strings.HasPrefix(path, l.href+"/")) {
			b.WriteString(` aria-current="page"`)
		}
		b.WriteString(">" + html.EscapeString(l.label) + "</a></li>\n")
	}
	switch {
	case logout != "":
		b.WriteString(`<li><form method="post" action="` + html.EscapeString(logout) + `" class="inline"><input type="hidden" name="_csrf" value="` +
			html.EscapeString(h.csrfToken(c)) + `"><button type="submit" class="secondary outline small">Sign out</button></form></li>` + "\n")
	case a == nil:
		b.WriteString(`<li><a href="/signup" role="button" class="small">Create an agency</a></li>` + "\n")
	}
	b.WriteString("</ul>\n</nav>\n</header>")
	b.WriteString(h.subscriptionBanner(c)) // suspended or past due: why, and how to pay
	return template.HTML(b.String())
}

// writeBrand writes the agency's stylesheet (its accent colour) and logo,
// when it has them. A stylesheet link may stand in the body.
func (h *Handlers) writeBrand(c *fiber.Ctx, b *strings.Builder, a *db.Agency) {
	if stateOf(c).tenant == nil {
		return
	}
	s, err := h.settingsOf(c)
	if err != nil {
		return
	}
	base := "/a/" + html.EscapeString(a.Slug)
	if s.Accent != "" {
		b.WriteString(`<link rel="stylesheet" href="` + base + `/brand.css?v=` + strings.TrimPrefix(s.Accent, "#") + `">`)
	}
	if s.LogoVersion > 0 {
		b.WriteString(`<img src="` + base + `/logo?v=` + strconv.FormatInt(s.LogoVersion, 10) + `" alt="" class="brand-logo" height="32">`)
	}
}
