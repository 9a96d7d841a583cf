package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
)

// formValue returns a trimmed form field. Passwords are read with
// c.FormValue directly: they are kept exactly as typed.
func formValue(c *fiber.Ctx, name string) string {
	return strings.TrimSpace(c.FormValue(name))
}

// formPage renders a page with a form again after invalid input, with the
// messages beside their fields and the status the error carries. For a
// plain htmx request only the form partial is sent.
func (h *Handlers) formPage(c *fiber.Ctx, pageName, partialName string, data fiber.Map, err error) error {
	if data == nil {
		data = fiber.Map{}
	}
	fields := map[string]string{}
	if err != nil {
		code := apperr.CodeOf(err)
		if code == apperr.Internal || code == apperr.Unavailable {
			return err
		}
		if f := apperr.FieldsOf(err); f != nil {
			fields = f
		}
		data["Error"] = apperr.MessageOf(err)
		setRetryAfter(c, err)
		c.Status(statusOf[code])
	}
	data["Errors"] = fields
	return h.pageOrFragment(c, pageName, partialName, data)
}

// invalidField is an invalid-input error about one field.
func invalidField(field, message string) error {
	return apperr.FieldErrors(map[string]string{field: message})
}
