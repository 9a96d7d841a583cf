package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/auth"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

const resetSentMessage = "If an account exists for that address, we've sent it a link to choose a new password. The link works once, for one hour."

// forgotView is the forgot-password page and its partial: the form, or
// once sent, the answer that says the same whether or not the email is known.
type forgotView struct {
	Page
	FormErrors
	Action string
	Email  string
	Sent   string
}

// resetView is the new-password page of a reset link and its form partial.
type resetView struct {
	Page
	FormErrors
	Email string // whose password the link resets
}

// newForgotView is the forgot-password page whose form posts to action.
func newForgotView(action, email string) *forgotView {
	return &forgotView{Page: Page{Title: "Forgot your password?"}, Action: action, Email: email}
}

// ForgotForm asks for the email whose password was forgotten.
func (h *Handlers) ForgotForm(c *fiber.Ctx) error {
	return h.formPage(c, "pages/reset/forgot", "partials/reset/forgot", newForgotView("/forgot", ""), nil)
}

// Forgot sends a reset link for every agency where the email has an account.
func (p *Platform) Forgot(c *fiber.Ctx) error {
	return p.forgot(c, "/forgot", func(email string) error {
		agencies, err := p.Control.AgenciesForEmail(c.UserContext(), email)
		if err != nil {
			return err
		}
		for _, a := range agencies {
			if !a.Usable() {
				continue
			}
			err := p.withTenant(c, a, func(t *tenant.Store) error { return p.sendReset(c, a, t, email) })
			if err != nil {
				p.logger(c).Error("send password reset", "agency", a.ID, "err", err)
			}
		}
		return nil
	})
}

// AgencyForgotForm is the agency's own forgot-password page.
func (h *Handlers) AgencyForgotForm(c *fiber.Ctx, r *Request) error {
	return h.formPage(c, "pages/reset/forgot", "partials/reset/forgot", newForgotView("/a/"+r.Agency.Slug+"/forgot", ""), nil)
}

// AgencyForgot sends a reset link for this agency only.
func (h *Handlers) AgencyForgot(c *fiber.Ctx, r *Request) error {
	return h.forgot(c, "/a/"+r.Agency.Slug+"/forgot", func(email string) error {
		if err := h.sendReset(c, r.Agency, r.Tenant, email); err != nil {
			h.logger(c).Error("send password reset", "agency", r.Agency.ID, "err", err)
		}
		return nil
	})
}

// forgot answers the same whether or not the email is known, so the page
// cannot be used to find out who has an account; send mails the links.
func (h *Handlers) forgot(c *fiber.Ctx, action string, send func(email string) error) error {
	email := formValue(c, "email")
	view := newForgotView(action, email)
	normalized, msg := tenant.ValidateEmail(email)
	if msg != "" {
		return h.formPage(c, "pages/reset/forgot", "partials/reset/forgot", view, apperr.FieldErrors(map[string]string{"email": msg}))
	}
	if err := h.limiter.take(limitKey("reset:ip", c.IP()), Limit{Max: h.Config.ResetLimit.Max * 4, Window: h.Config.ResetLimit.Window}); err != nil {
		return h.formPage(c, "pages/reset/forgot", "partials/reset/forgot", view, err)
	}
	if h.limiter.take(limitKey("reset:acct", strings.ToLower(normalized)), h.Config.ResetLimit) == nil {
		if err := send(normalized); err != nil {
			return err
		}
	}
	view.Sent = resetSentMessage
	return h.pageOrFragment(c, "pages/reset/forgot", "partials/reset/forgot", view)
}

// sendReset emails a reset link to the account of email in agency a, if
// there is an active one.
func (h *Handlers) sendReset(c *fiber.Ctx, a *control.Agency, t *tenant.Store, email string) error {
	u, err := t.UserByEmail(c.UserContext(), email)
	if apperr.Is(err, apperr.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if u.Status != tenant.UserActive {
		return nil
	}
	token, err := t.CreatePasswordReset(c.UserContext(), u.ID, h.Config.ResetTTL)
	if err != nil {
		return err
	}
	return h.Mailer.Queue(c.UserContext(), a.ID, u.Email, "password-reset", fiber.Map{
		"AgencyName": a.Name, "Name": u.Name, "Link": h.Config.BaseURL + "/a/" + a.Slug + "/reset/" + token, "ValidFor": "1 hour",
	})
}

// newResetView is the new-password page for u's reset link.
func newResetView(u *tenant.User) *resetView {
	return &resetView{Page: Page{Title: "Choose a new password"}, Email: u.Email}
}

// ResetForm shows the new-password form for a valid reset link.
func (h *Handlers) ResetForm(c *fiber.Ctx, r *Request) error {
	u, err := r.Tenant.PasswordResetUser(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return h.formPage(c, "pages/reset/reset", "partials/reset/reset", newResetView(u), nil)
}

// Reset sets the new password, once per link, and ends every session.
func (h *Handlers) Reset(c *fiber.Ctx, r *Request) error {
	a, t := r.Agency, r.Tenant
	token := c.Params("token")
	u, err := t.PasswordResetUser(c.UserContext(), token)
	if err != nil {
		return err
	}
	pw := c.FormValue("password")
	errs := map[string]string{}
	if msg := auth.ValidatePassword(pw); msg != "" {
		errs["password"] = msg
	} else if pw != c.FormValue("password_confirm") {
		errs["password_confirm"] = "The two passwords are not the same."
	}
	if err := apperr.FieldErrors(errs); err != nil {
		return h.formPage(c, "pages/reset/reset", "partials/reset/reset", newResetView(u), err)
	}
	hash, err := h.Hasher.Hash(c.UserContext(), pw)
	if err != nil {
		return err
	}
	if _, err := t.ResetPassword(c.UserContext(), token, hash, auditFor(c, "password.reset", u.Email)); err != nil {
		return err
	}
	h.clearCookie(c, sessionCookie, "/")
	h.flash(c, "Your password has been changed. Sign in with your new password.")
	return h.redirect(c, "/a/"+a.Slug+"/login")
}
