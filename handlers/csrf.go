package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/auth"
)

// CSRF protection. A signed-in person's token is their session's own random
// CSRF token, so it changes at every sign-in and another session's token is
// worthless. Before sign-in, forms carry an HMAC of a random cookie
// (mm_csrf) under the installation's secret: a double-submit that a page on
// another site cannot read or forge. Forms send the token as _csrf; htmx
// sends it as X-CSRF-Token from hx-headers on the page wrapper inside <body>
// (inside, so that a boosted navigation swaps in the new token).
const (
	csrfCookie = "mm_csrf"
	csrfField  = "_csrf"
	csrfHeader = "X-CSRF-Token"
)

var errCSRF = apperr.New(apperr.Forbidden, "This form has expired or came from somewhere else. Reload the page and try again.")

// csrfToken returns the token pages embed for this request.
func (h *Handlers) csrfToken(c *fiber.Ctx) string {
	if s := sessionOf(c); s != nil {
		return s.CSRFToken
	}
	return h.anonymousToken(c)
}

func (h *Handlers) anonymousToken(c *fiber.Ctx) string {
	if t, ok := c.Locals("anonCSRF").(string); ok {
		return t
	}
	seed := h.readCookie(c, csrfCookie)
	if len(seed) != 43 {
		seed = auth.NewToken()
		h.writeCookie(c, &fiber.Cookie{Name: csrfCookie, Value: seed, Path: "/"})
	}
	t := auth.Sign(h.secret, "csrf:"+seed)
	c.Locals("anonCSRF", t)
	return t
}

// submittedCSRF prefers a form's own field, rendered with the form, over
// the header htmx adds from the page. The field is read from the body
// only, never from the query string (c.FormValue would look there first):
// a token in a URL leaks through history, logs and Referer, and a link
// must never be able to carry one.
func submittedCSRF(c *fiber.Ctx) string {
	if t := bodyField(c, csrfField); t != "" {
		return t
	}
	return c.Get(csrfHeader)
}

// bodyField is a field of the request's form body: URL-encoded, or
// multipart (a streamed upload's leading fields are in PostArgs already,
// see startUpload, so its files are never parsed here).
func bodyField(c *fiber.Ctx, name string) string {
	req := c.Request()
	if v := req.PostArgs().Peek(name); len(v) > 0 {
		return string(v)
	}
	if len(req.Header.MultipartFormBoundary()) == 0 {
		return ""
	}
	form, err := req.MultipartForm()
	if err != nil || len(form.Value[name]) == 0 {
		return ""
	}
	return form.Value[name][0]
}

func isSafeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

// anonymousCSRF checks state-changing requests on public pages.
func (h *Handlers) anonymousCSRF(c *fiber.Ctx) error {
	if isSafeMethod(c.Method()) {
		return c.Next()
	}
	seed := h.readCookie(c, csrfCookie)
	got := submittedCSRF(c)
	if seed == "" || got == "" || !auth.Equal(got, auth.Sign(h.secret, "csrf:"+seed)) {
		return errCSRF
	}
	return c.Next()
}

// sessionCSRF checks state-changing requests of a signed-in person against
// their session's token.
func (h *Handlers) sessionCSRF(c *fiber.Ctx) error {
	if isSafeMethod(c.Method()) {
		return c.Next()
	}
	s := sessionOf(c)
	got := submittedCSRF(c)
	if s == nil || got == "" || !auth.Equal(got, s.CSRFToken) {
		return errCSRF
	}
	return c.Next()
}

// csrfForAgency checks an agency's public forms with whichever token the
// page was rendered with.
func (h *Handlers) csrfForAgency(c *fiber.Ctx) error {
	if sessionOf(c) != nil {
		return h.sessionCSRF(c)
	}
	return h.anonymousCSRF(c)
}
