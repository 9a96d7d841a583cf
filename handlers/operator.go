package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/auth"
	"mintedmind/db/control"
)

// OperatorLoginForm shows the operator's sign-in page.
func (h *Handlers) OperatorLoginForm(c *fiber.Ctx) error {
	return h.formPage(c, "pages/login/index", "partials/login/form", operatorLoginView(loginForm{}), nil)
}

// operatorLoginView is the sign-in page (see loginView) for operators.
func operatorLoginView(f loginForm) *loginView {
	return &loginView{Page: Page{Title: "Operator sign-in"}, Form: f, Action: "/operator/login", NoForgot: true}
}

// OperatorLogin signs a platform operator in, with the same limits as everyone.
func (h *Handlers) OperatorLogin(c *fiber.Ctx) error {
	f := parseLogin(c)
	render := func(err error) error {
		f.Password = ""
		return h.formPage(c, "pages/login/index", "partials/login/form", operatorLoginView(f), err)
	}
	if err := h.checkLoginLimits(c, f.Email); err != nil {
		return render(err)
	}
	op, err := h.Control.OperatorByEmail(c.UserContext(), f.Email)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return err
	}
	hash := ""
	if op != nil {
		hash = op.PasswordHash
	}
	ok, err := h.Hasher.Verify(c.UserContext(), hash, f.Password)
	if err != nil {
		return err
	}
	if !ok || op == nil {
		h.countFailedLogin(c, f.Email)
		h.Log.Warn("operator sign-in failed", "email", f.Email, "ip", c.IP())
		return render(errBadLogin)
	}
	h.passwordMatched(c, f.Email)
	if old := h.readCookie(c, operatorCookie); old != "" {
		if s, _, err := h.Control.OperatorSession(c.UserContext(), old, h.Config.SessionIdle); err == nil {
			h.Control.OperatorSignOut(c.UserContext(), s.ID)
		}
	}
	token, _, err := h.Control.OperatorSignIn(c.UserContext(), op, auth.SessionTimeouts{Idle: h.Config.SessionIdle, Absolute: h.Config.SessionAbsolute}, c.IP(), c.Get(fiber.HeaderUserAgent))
	if err != nil {
		return err
	}
	h.Log.Info("operator signed in", "operator", op.ID, "ip", c.IP())
	h.setSessionCookie(c, operatorCookie, token, "/operator")
	h.rememberDevice(c, op.Email)
	return h.redirect(c, "/operator")
}

// OperatorLogout ends the operator's session.
func (h *Handlers) OperatorLogout(c *fiber.Ctx) error {
	if err := h.Control.OperatorSignOut(c.UserContext(), sessionOf(c).ID); err != nil {
		return err
	}
	h.clearCookie(c, operatorCookie, "/operator")
	h.flash(c, "You're signed out.")
	return h.redirect(c, "/operator/login")
}

// OperatorOutbox shows recent emails as delivery records: kind, agency,
// recipient domain, status and attempts, never a subject, body or link
// (those are the agency's; its owners see them on their own outbox page,
// agency_outbox.go).
func (h *Handlers) OperatorOutbox(c *fiber.Ctx) error {
	emails, err := h.Control.RecentEmailSummaries(c.UserContext(), 200)
	if err != nil {
		return err
	}
	return h.page(c, "pages/operator/outbox", &operatorOutboxView{Page: Page{Title: "Mail outbox"}, Emails: emails})
}

// operatorOutboxView is the console's mail outbox page.
type operatorOutboxView struct {
	Page
	Emails []*control.EmailSummary
}
