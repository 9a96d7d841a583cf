package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/db"
)

// Dashboard is the staff home page of an agency.
func (h *Handlers) Dashboard(c *fiber.Ctx) error {
	t := tenantOf(c)
	users, err := t.Users(c.UserContext())
	if err != nil {
		return err
	}
	staff, clients := 0, 0
	for _, u := range users {
		if u.IsStaff() {
			staff++
		} else {
			clients++
		}
	}
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	// Staff see what clients sent on their own cases; owners and admins, on any.
	activity, err := t.UnseenClientActivity(c.UserContext(), v, userOf(c).Role == db.RoleStaff, 10)
	if err != nil {
		return err
	}
	return h.mapPage(c, "pages/dashboard/index", fiber.Map{"Title": agencyOf(c).Name, "StaffCount": staff, "ClientUserCount": clients,
		"ClientActivity": activity, "CasesBase": "/a/" + agencyOf(c).Slug + "/cases/"})
}
