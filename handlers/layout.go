package handlers

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/db/tenant"
)

// layoutView is what views/layouts/page.html shows around every full page:
// the header, the subscription banner, the cookie consent form and the
// flash message. Fragments never build it.
type layoutView struct {
	*Page
	Nav        template.HTML       // partials/layout/nav, rendered through the header cache
	Banner     *subscriptionBanner // nil: nothing to say
	Consent    *consentForm        // nil: the person has chosen
	CookiesURL string
}

// navKey is everything the header shows, as a comparable value: rendered
// headers are cached by it (navCacheSize), and navView builds the header's
// view model from it alone.
type navKey struct {
	Slug, Name     string // the agency; empty: MintedMind's own header
	Role, UserName string // the signed-in person of the agency; empty: nobody
	Console        bool   // the operator console's header
	BrandCSS, Logo string
	CSRF           string // for the sign-out form
	Current        int    // the entry of the page shown (index in agencyNav or operatorNav; len: the account), -1: none
}

// navCacheSize is about how many rendered headers are kept: one per
// signed-in session and section, each under 2 KB.
const navCacheSize = 2048

// navView is the site header, for views/partials/layout/nav.html: the
// brand, the links this person may open, and signing out (or in).
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

// layout builds the layout around page p for this request.
func (h *Handlers) layout(c *fiber.Ctx, p *Page) (*layoutView, error) {
	key := h.navKey(c, p)
	nav, err := h.navs.RenderFunc(key, func() any { return h.navView(key) })
	if err != nil {
		return nil, err
	}
	return &layoutView{Page: p, Nav: nav, Banner: h.subscriptionBanner(c), Consent: h.consentBanner(c), CookiesURL: h.cookiesPage(c)}, nil
}

// navKey sums up the header for the person and page of this request.
func (h *Handlers) navKey(c *fiber.Ctx, p *Page) navKey {
	switch a, u := p.Agency, p.Me; {
	case a != nil:
		k := navKey{Slug: a.Slug, Name: a.Name, Current: -1}
		k.BrandCSS, k.Logo = h.brand(c, stateOf(c).req)
		if u != nil {
			k.Role, k.UserName, k.CSRF = u.Role, u.Name, p.CSRF
			k.Current = currentEntry(agencyNav, "/a/"+a.Slug, p.Path)
		}
		return k
	case p.Operator != nil:
		return navKey{Console: true, CSRF: p.CSRF, Current: currentEntry(operatorNav, "", p.Path)}
	}
	return navKey{Current: -1}
}

// currentEntry is the index of the entry of nav that path is on (the
// account pages: len(nav)), or -1; base replaces :slug's part of the
// patterns ("/a/<slug>").
func currentEntry(nav []navEntry, base, path string) int {
	under := func(href string, prefix bool) bool {
		return path == href || (prefix && strings.HasPrefix(path, href+"/"))
	}
	for i, e := range nav {
		if under(base+strings.TrimPrefix(e.path, "/a/:slug"), e.prefix) {
			return i
		}
	}
	if base != "" && under(base+"/account", true) {
		return len(nav)
	}
	return -1
}

// navView is the header that key sums up.
func (h *Handlers) navView(k navKey) navView {
	switch {
	case k.Console:
		return navView{Home: "/operator", Console: true, Links: h.links(operatorNav, "", func(a Access) bool { return a == Operator }, k.Current), Logout: "/operator/logout", CSRF: k.CSRF}
	case k.Slug == "":
		return navView{Home: "/", SignInURL: "/login", SignUp: true}
	}
	base := "/a/" + k.Slug
	n := navView{Name: k.Name, Home: base + "/login", SignInURL: base + "/login", BrandCSS: k.BrandCSS, Logo: k.Logo}
	if k.Role == "" {
		return n
	}
	n.Home = base
	if k.Role == tenant.RoleClient {
		n.Home = base + "/portal"
	}
	n.Links = h.links(agencyNav, k.Slug, func(a Access) bool { return allowed(a, k.Role) }, k.Current)
	n.Links = append(n.Links, navLink{Href: base + "/account", Label: k.UserName, Current: k.Current == len(agencyNav)})
	n.Logout, n.CSRF = base+"/logout", k.CSRF
	return n
}

// links are the entries of nav whose route's access level may admits,
// with slug in their paths; the entry at index current is marked.
func (h *Handlers) links(nav []navEntry, slug string, may func(Access) bool, current int) []navLink {
	out := make([]navLink, 0, len(nav))
	for i, e := range nav {
		access, ok := h.getAccess[e.path]
		if !ok {
			panic("handlers: navigation entry without a route: " + e.path)
		}
		if (e.billing && h.Config.SelfHosted) || !may(access) {
			continue
		}
		out = append(out, navLink{Href: strings.Replace(e.path, ":slug", slug, 1), Label: e.label, Current: i == current})
	}
	return out
}

// brand is the agency's accent stylesheet and logo addresses, when it has
// them. The values go into URLs through the template's escaping, whatever
// the database holds.
func (h *Handlers) brand(c *fiber.Ctx, r *Request) (css, logo string) {
	if r == nil || r.Tenant == nil {
		return "", ""
	}
	s, err := r.Settings(c.UserContext())
	if err != nil {
		return "", ""
	}
	base := "/a/" + r.Agency.Slug
	if s.Accent != "" {
		css = base + "/brand.css?v=" + strings.TrimPrefix(s.Accent, "#")
	}
	if s.LogoVersion > 0 {
		logo = base + "/logo?v=" + strconv.FormatInt(s.LogoVersion, 10)
	}
	return css, logo
}
