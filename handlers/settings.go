package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db"
)

// viewer is the signed-in staff member with the agency's visibility setting
// applied; pass it to every db query over clients, cases and notes.
func (h *Handlers) viewer(c *fiber.Ctx) (db.Viewer, error) {
	s, err := h.settingsOf(c)
	if err != nil {
		return db.Viewer{}, err
	}
	return db.NewViewer(userOf(c), s), nil
}

// Settings shows the agency's settings.
func (h *Handlers) Settings(c *fiber.Ctx) error {
	s, err := tenantOf(c).Settings(c.UserContext())
	if err != nil {
		return err
	}
	return h.mapPage(c, "pages/settings/index", fiber.Map{"Title": "Agency settings", "Settings": s})
}

// SettingsUpdate saves the agency's settings.
func (h *Handlers) SettingsUpdate(c *fiber.Ctx) error {
	cur, err := h.settingsOf(c)
	if err != nil {
		return err
	}
	s := db.Settings{StaffSeeOwnOnly: c.FormValue("staff_visibility") == "own", TwoFactorRequired: formValue(c, "two_factor_required")}
	if s.TwoFactorRequired == "" {
		s.TwoFactorRequired = cur.TwoFactorRequired // a form from before the choice existed
	}
	docs := formValue(c, "archived_documents")
	s.PurgeArchivedDocuments = docs == "purge" || (docs == "" && cur.PurgeArchivedDocuments)
	errs := map[string]string{}
	if v := c.FormValue("staff_visibility"); v != "own" && v != "all" {
		errs["staff_visibility"] = "Choose who staff can see."
	}
	if !db.ValidTwoFactorRequired(s.TwoFactorRequired) {
		errs["two_factor_required"] = "Choose who must use two-factor sign-in."
	}
	if docs != "" && docs != "keep" && docs != "purge" {
		errs["archived_documents"] = "Choose whether to keep the documents of archived cases."
	}
	if err := apperr.FieldErrors(errs); err != nil {
		return h.mapFormPage(c, "pages/settings/index", "pages/settings/index", fiber.Map{"Title": "Agency settings", "Settings": s}, err)
	}
	if err := tenantOf(c).SaveSettings(c.UserContext(), s, auditFor(c, "settings.changed", "")); err != nil {
		return err
	}
	h.flash(c, "Settings saved.")
	return h.redirect(c, "/a/"+agencyOf(c).Slug+"/settings")
}
