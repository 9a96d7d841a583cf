package handlers

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/control"
)

// Consent: until a person chooses, only essential cookies are set. The
// choice lives in mm_consent as "analytics.v<policy version>" or
// "essential.v<policy version>"; a signed-in person's choice is also written
// to their agency's audit log. The banner is a plain form (no script), so
// it works without JavaScript and under the strict CSP.
const (
	consentCookie = "mm_consent"
	seenCookie    = "mm_seen"
	consentMaxAge = 180 * 24 * 60 * 60
)

// consent is a person's cookie choice.
type consent struct {
	Chosen    bool // false: no choice yet, the banner shows
	Analytics bool
	Version   int // of the policy it was made under
}

func (h *Handlers) consentOf(c *fiber.Ctx) consent {
	choice, version, ok := strings.Cut(h.readCookie(c, consentCookie), ".v")
	n, err := strconv.Atoi(version)
	if !ok || err != nil || n < 1 || (choice != CookieAnalytics && choice != CookieEssential) {
		return consent{}
	}
	return consent{Chosen: true, Analytics: choice == CookieAnalytics, Version: n}
}

// consentPath is where a consent form posts: the agency's own address on
// an agency's page (so a signed-in person's choice reaches their audit
// log), the console's in the operator console, else the public one. Each
// checks the CSRF token the page was rendered with.
func consentPath(a *control.Agency, op *control.Operator) string {
	switch {
	case a != nil:
		return "/a/" + a.Slug + "/consent"
	case op != nil:
		return "/operator/consent"
	}
	return "/consent"
}

// cookiesPage is the /cookies page of this page's agency, or the public one.
func (h *Handlers) cookiesPage(c *fiber.Ctx) string {
	if a := agencyOf(c); a != nil {
		return "/a/" + a.Slug + "/cookies"
	}
	return "/cookies"
}

// consentForm is the cookie banner's form, for views/partials/consent/banner.html.
type consentForm struct {
	Action     string
	CSRF       string
	Next       string
	CookiesURL string
	Lang       string // the page's language (i18n)
}

// consentBanner is the banner for a person who has not chosen yet, and nil
// for everyone else. It is a plain form (no script), so it works without
// JavaScript and under the strict CSP.
func (h *Handlers) consentBanner(c *fiber.Ctx) *consentForm {
	if h.consentOf(c).Chosen {
		return nil
	}
	return &consentForm{Action: consentPath(agencyOf(c), operatorOf(c)), CSRF: h.csrfToken(c), Next: c.OriginalURL(), CookiesURL: h.cookiesPage(c), Lang: langOf(c)}
}

// Consent saves the cookie choice on public pages.
func (h *Handlers) Consent(c *fiber.Ctx) error { return h.saveConsent(c, nil) }

// OperatorConsent saves the cookie choice in the operator console.
func (h *Handlers) OperatorConsent(c *fiber.Ctx) error { return h.saveConsent(c, nil) }

// AgencyConsent saves the cookie choice on an agency's pages; for a
// signed-in person it is also written to the agency's audit log.
func (h *Handlers) AgencyConsent(c *fiber.Ctx, r *Request) error { return h.saveConsent(c, r) }

// saveConsent sets the consent cookie; r is the agency's request on an
// agency's pages, else nil.
func (h *Handlers) saveConsent(c *fiber.Ctx, r *Request) error {
	choice := c.FormValue("choice")
	if choice != CookieAnalytics && choice != CookieEssential {
		return apperr.New(apperr.Invalid, "Choose \"Allow analytics\" or \"Essential only\".")
	}
	policy, err := h.policy(c)
	if err != nil {
		return err
	}
	h.writeCookie(c, &fiber.Cookie{Name: consentCookie, Value: fmt.Sprintf("%s.v%d", choice, policy.Version), Path: "/", MaxAge: consentMaxAge})
	if choice != CookieAnalytics && h.readCookie(c, seenCookie) != "" {
		h.clearCookie(c, seenCookie, "/")
	}
	if r != nil && r.User != nil {
		a := auditFor(c, "consent.changed", r.User.ID)
		a.Detail = fmt.Sprintf("analytics: %s; policy version %d; at %s", map[bool]string{true: "allowed", false: "refused"}[choice == CookieAnalytics],
			policy.Version, h.Clock.Now().UTC().Format(time.RFC3339))
		if err := r.Tenant.RecordAudit(c.UserContext(), a); err != nil {
			return err
		}
	}
	msg := "Saved: essential cookies only."
	if choice == CookieAnalytics {
		msg = "Saved: thank you for allowing analytics."
	}
	h.flash(c, msg)
	return h.redirect(c, consentNext(c.FormValue("next"), "/cookies"))
}

// consentNext returns next when it is a path on this site, else fallback.
func consentNext(next, fallback string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return fallback
	}
	return next
}
