package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/db"
)

// viewer is the signed-in staff member with the agency's visibility setting
// applied; pass it to every db query over clients, cases and notes.
func (h *Handlers) viewer(c *fiber.Ctx) (db.Viewer, error) {
	st := stateOf(c)
	if st.settings == nil {
		s, err := st.tenant.Settings(c.UserContext())
		if err != nil {
			return db.Viewer{}, err
		}
		st.settings = &s
	}
	return db.NewViewer(st.user, *st.settings), nil
}

// Settings shows the agency's settings.
func (h *Handlers) Settings(c *fiber.Ctx) error {
	s, err := tenantOf(c).Settings(c.UserContext())
	if err != nil {
		return err
	}
	return h.page(c, "pages/settings/index", fiber.Map{"Title": "Agency settings", "Settings": s})
}

// SettingsUpdate saves the agency's settings.
func (h *Handlers) SettingsUpdate(c *fiber.Ctx) error {
	s := db.Settings{StaffSeeOwnOnly: c.FormValue("staff_visibility") == "own"}
	if v := c.FormValue("staff_visibility"); v != "own" && v != "all" {
		return h.formPage(c, "pages/settings/index", "pages/settings/index", fiber.Map{"Title": "Agency settings", "Settings": s},
			invalidField("staff_visibility", "Choose who staff can see."))
	}
	if err := tenantOf(c).SaveSettings(c.UserContext(), s, auditFor(c, "settings.changed", "")); err != nil {
		return err
	}
	h.flash(c, "Settings saved.")
	return h.redirect(c, "/a/"+agencyOf(c).Slug+"/settings")
}
