package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/db"
)

// layoutView is what views/layouts/page.html shows around every full page:
// the navigation, the subscription banner, the cookie consent form and the
// flash message. Fragments never build it.
type layoutView struct {
	*Page
	Nav        navView
	Banner     *subscriptionBanner // nil: nothing to say
	Consent    *consentForm        // nil: the person has chosen
	CookiesURL string
}

// navView is the site header: the brand, the links this person may open,
// and signing out (or in).
type navView struct {
	Home      string
	Name      string // the agency's name; empty: MintedMind's own header
	Console   bool   // the operator console's header
	BrandCSS  string // the agency's accent stylesheet, when it has an accent colour
	Logo      string // the agency's logo, when it has one
	Links     []navLink
	Logout    string // where signing out posts; empty: not signed in
	CSRF      string // for the sign-out form
	SignUp    bool   // offer "Create an agency"
	SignInURL string
}

// navLink is one link of the header.
type navLink struct {
	Href    string
	Label   string
	Current bool
}

// navEntry is a link of a navigation: shown to a person whose role may
// open its route, as the route table's access level for the GET of path
// decides; current on its own page, and on pages below it when prefix.
type navEntry struct {
	label   string
	path    string // the route's path pattern
	prefix  bool
	billing bool // only where agencies are billed (not self-hosted)
}

// agencyNav is the navigation of an agency, staff and portal alike: each
// person sees the entries their role reaches.
var agencyNav = []navEntry{
	{label: "Dashboard", path: "/a/:slug"},
	{label: "Clients", path: "/a/:slug/clients", prefix: true},
	{label: "Cases", path: "/a/:slug/cases", prefix: true},
	{label: "Invoices", path: "/a/:slug/invoices", prefix: true},
	{label: "Search", path: "/a/:slug/search", prefix: true},
	{label: "Portal", path: "/a/:slug/portal"},
	{label: "Invoices", path: "/a/:slug/portal/invoices", prefix: true},
	{label: "Team", path: "/a/:slug/users"},
	{label: "Audit log", path: "/a/:slug/audit"},
	{label: "Settings", path: "/a/:slug/settings"},
	{label: "Privacy", path: "/a/:slug/privacy"},
	{label: "Plan", path: "/a/:slug/plan", billing: true},
}

// operatorNav is the operator console's navigation.
var operatorNav = []navEntry{
	{label: "Agencies", path: "/operator"},
	{label: "Plans", path: "/operator/plans", prefix: true},
	{label: "Billing", path: "/operator/billing", prefix: true},
	{label: "Jobs", path: "/operator/jobs"},
	{label: "Audit", path: "/operator/audit"},
	{label: "Outbox", path: "/operator/outbox"},
	{label: "Privacy", path: "/operator/privacy"},
}

// getAccess maps the path of each GET route to its access level, for
// the navigation.
func getAccess(routes []Route) map[string]Access {
	m := map[string]Access{}
	for _, r := range routes {
		if r.Method == fiber.MethodGet {
			m[r.Path] = r.Access
		}
	}
	return m
}

// links are the entries of nav whose route's access level may admits,
// with slug in their paths.
func (h *Handlers) links(nav []navEntry, slug string, may func(Access) bool, current string) []navLink {
	out := make([]navLink, 0, len(nav))
	for _, e := range nav {
		access, ok := h.getAccess[e.path]
		if !ok {
			panic("handlers: navigation entry without a route: " + e.path)
		}
		if e.billing && h.Config.SelfHosted {
			continue
		}
		if !may(access) {
			continue
		}
		href := strings.Replace(e.path, ":slug", slug, 1)
		out = append(out, navLink{Href: href, Label: e.label, Current: current == href || (e.prefix && strings.HasPrefix(current, href+"/"))})
	}
	return out
}

// layout builds the layout around page p for this request.
func (h *Handlers) layout(c *fiber.Ctx, p *Page) *layoutView {
	lay := &layoutView{Page: p, Nav: h.nav(c, p), Banner: h.subscriptionBanner(c), Consent: h.consentBanner(c), CookiesURL: h.cookiesPage(c)}
	return lay
}

// nav is the header for the person and page of this request.
func (h *Handlers) nav(c *fiber.Ctx, p *Page) navView {
	a, u, op := p.Agency, p.Me, p.Operator
	switch {
	case a != nil:
		n := navView{Name: a.Name, Home: "/a/" + a.Slug + "/login", SignInURL: "/a/" + a.Slug + "/login"}
		h.brand(c, a, &n)
		if u == nil {
			return n
		}
		n.Home = homeOf(a, u)
		n.Links = h.links(agencyNav, a.Slug, func(access Access) bool { return allowed(access, u.Role) }, p.Path)
		account := "/a/" + a.Slug + "/account"
		n.Links = append(n.Links, navLink{Href: account, Label: u.Name, Current: p.Path == account || strings.HasPrefix(p.Path, account+"/")})
		n.Logout, n.CSRF = "/a/"+a.Slug+"/logout", p.CSRF
		return n
	case op != nil:
		return navView{Home: "/operator", Console: true, Links: h.links(operatorNav, "", func(access Access) bool { return access == Operator }, p.Path), Logout: "/operator/logout", CSRF: p.CSRF}
	}
	return navView{Home: "/", SignInURL: "/login", SignUp: true}
}

// brand adds the agency's accent stylesheet and logo to its header, when
// it has them. The values go into URLs through the template's escaping,
// whatever the database holds.
func (h *Handlers) brand(c *fiber.Ctx, a *db.Agency, n *navView) {
	if tenantOf(c) == nil {
		return
	}
	s, err := h.settingsOf(c)
	if err != nil {
		return
	}
	base := "/a/" + a.Slug
	if s.Accent != "" {
		n.BrandCSS = base + "/brand.css?v=" + strings.TrimPrefix(s.Accent, "#")
	}
	if s.LogoVersion > 0 {
		n.Logo = base + "/logo?v=" + strconv.FormatInt(s.LogoVersion, 10)
	}
}
