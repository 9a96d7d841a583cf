package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/db/control"
	"mintedmind/i18n"
)

// Cookie categories: essential cookies are set without asking; analytics
// cookies only after the person opts in.
const (
	CookieEssential = "essential"
	CookieAnalytics = "analytics"
)

// CookieInfo describes one cookie the application sets.
type CookieInfo struct {
	Name     string
	Purpose  string
	Lifetime string
	Category string
}

// CookieRegistry is every cookie the application sets. /cookies is
// generated from it, and a test checks it against the cookies real flows
// set: a new cookie must be added here.
var CookieRegistry = []CookieInfo{
	{sessionCookie, "Keeps you signed in to your agency. It holds a random token bound to that agency.", "Until you sign out; by default it ends after 2 hours without use and 7 days at most", CookieEssential},
	{operatorCookie, "Keeps the platform operator signed in to the operator console.", "Until sign-out; by default it ends after 2 hours without use and 7 days at most", CookieEssential},
	{csrfCookie, "Protects forms shown before you sign in from being submitted by other websites.", "Until you close the browser", CookieEssential},
	{deviceCookie, "Remembers that this browser has signed in to an account before, so that other people's wrong passwords for the account never lock it out here. It holds the account's email and a random number, signed by the server.", "1 year", CookieEssential},
	{flashCookie, "Carries a one-time message (such as \"Saved\") to the next page.", "1 minute", CookieEssential},
	{consentCookie, "Remembers your cookie choice and the policy version you made it under.", "180 days", CookieEssential},
	{langCookie, "Remembers the language you chose for the pages shown before you sign in (set only when you choose one).", "1 year", CookieEssential},
	{seenCookie, "Holds today's date so that we count you once a day in our own page-view statistics. No identifier.", "Until the end of the day (UTC)", CookieAnalytics},
}

// cookiesView is the cookies page: every cookie, and the person's choice
// with the form (views/partials/consent/form.html) that changes it.
type cookiesView struct {
	Page
	Cookies       []CookieInfo
	Policy        *control.Policy
	Chosen        bool // false: no choice yet
	Analytics     bool
	ConsentAction string // where the form posts
}

// Cookies lists every cookie with the person's current choice and a form
// to change it.
func (h *Handlers) Cookies(c *fiber.Ctx) error { return h.cookies(c, consentPath(nil, nil)) }

// AgencyCookies is the cookies page on an agency's pages: the choice posts
// to the agency, whose audit log records a signed-in person's choice.
func (h *Handlers) AgencyCookies(c *fiber.Ctx, r *Request) error {
	return h.cookies(c, consentPath(r.Agency, nil))
}

func (h *Handlers) cookies(c *fiber.Ctx, consentAction string) error {
	policy, err := h.policy(c)
	if err != nil {
		return err
	}
	ch := h.consentOf(c)
	list := make([]CookieInfo, len(CookieRegistry))
	lang := langOf(c)
	for i, ck := range CookieRegistry {
		ck.Name = h.cookieName(ck.Name) // as the browser shows it
		ck.Purpose, ck.Lifetime, ck.Category = i18n.T(lang, ck.Purpose), i18n.T(lang, ck.Lifetime), i18n.T(lang, "cookies.category."+ck.Category)
		list[i] = ck
	}
	return h.page(c, "pages/cookies/index", &cookiesView{Page: Page{Title: i18n.T(lang, "cookies.title")}, Cookies: list, Policy: policy,
		Chosen: ch.Chosen, Analytics: ch.Analytics, ConsentAction: consentAction})
}
