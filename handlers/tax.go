package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// taxView is Settings › Tax: the default VAT rate and the presets.
type taxView struct {
	Page
	FormErrors
	Base       string
	DefaultVAT string
	Presets    []taxPresetRow
	Form       taxPresetForm
}

type taxPresetRow struct {
	Name, Rate, Note, ArchiveURL, EditURL string
}

type taxPresetForm struct {
	Name, Rate, Note string
}

func taxBase(r *Request) string { return "/a/" + r.Agency.Slug + "/settings/tax" }

func (h *Handlers) taxPage(c *fiber.Ctx, r *Request, defaultVAT string, form taxPresetForm) (*taxView, error) {
	ctx := c.UserContext()
	presets, err := r.Tenant.TaxPresets(ctx)
	if err != nil {
		return nil, err
	}
	if defaultVAT == "" {
		bp, err := r.Tenant.DefaultVATRate(ctx)
		if err != nil {
			return nil, err
		}
		defaultVAT = billing.FormatRate(bp)
	}
	base := taxBase(r)
	v := &taxView{Page: Page{Title: "set.tax.title"}, Base: base, DefaultVAT: defaultVAT, Form: form}
	for _, p := range presets {
		v.Presets = append(v.Presets, taxPresetRow{Name: p.Name, Rate: billing.FormatRate(p.VATRateBP), Note: p.Note, ArchiveURL: base + "/presets/" + p.ID + "/archive", EditURL: base + "/presets/" + p.ID})
	}
	return v, nil
}

func (h *Handlers) showTax(c *fiber.Ctx, r *Request, defaultVAT string, form taxPresetForm, err error) error {
	view, viewErr := h.taxPage(c, r, defaultVAT, form)
	if viewErr != nil {
		return viewErr
	}
	return h.formPage(c, "pages/settings/tax", "pages/settings/tax", view, err)
}

// TaxSettings is Settings › Tax.
func (h *Handlers) TaxSettings(c *fiber.Ctx, r *Request) error {
	return h.showTax(c, r, "", taxPresetForm{}, nil)
}

// parseTaxRate reads a percentage ("21", "9,5") as basis points, 0 to 100 %.
func parseTaxRate(s, field string) (int64, error) {
	bp, err := billing.ParseDecimal(s, 2, billing.MaxVATRateBP)
	if err != nil {
		return 0, apperr.FieldErrors(map[string]string{field: "The VAT rate is a percentage from 0 to 100, for example 21 or 9.5."})
	}
	return bp, nil
}

// TaxDefaultUpdate saves the agency's default VAT rate.
func (h *Handlers) TaxDefaultUpdate(c *fiber.Ctx, r *Request) error {
	typed := c.FormValue("default_vat_rate")
	bp, err := parseTaxRate(typed, "default_vat_rate")
	if err == nil {
		err = r.Tenant.SaveDefaultVATRate(c.UserContext(), bp, auditFor(c, "tax.default_changed", ""))
	}
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		return h.showTax(c, r, typed, taxPresetForm{}, err)
	}
	h.flash(c, "Default VAT rate saved.")
	return h.redirect(c, taxBase(r))
}

// TaxPresetCreate adds a tax preset.
func (h *Handlers) TaxPresetCreate(c *fiber.Ctx, r *Request) error {
	form := taxPresetForm{Name: c.FormValue("name"), Rate: c.FormValue("vat_rate"), Note: c.FormValue("note")}
	bp, err := parseTaxRate(form.Rate, "vat_rate")
	if err == nil {
		_, err = r.Tenant.SaveTaxPreset(c.UserContext(), "", tenant.TaxPresetInput{Name: form.Name, Note: form.Note, VATRateBP: bp}, auditFor(c, "tax_preset.created", ""))
	}
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		return h.showTax(c, r, "", form, err)
	}
	h.flash(c, "Tax preset added.")
	return h.redirect(c, taxBase(r))
}

// TaxPresetArchive stops offering a preset.
func (h *Handlers) TaxPresetArchive(c *fiber.Ctx, r *Request) error {
	if err := r.Tenant.ArchiveTaxPreset(c.UserContext(), c.Params("id"), auditFor(c, "tax_preset.archived", "")); err != nil {
		return err
	}
	h.flash(c, "Tax preset archived.")
	return h.redirect(c, taxBase(r))
}

// taxPresetEditView is the page that changes one tax preset.
type taxPresetEditView struct {
	Page
	FormErrors
	Base, Action string
	Form         taxPresetForm
}

func (h *Handlers) showTaxPresetEdit(c *fiber.Ctx, r *Request, id string, form taxPresetForm, err error) error {
	base := taxBase(r)
	view := &taxPresetEditView{Page: Page{Title: "taxpreset.title"}, Base: base, Action: base + "/presets/" + id, Form: form}
	return h.formPage(c, "pages/settings/tax-preset", "pages/settings/tax-preset", view, err)
}

// TaxPresetEdit shows a preset's form; an archived preset or another
// agency's is not found.
func (h *Handlers) TaxPresetEdit(c *fiber.Ctx, r *Request) error {
	p, err := r.Tenant.TaxPreset(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return h.showTaxPresetEdit(c, r, p.ID, taxPresetForm{Name: p.Name, Rate: billing.FormatRate(p.VATRateBP), Note: p.Note}, nil)
}

// TaxPresetUpdate changes a preset's name, rate and note. Invoices already
// saved keep the rate and note their lines were given.
func (h *Handlers) TaxPresetUpdate(c *fiber.Ctx, r *Request) error {
	p, err := r.Tenant.TaxPreset(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	form := taxPresetForm{Name: c.FormValue("name"), Rate: c.FormValue("vat_rate"), Note: c.FormValue("note")}
	bp, err := parseTaxRate(form.Rate, "vat_rate")
	if err == nil {
		_, err = r.Tenant.SaveTaxPreset(c.UserContext(), p.ID, tenant.TaxPresetInput{Name: form.Name, Note: form.Note, VATRateBP: bp}, auditFor(c, "tax_preset.changed", ""))
	}
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		return h.showTaxPresetEdit(c, r, p.ID, form, err)
	}
	h.flash(c, "Tax preset saved.")
	return h.redirect(c, taxBase(r))
}
