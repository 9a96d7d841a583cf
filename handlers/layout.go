package handlers

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// layoutView is what views/layouts/page.html shows around every full page:
// the shell (the header or sidebar), the Settings area's sub-navigation,
// the subscription banner, the cookie consent form and the flash message.
// Fragments never build it.
type layoutView struct {
	*Page
	Nav        template.HTML       // partials/layout/nav, rendered through the header cache
	SubNav     template.HTML       // the Settings area's sub-navigation on its pages (partials/layout/nav with navKey.Sub), through the header cache; empty elsewhere
	Shell      string              // the shell's kind (navView.Shell), for the page's class
	Banner     *subscriptionBanner // nil: nothing to say
	Billing    string              // the operator console's warning that subscription billing is not configured; empty: nothing to say
	Consent    *consentForm        // nil: the person has chosen
	CookiesURL string
	Languages  []langChoice // the language switcher, for people not signed in; nil for the signed-in
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
	Current        int    // the entry of the page shown in the shell's own list (agencyNav, portalNav or operatorNav), -1: none
	Settings       int    // the entry of the page shown in settingsNav, -1: not in the Settings area
	Account        int    // the entry of the page shown in accountNav, -1: none
	Sub            bool   // the Settings area's sub-navigation rather than the header
	Inbox          int    // what waits in the staff member's inbox (inbox.go)
	Lang           string // the header's language (i18n)
}

// navCacheSize is about how many rendered headers are kept: one per
// signed-in session and section, each under 4 KB.
const navCacheSize = 2048

// The kinds of shell (navView.Shell).
const (
	shellPublic  = ""        // a top bar: the brand, signing in
	shellStaff   = "staff"   // a sidebar (a drawer on phones): sections, search, Settings, the account menu
	shellPortal  = "portal"  // the client portal's lighter top bar (a drawer on phones)
	shellConsole = "console" // the operator console's sidebar
)

// navView is the site header, for views/partials/layout/nav.html (or,
// with SubNav, the Settings area's sub-navigation): the brand, the links
// this person may open, the search box and the account menu.
type navView struct {
	SubNav    bool // the Settings area's sub-navigation alone
	Shell     string
	Home      string
	Name      string // the agency's name; empty: MintedMind's own header
	Console   bool   // the operator console's header
	BrandCSS  string // the agency's accent stylesheet, when it has an accent colour
	Logo      string // the agency's logo, when it has one
	Links     []navLink
	Settings  *navLink  // the Settings area's entry in the shell; nil: none of its pages is open to this person
	SubLinks  []navLink // the Settings area's pages this person may open
	UserName  string    // the account menu's button
	Account   []navLink // the account menu
	Search    string    // the search page (the shell's search box); empty: no search box
	Suggest   string    // where the search box asks for its dropdown as the person types
	Timer     string    // where the shell's timer loads from (partials/time/header); empty: no timer
	Logout    string    // where signing out posts; empty: not signed in
	CSRF      string    // for the sign-out form
	SignUp    bool      // offer "Create an agency"
	SignInURL string
	Lang      string // the header's language (i18n)
}

// navLink is one link of the header.
type navLink struct {
	Href     string
	Label    string
	Current  bool
	Count    int    // a number beside the label (the inbox's); 0: none
	CountURL string // where live updates fetch the number again; "": no number
}

// navEntry is a link of a navigation: shown to a person whose role may
// open its route, as the route table's access level for the GET of path
// decides; current on its own page, and on pages below it (and below also)
// when prefix.
type navEntry struct {
	label   string
	path    string // the route's path pattern
	prefix  bool
	also    []string // other path patterns whose pages belong to this entry (with the pages below them)
	billing bool     // only where agencies are billed (not self-hosted)
	staff   bool     // staff only (a client contact has it in the portal's own navigation)
}

// agencyNav is the staff side's primary sections, in its sidebar.
var agencyNav = []navEntry{
	{label: "Dashboard", path: "/a/:slug"},
	{label: "Inbox", path: "/a/:slug/inbox", prefix: true},
	{label: "Clients", path: "/a/:slug/clients", prefix: true},
	{label: "Cases", path: "/a/:slug/cases", prefix: true},
	{label: "Invoices", path: "/a/:slug/invoices", prefix: true, also: []string{"/a/:slug/recurring"}},
	{label: "Quotes", path: "/a/:slug/quotes", prefix: true},
	{label: "Agreements", path: "/a/:slug/agreements", prefix: true},
	{label: "Tasks", path: "/a/:slug/tasks", prefix: true},
	{label: "Time", path: "/a/:slug/time", prefix: true, also: []string{"/a/:slug/calendar"}},
	{label: "Search", path: "/a/:slug/search", prefix: true},
}

// portalNav is the client portal's navigation.
var portalNav = []navEntry{
	{label: "Home", path: "/a/:slug/portal", prefix: true},
	{label: "Requests", path: "/a/:slug/portal/requests", prefix: true},
	{label: "Invoices", path: "/a/:slug/portal/invoices", prefix: true},
	{label: "Quotes", path: "/a/:slug/portal/quotes", prefix: true},
	{label: "Agreements", path: "/a/:slug/portal/agreements", prefix: true},
	{label: "My data", path: "/a/:slug/account/data"},
}

// settingsNav is the Settings area: its sub-navigation, and the shell's
// one Settings entry, which opens the first of these the person may open.
var settingsNav = []navEntry{
	{label: "General", path: "/a/:slug/settings"},
	{label: "Team", path: "/a/:slug/users"},
	{label: "Billing", path: "/a/:slug/settings/billing"},
	{label: "Tax", path: "/a/:slug/settings/tax"},
	{label: "Catalogue", path: "/a/:slug/settings/catalogue", prefix: true},
	{label: "Task templates", path: "/a/:slug/settings/tasks", prefix: true},
	{label: "Request types", path: "/a/:slug/settings/requests", prefix: true},
	{label: "API tokens", path: "/a/:slug/settings/api-tokens"},
	{label: "Webhooks", path: "/a/:slug/settings/webhooks", prefix: true},
	{label: "Hourly rates", path: "/a/:slug/settings/rates"},
	{label: "Branding", path: "/a/:slug/settings/branding"},
	{label: "Outbox", path: "/a/:slug/settings/outbox"},
	{label: "Privacy", path: "/a/:slug/privacy", prefix: true},
	{label: "Audit log", path: "/a/:slug/audit"},
	{label: "Plan", path: "/a/:slug/plan", prefix: true, billing: true},
	{label: "Storage", path: "/a/:slug/documents"},
}

// accountNav is the account menu under the person's name (signing out
// closes it).
var accountNav = []navEntry{
	{label: "Account", path: "/a/:slug/account"},
	{label: "Sessions", path: "/a/:slug/account/sessions"},
	{label: "Two-factor sign-in", path: "/a/:slug/account/two-factor"},
	{label: "Email preferences", path: "/a/:slug/account/emails"},
	{label: "My data", path: "/a/:slug/account/data", staff: true},
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
	key.Lang = p.Lang
	nav, err := h.navs.RenderFunc(key, func() any { return h.navView(key) })
	if err != nil {
		return nil, err
	}
	lay := &layoutView{Page: p, Nav: nav, Shell: shellOf(key), Banner: h.subscriptionBanner(c), Consent: h.consentBanner(c), CookiesURL: h.cookiesPage(c)}
	if key.Settings >= 0 {
		sub := key
		sub.Sub, sub.CSRF = true, "" // the sub-navigation has no form: one entry per person and page
		if lay.SubNav, err = h.navs.RenderFunc(sub, func() any { return h.navView(sub) }); err != nil {
			return nil, err
		}
	}
	if p.Me == nil && p.Operator == nil {
		lay.Languages = langSwitcher(p.Path, p.Lang)
	}
	if key.Console {
		lay.Billing = h.billingNotConfigured(c)
	}
	return lay, nil
}

// shellOf is the kind of shell key's header is.
func shellOf(k navKey) string {
	switch {
	case k.Console:
		return shellConsole
	case k.Role == "":
		return shellPublic
	case k.Role == tenant.RoleClient:
		return shellPortal
	}
	return shellStaff
}

// navKey sums up the header for the person and page of this request.
func (h *Handlers) navKey(c *fiber.Ctx, p *Page) navKey {
	switch a, u := p.Agency, p.Me; {
	case a != nil:
		k := navKey{Slug: a.Slug, Name: a.Name, Current: -1, Settings: -1, Account: -1}
		k.BrandCSS, k.Logo = h.brand(c, stateOf(c).req)
		if u != nil {
			base := "/a/" + a.Slug
			k.Role, k.UserName, k.CSRF = u.Role, u.Name, p.CSRF
			if u.Role == tenant.RoleClient {
				k.Current = currentEntry(portalNav, base, p.Path)
			} else {
				k.Current = currentEntry(agencyNav, base, p.Path)
				k.Settings = currentEntry(settingsNav, base, p.Path)
				k.Inbox = h.inboxCount(c, stateOf(c).req)
			}
			if k.Current < 0 && k.Settings < 0 {
				k.Account = currentEntry(accountNav, base, p.Path)
			}
		}
		return k
	case p.Operator != nil:
		return navKey{Console: true, CSRF: p.CSRF, Current: currentEntry(operatorNav, "", p.Path), Settings: -1, Account: -1}
	}
	return navKey{Current: -1, Settings: -1, Account: -1}
}

// currentEntry is the index of the entry of nav that path is on, or -1:
// the entry whose page path is or is below (prefix) with the longest
// path, so that "/portal/invoices" is Invoices rather than the portal's
// Home; base replaces :slug's part of the patterns ("/a/<slug>").
func currentEntry(nav []navEntry, base, path string) int {
	best, bestLen := -1, -1
	try := func(i int, pattern string, prefix bool) {
		href := base + strings.TrimPrefix(pattern, "/a/:slug")
		if (path == href || (prefix && strings.HasPrefix(path, href+"/"))) && len(href) > bestLen {
			best, bestLen = i, len(href)
		}
	}
	for i, e := range nav {
		try(i, e.path, e.prefix)
		for _, p := range e.also {
			try(i, p, true)
		}
	}
	return best
}

// navView is the header that key sums up.
func (h *Handlers) navView(k navKey) navView {
	switch {
	case k.Console:
		return navView{Shell: shellConsole, Home: "/operator", Console: true, Links: h.links(operatorNav, "", func(e navEntry, a Access) bool { return a == Operator }, k.Current, k.Lang), Logout: "/operator/logout", CSRF: k.CSRF, Lang: k.Lang}
	case k.Slug == "":
		return navView{Home: "/", SignInURL: "/login", SignUp: true, Lang: k.Lang}
	}
	base := "/a/" + k.Slug
	n := navView{Name: k.Name, Home: base + "/login", SignInURL: base + "/login", BrandCSS: k.BrandCSS, Logo: k.Logo, Lang: k.Lang}
	if k.Role == "" {
		return n
	}
	n.SubNav, n.Shell, n.Home, n.UserName = k.Sub, shellOf(k), base, k.UserName
	staff := k.Role != tenant.RoleClient
	may := func(e navEntry, a Access) bool { return allowed(a, k.Role) && (staff || !e.staff) }
	if staff {
		n.Links = h.links(agencyNav, k.Slug, may, k.Current, k.Lang)
		for i := range n.Links {
			if n.Links[i].Href == base+"/inbox" {
				n.Links[i].Count, n.Links[i].CountURL = k.Inbox, base+"/inbox/count"
			}
		}
		n.SubLinks = h.links(settingsNav, k.Slug, may, k.Settings, k.Lang)
		if len(n.SubLinks) > 0 {
			n.Settings = &navLink{Href: n.SubLinks[0].Href, Label: i18n.T(k.Lang, "nav.Settings"), Current: k.Settings >= 0}
		}
		if _, ok := h.getAccess["/a/:slug/search"]; ok && allowed(h.getAccess["/a/:slug/search"], k.Role) {
			n.Search, n.Suggest = base+"/search", base+"/search/suggest"
		}
		if allowed(h.getAccess["/a/:slug/timer"], k.Role) {
			n.Timer = base + "/timer"
		}
	} else {
		n.Home = base + "/portal"
		n.Links = h.links(portalNav, k.Slug, may, k.Current, k.Lang)
	}
	n.Account = h.links(accountNav, k.Slug, may, k.Account, k.Lang)
	n.Logout, n.CSRF = base+"/logout", k.CSRF
	return n
}

// links are the entries of nav that may admits (given the access level
// of the entry's route), with slug in their paths; the entry at index
// current is marked; labels are in lang (message "nav." + the English label).
func (h *Handlers) links(nav []navEntry, slug string, may func(navEntry, Access) bool, current int, lang string) []navLink {
	out := make([]navLink, 0, len(nav))
	for i, e := range nav {
		access, ok := h.getAccess[e.path]
		if !ok {
			panic("handlers: navigation entry without a route: " + e.path)
		}
		if (e.billing && h.Config.SelfHosted) || !may(e, access) {
			continue
		}
		out = append(out, navLink{Href: strings.Replace(e.path, ":slug", slug, 1), Label: i18n.T(lang, "nav."+e.label), Current: i == current})
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
