package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// settingsView is the agency's settings page and form.
type settingsView struct {
	Page
	FormErrors
	Settings tenant.Settings
}

// Settings shows the agency's settings.
func (h *Handlers) Settings(c *fiber.Ctx, r *Request) error {
	s, err := r.Settings(c.UserContext())
	if err != nil {
		return err
	}
	return h.page(c, "pages/settings/index", &settingsView{Page: Page{Title: "Agency settings"}, Settings: s})
}

// SettingsUpdate saves the agency's settings.
func (h *Handlers) SettingsUpdate(c *fiber.Ctx, r *Request) error {
	cur, err := r.Settings(c.UserContext())
	if err != nil {
		return err
	}
	s := tenant.Settings{StaffSeeOwnOnly: c.FormValue("staff_visibility") == "own", TwoFactorRequired: formValue(c, "two_factor_required")}
	if s.TwoFactorRequired == "" {
		s.TwoFactorRequired = cur.TwoFactorRequired // a form from before the choice existed
	}
	docs := formValue(c, "archived_documents")
	s.PurgeArchivedDocuments = docs == "purge" || (docs == "" && cur.PurgeArchivedDocuments)
	errs := map[string]string{}
	if v := c.FormValue("staff_visibility"); v != "own" && v != "all" {
		errs["staff_visibility"] = "Choose who staff can see."
	}
	if !tenant.ValidTwoFactorRequired(s.TwoFactorRequired) {
		errs["two_factor_required"] = "Choose who must use two-factor sign-in."
	}
	if docs != "" && docs != "keep" && docs != "purge" {
		errs["archived_documents"] = "Choose whether to keep the documents of archived cases."
	}
	if err := apperr.FieldErrors(errs); err != nil {
		return h.formPage(c, "pages/settings/index", "pages/settings/index", &settingsView{Page: Page{Title: "Agency settings"}, Settings: s}, err)
	}
	if err := r.Tenant.SaveSettings(c.UserContext(), s, auditFor(c, "settings.changed", "")); err != nil {
		return err
	}
	if s.StaffSeeOwnOnly != cur.StaffSeeOwnOnly {
		h.live.CloseAgency(r.Agency.ID) // open streams ask again under the new visibility
	}
	h.flash(c, "Settings saved.")
	return h.redirect(c, "/a/"+r.Agency.Slug+"/settings")
}
