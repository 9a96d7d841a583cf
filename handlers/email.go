package handlers

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// The one-click opt-out of a kind of notification email (RFC 8058). The
// link in a notification's List-Unsubscribe header is
// /a/:slug/email/unsubscribe/:token: a mail client POSTs to it
// ("List-Unsubscribe=One-Click") with no session and no CSRF token, which
// is why the POST row is a Callback; a person who opens it gets a page
// that asks first and posts to the same address. The token (app.
// UnsubscribeToken) is the only authority: signed for this agency, it
// names the person and the kind.

// unsubscribeView is the opt-out page: the question, or that it is done.
type unsubscribeView struct {
	Page
	Action string // the form's address
	Email  string
	Kind   string // the kind's label
	Done   bool
}

// unsubscribeTarget is the person and the kind a token names, or nil for
// a token that is not good for this agency.
func (h *Handlers) unsubscribeTarget(c *fiber.Ctx, r *Request) (*tenant.User, tenant.EmailKind, bool) {
	userID, kind, ok := app.ParseUnsubscribeToken(h.secret, r.Agency.ID, c.Params("token"))
	if !ok {
		return nil, tenant.EmailKind{}, false
	}
	u, err := r.Tenant.UserByID(c.UserContext(), userID)
	if err != nil {
		return nil, tenant.EmailKind{}, false
	}
	for _, k := range tenant.EmailKinds {
		if k.Key == kind {
			return u, k, true
		}
	}
	return nil, tenant.EmailKind{}, false
}

// badUnsubscribe answers a token that is forged, for another agency or for
// a person who is gone: 404 (as everything of another agency is), with a
// page that says what to do, nothing changed.
func (h *Handlers) badUnsubscribe(c *fiber.Ctx) error {
	c.Status(http.StatusNotFound)
	return h.page(c, "pages/error", &errorView{Page: Page{Title: i18n.T(langOf(c), "unsub.bad_title")}, Status: http.StatusNotFound,
		Message: i18n.T(langOf(c), "unsub.bad_link"), RequestID: requestIDOf(c)})
}

// EmailUnsubscribeForm asks whether to stop the token's kind of email.
func (h *Handlers) EmailUnsubscribeForm(c *fiber.Ctx, r *Request) error {
	u, k, ok := h.unsubscribeTarget(c, r)
	if !ok {
		return h.badUnsubscribe(c)
	}
	return h.page(c, "pages/email/unsubscribe", &unsubscribeView{Page: Page{Title: "Stop these emails"},
		Action: app.UnsubscribePath(r.Agency.Slug, c.Params("token")), Email: u.Email, Kind: k.Label})
}

// EmailUnsubscribe turns the token's kind of email off for its person: the
// one-click POST of a mail client, or the page's button.
func (h *Handlers) EmailUnsubscribe(c *fiber.Ctx, r *Request) error {
	u, k, ok := h.unsubscribeTarget(c, r)
	if !ok {
		return h.badUnsubscribe(c)
	}
	if err := r.Tenant.OptOutOfEmail(c.UserContext(), u.ID, k.Key, auditFor(c, "email.opted_out", "")); err != nil {
		return err
	}
	return h.page(c, "pages/email/unsubscribe", &unsubscribeView{Page: Page{Title: "Emails turned off"}, Email: u.Email, Kind: k.Label, Done: true})
}
