package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/auth"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

// setupForm is the operator form as typed (the password is not shown again).
type setupForm struct {
	Name  string
	Email string
}

// setupView is the one-time page that creates the platform operator, and
// its form partial.
type setupView struct {
	Page
	FormErrors
	Form setupForm
}

// SetupForm shows the one-time page that creates a platform operator.
func (h *Handlers) SetupForm(c *fiber.Ctx) error {
	if err := h.Control.CheckSetupToken(c.UserContext(), c.Params("token")); err != nil {
		return err
	}
	return h.formPage(c, "pages/setup/index", "partials/setup/form", &setupView{Page: Page{Title: "Create the platform operator"}}, nil)
}

// Setup creates the operator; the link then stops working.
func (h *Handlers) Setup(c *fiber.Ctx) error {
	token := c.Params("token")
	if err := h.Control.CheckSetupToken(c.UserContext(), token); err != nil {
		return err
	}
	name, pw := formValue(c, "name"), c.FormValue("password")
	email, msg := tenant.ValidateEmail(formValue(c, "email"))
	errs := map[string]string{}
	if msg != "" {
		errs["email"] = msg
	}
	if msg := control.ValidateName(name, 100); msg != "" {
		errs["name"] = msg
	}
	if msg := auth.ValidatePassword(pw); msg != "" {
		errs["password"] = msg
	}
	render := func(err error) error {
		return h.formPage(c, "pages/setup/index", "partials/setup/form", &setupView{Page: Page{Title: "Create the platform operator"},
			Form: setupForm{Name: name, Email: formValue(c, "email")}}, err)
	}
	if err := apperr.FieldErrors(errs); err != nil {
		return render(err)
	}
	hash, err := h.Hasher.Hash(c.UserContext(), pw)
	if err != nil {
		return err
	}
	op, err := h.Control.CreateOperator(c.UserContext(), token, email, name, hash)
	if err != nil {
		return render(err)
	}
	h.Log.Info("platform operator created", "operator", op.ID)
	h.flash(c, "Operator account created. Sign in to the console.")
	return h.redirect(c, "/operator/login")
}
