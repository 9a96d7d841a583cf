package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// settingsView is the agency's settings page and form.
type settingsView struct {
	Page
	FormErrors
	Settings  tenant.Settings
	Languages []languageOption
}

// languageOption is one language in a choice of languages: its code and
// its name in itself ("Lietuvių").
type languageOption struct{ Code, Name string }

// languageOptions are the languages the app is written in.
func languageOptions() []languageOption {
	out := make([]languageOption, 0, len(i18n.Languages))
	for _, l := range i18n.Languages {
		out = append(out, languageOption{Code: l, Name: i18n.LanguageName(l)})
	}
	return out
}

// Settings shows the agency's settings.
func (h *Handlers) Settings(c *fiber.Ctx, r *Request) error {
	s, err := r.Settings(c.UserContext())
	if err != nil {
		return err
	}
	return h.page(c, "pages/settings/index", &settingsView{Page: Page{Title: "set.gen.title"}, Settings: s, Languages: languageOptions()})
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
	s.TimeZone, s.Language = strings.TrimSpace(c.FormValue("time_zone", cur.TimeZone)), formValue(c, "language")
	if s.Language == "" {
		s.Language = cur.Language // a form from before the choice existed
	}
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
	if !tenant.ValidTimeZone(s.TimeZone) {
		errs["time_zone"] = "Enter a time zone by its IANA name, such as Europe/Vilnius or UTC."
	}
	if !i18n.Supported(s.Language) {
		errs["language"] = "Choose one of the languages listed."
	}
	if err := apperr.FieldErrors(errs); err != nil {
		return h.formPage(c, "pages/settings/index", "pages/settings/index", &settingsView{Page: Page{Title: "set.gen.title"}, Settings: s, Languages: languageOptions()}, err)
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
