package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// invoiceSettingsView is the billing settings page and its form partial.
// Settings never holds the sign password: PasswordHint says whether one
// is set, by its last two characters.
type invoiceSettingsView struct {
	Page
	FormErrors
	Settings       tenant.BillingSettings
	Currencies     []option
	Terms          string // the payment terms as typed
	Reminder       string // the reminder days as typed
	PasswordHint   string
	DefaultPattern string
	Paysera        app.PayseraStatus // what Paysera does with the stored settings, in words
	// Check is the result of "Check Paysera" (CheckPaysera), when pressed.
	Check   []app.PayseraCheckStep
	Checked bool
	CheckOK bool
}

// newInvoiceSettingsView is the page's view of s; reminder is the reminder
// days as typed, or empty for the stored ones.
func newInvoiceSettingsView(s tenant.BillingSettings, reminder string) *invoiceSettingsView {
	hint := ""
	if n := len(s.PayseraPassword); n > 0 {
		hint = "A password is set (ending in …" + s.PayseraPassword[max(0, n-2):] + "). Leave empty to keep it."
	}
	if reminder == "" {
		reminder = tenant.FormatReminderDays(s.ReminderDays)
	}
	status := app.PayseraStatusOf(s)
	s.PayseraPassword = ""
	return &invoiceSettingsView{Page: Page{Title: "set.gen.billing"}, Settings: s, Currencies: currencyOptions(s.Currency), Reminder: reminder,
		PasswordHint: hint, Terms: strconv.Itoa(s.TermsDays), DefaultPattern: billing.DefaultNumberPattern, Paysera: status}
}

// BillingSettings shows the agency's billing settings (admins and owners).
func (h *Handlers) BillingSettings(c *fiber.Ctx, r *Request) error {
	s, err := r.Tenant.BillingSettings(c.UserContext())
	if err != nil {
		return err
	}
	return h.formPage(c, "pages/invoices/settings", "partials/invoices/settings", newInvoiceSettingsView(s, ""), nil)
}

// BillingSettingsCheckPaysera tries the stored Paysera settings locally
// (app.CheckPaysera: a signed test request, a test callback verified) and
// shows the settings page with the steps; it writes nothing.
func (h *Handlers) BillingSettingsCheckPaysera(c *fiber.Ctx, r *Request) error {
	s, err := r.Tenant.BillingSettings(c.UserContext())
	if err != nil {
		return err
	}
	view := newInvoiceSettingsView(s, "")
	view.Check, view.CheckOK = app.CheckPaysera(s, h.Config.BaseURL+"/pay/"+r.Agency.Slug+"/paysera/callback")
	view.Checked = true
	return h.formPage(c, "pages/invoices/settings", "partials/invoices/settings", view, nil)
}

// BillingSettingsUpdate saves them; an empty password field keeps the
// stored password, and "clear_password" removes it.
func (h *Handlers) BillingSettingsUpdate(c *fiber.Ctx, r *Request) error {
	t := r.Tenant
	old, err := t.BillingSettings(c.UserContext())
	if err != nil {
		return err
	}
	s := tenant.BillingSettings{
		LegalName: formValue(c, "legal_name"), Address: strings.TrimSpace(c.FormValue("address")), CompanyCode: formValue(c, "company_code"),
		VATNumber: formValue(c, "vat_number"), Email: formValue(c, "email"), BankDetails: strings.TrimSpace(c.FormValue("bank_details")),
		Currency: strings.ToUpper(formValue(c, "currency")), NumberPattern: formValue(c, "number_pattern"),
		PayseraProjectID: formValue(c, "paysera_project_id"), PayseraPublicKey: strings.TrimSpace(c.FormValue("paysera_public_key")),
		PayseraTest: c.FormValue("paysera_test") == "1", PayseraAllowSS1Only: c.FormValue("paysera_allow_ss1") == "1",
		PayseraPassword: old.PayseraPassword,
	}
	if p := c.FormValue("paysera_password"); p != "" {
		s.PayseraPassword = p
	}
	if c.FormValue("clear_password") == "1" {
		s.PayseraPassword = ""
	}
	fields := map[string]string{}
	terms := formValue(c, "terms_days")
	if n, err := strconv.Atoi(terms); err != nil || len(terms) > 4 {
		fields["terms_days"] = "Payment terms are a whole number of days from 0 to 365."
		s.TermsDays = old.TermsDays
	} else {
		s.TermsDays = n
	}
	reminder := formValue(c, "reminder_days")
	if days, err := tenant.ParseReminderDays(reminder); err != nil || len(reminder) > 100 {
		fields["reminder_days"] = "Reminder days: whole numbers from 1 to 365 separated by commas, at most 10 (empty for none)."
	} else {
		s.ReminderDays = days
	}
	err = app.ValidateBillingSettings(&s)
	if err == nil && len(fields) > 0 {
		err = invalidField("", "")
	}
	if err == nil {
		err = t.SaveBillingSettings(c.UserContext(), s, auditFor(c, "billing.settings", ""))
	}
	if err != nil {
		for k, v := range fieldsOrEmpty(err) {
			if _, ok := fields[k]; !ok && k != "" {
				fields[k] = v
			}
		}
		err = invoiceFormError(fields)
		shown := s
		shown.PayseraPassword = old.PayseraPassword // for the hint; the typed one is never echoed
		view := newInvoiceSettingsView(shown, reminder)
		view.Terms = terms
		return h.formPage(c, "pages/invoices/settings", "partials/invoices/settings", view, err)
	}
	h.flash(c, "Billing settings saved.")
	return h.redirect(c, "/a/"+r.Agency.Slug+"/settings/billing")
}

func fieldsOrEmpty(err error) map[string]string {
	if f := apperr.FieldsOf(err); f != nil {
		return f
	}
	return map[string]string{}
}
