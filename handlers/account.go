package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/auth"
	"mintedmind/i18n"
)

// accountView is the account page (the profile, from Page.Me) and its
// password form partial.
type accountView struct {
	Page
	FormErrors
	Languages []languageOption // the language choice ("" is the agency's default)
}

// Account shows the signed-in person's profile and the password form.
func (h *Handlers) Account(c *fiber.Ctx, r *Request) error {
	return h.formPage(c, "pages/account/index", "partials/account/password", &accountView{Page: Page{Title: "account.title"}, Languages: languageOptions()}, nil)
}

// msgNotYourPassword refuses a wrong current password (a message id).
const msgNotYourPassword = "This is not your current password."

// msgLanguageSaved is the flash after a language is chosen (a message id).
const msgLanguageSaved = "account.language_saved"

// AccountLanguage stores the language the person chose for their pages
// ("" for the agency's default); a language the app lacks is refused
// beside the field with nothing stored.
func (h *Handlers) AccountLanguage(c *fiber.Ctx, r *Request) error {
	lang := formValue(c, "language")
	if err := r.Tenant.SetLanguage(c.UserContext(), r.User.ID, lang, auditFor(c, "account.language", r.User.Email)); err != nil {
		return h.formPage(c, "pages/account/index", "pages/account/index", &accountView{Page: Page{Title: "account.title"}, Languages: languageOptions()}, err)
	}
	r.User.Language, r.lang = lang, "" // the next page is in it
	h.flash(c, i18n.T(r.Lang(), msgLanguageSaved))
	return h.redirect(c, "/a/"+r.Agency.Slug+"/account")
}

// ChangePassword sets a new password after checking the current one; every
// other session of the person ends.
func (h *Handlers) ChangePassword(c *fiber.Ctx, r *Request) error {
	a, t, me, s := r.Agency, r.Tenant, r.User, r.Session
	current, pw := c.FormValue("current_password"), c.FormValue("password")
	render := func(err error) error {
		return h.formPage(c, "pages/account/index", "partials/account/password", &accountView{Page: Page{Title: "account.title"}, Languages: languageOptions()}, err)
	}
	ok, err := h.Hasher.Verify(c.UserContext(), me.PasswordHash, current)
	if err != nil {
		return err
	}
	errs := map[string]string{}
	if !ok {
		errs["current_password"] = msgNotYourPassword
	}
	if msg := auth.ValidatePassword(pw); msg != "" {
		errs["password"] = msg
	} else if pw != c.FormValue("password_confirm") {
		errs["password_confirm"] = "The two passwords are not the same."
	}
	if err := apperr.FieldErrors(errs); err != nil {
		return render(err)
	}
	hash, err := h.Hasher.Hash(c.UserContext(), pw)
	if err != nil {
		return err
	}
	if err := t.ChangePassword(c.UserContext(), me.ID, hash, s.ID, auditFor(c, "password.changed", me.Email)); err != nil {
		return err
	}
	h.live.CloseUserExcept(a.ID, me.ID, s.ID)
	h.flash(c, "account.password_changed")
	return h.redirect(c, "/a/"+a.Slug+"/account")
}
