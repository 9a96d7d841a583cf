package handlers

import (
	"fmt"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// clientsBack returns the list URL a bulk form came from, if it is one of
// this agency's client list URLs, else the list itself: never elsewhere.
func clientsBack(c *fiber.Ctx, r *Request) string {
	base := clientsPath(r)
	u, err := url.Parse(formValue(c, "back"))
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path != base {
		return base
	}
	if u.RawQuery == "" {
		return base
	}
	return base + "?" + u.RawQuery
}

// ClientsBulk applies one action to the selected clients (add a tag,
// assign a responsible person, archive), all or nothing, and goes back to
// the list as it was.
func (h *Handlers) ClientsBulk(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	var ids []string
	for _, b := range c.Request().PostArgs().PeekMulti("id") {
		ids = append(ids, string(b))
	}
	b := tenant.ClientBulk{Action: formValue(c, "action"), IDs: ids, Tag: formValue(c, "tag"), ResponsibleID: formValue(c, "responsible")}
	n, err := r.Tenant.BulkUpdateClients(c.UserContext(), v, b, auditFor(c, "", ""))
	if err != nil {
		// The bulk form has no field slots: say the field's message itself.
		for _, msg := range apperr.FieldsOf(err) {
			return apperr.New(apperr.Invalid, "%s Nothing was changed.", msg)
		}
		return err
	}
	var msg string
	switch b.Action {
	case tenant.ClientBulkTag:
		msg = fmt.Sprintf("Tagged %s “%s”.", clientCount(n), tenant.NormalizeTag(b.Tag))
	case tenant.ClientBulkAssign:
		msg = fmt.Sprintf("Assigned %s.", clientCount(n))
	case tenant.ClientBulkArchive:
		msg = fmt.Sprintf("Archived %s.", clientCount(n))
	}
	if n < len(ids) {
		msg += " The others already were."
	}
	h.flash(c, msg)
	return h.redirect(c, clientsBack(c, r))
}

// clientCount says "1 client" or "n clients".
func clientCount(n int) string {
	if n == 1 {
		return "1 client"
	}
	return fmt.Sprintf("%d clients", n)
}
