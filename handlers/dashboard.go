package handlers

import (
	"github.com/gofiber/fiber/v2"
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
	return h.page(c, "pages/dashboard/index", fiber.Map{"Title": agencyOf(c).Name, "StaffCount": staff, "ClientUserCount": clients})
}

// PortalHome is the client contact's home in the agency's portal.
func (h *Handlers) PortalHome(c *fiber.Ctx) error {
	return h.page(c, "pages/portal/index", fiber.Map{"Title": agencyOf(c).Name + " portal"})
}
