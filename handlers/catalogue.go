package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// Settings › Catalogue (issue 22 point 3): the agency's priced items that
// staff pick invoice, quote and recurring lines from (catalogue_pick.go),
// listed, added, changed and archived by owners and admins as tax presets
// are (tax.go).

// catalogueView is Settings › Catalogue: the items and the form adding one.
type catalogueView struct {
	Page
	FormErrors
	Base    string
	Items   []catalogueRow
	Form    catalogueForm
	Presets []option // the form's preset select
}

type catalogueRow struct {
	Name, Description, Preset, EditURL, ArchiveURL string
	Price                                          amount
}

// catalogueForm is an item as typed.
type catalogueForm struct {
	Name, Description, Price, TaxPreset string
}

func catalogueBase(r *Request) string { return "/a/" + r.Agency.Slug + "/settings/catalogue" }

func readCatalogueForm(c *fiber.Ctx) catalogueForm {
	return catalogueForm{Name: c.FormValue("name"), Description: c.FormValue("description"), Price: formValue(c, "unit_price"), TaxPreset: formValue(c, "tax_preset")}
}

// input parses the typed price and validates the rest, so one answer
// names every bad field (the store checks the preset).
func (f catalogueForm) input() (tenant.CatalogueItemInput, error) {
	in := tenant.CatalogueItemInput{Name: f.Name, Description: f.Description, TaxPresetID: f.TaxPreset}
	errs := apperr.FieldsOf(in.Validate())
	if errs == nil {
		errs = map[string]string{}
	}
	p, err := billing.ParseDecimal(f.Price, 2, billing.MaxUnitPrice)
	if err != nil {
		errs["unit_price"] = "The unit price is a number from 0 to 10,000,000 with up to 2 decimals, for example 450 or 99.50."
	}
	in.UnitPrice = p
	return in, apperr.FieldErrors(errs)
}

// cataloguePresetOptions is the item's preset select: none (the default
// rate) first, then each active preset, chosen selected.
func cataloguePresetOptions(lang string, tax *invoiceTax, chosen string) []option {
	out := []option{{"", i18n.T(lang, "catalogue.no_preset", "Rate", tax.newLineVAT()), chosen == ""}}
	for _, p := range tax.presets {
		out = append(out, option{p.ID, i18n.T(lang, "taxline.preset_option", "Name", p.Name, "Rate", billing.FormatRate(p.VATRateBP)), p.ID == chosen})
	}
	return out
}

func (h *Handlers) showCatalogue(c *fiber.Ctx, r *Request, form catalogueForm, err error) error {
	items, listErr := r.Tenant.CatalogueItems(c.UserContext())
	if listErr != nil {
		return listErr
	}
	tax, taxErr := loadInvoiceTax(c, r)
	if taxErr != nil {
		return taxErr
	}
	base, lang := catalogueBase(r), r.Lang()
	v := &catalogueView{Page: Page{Title: "catalogue.title"}, Base: base, Form: form, Presets: cataloguePresetOptions(lang, tax, form.TaxPreset)}
	for _, i := range items {
		row := catalogueRow{Name: i.Name, Description: i.Description, Price: r.money(i.UnitPrice, ""), EditURL: base + "/" + i.ID, ArchiveURL: base + "/" + i.ID + "/archive"}
		if p := tax.preset(i.TaxPresetID); p != nil {
			row.Preset = p.Name
		}
		v.Items = append(v.Items, row)
	}
	return h.formPage(c, "pages/settings/catalogue", "pages/settings/catalogue", v, err)
}

// CatalogueSettings is Settings › Catalogue.
func (h *Handlers) CatalogueSettings(c *fiber.Ctx, r *Request) error {
	return h.showCatalogue(c, r, catalogueForm{}, nil)
}

// CatalogueItemCreate adds an item; bad input shows the page again with
// its messages, and writes nothing.
func (h *Handlers) CatalogueItemCreate(c *fiber.Ctx, r *Request) error {
	form := readCatalogueForm(c)
	in, err := form.input()
	if err == nil {
		_, err = r.Tenant.SaveCatalogueItem(c.UserContext(), "", in, auditFor(c, "catalogue_item.created", ""))
	}
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		return h.showCatalogue(c, r, form, err)
	}
	h.flash(c, "Catalogue item added.")
	return h.redirect(c, catalogueBase(r))
}

// CatalogueItemArchive stops offering an item.
func (h *Handlers) CatalogueItemArchive(c *fiber.Ctx, r *Request) error {
	if err := r.Tenant.ArchiveCatalogueItem(c.UserContext(), c.Params("id"), auditFor(c, "catalogue_item.archived", "")); err != nil {
		return err
	}
	h.flash(c, "Catalogue item archived.")
	return h.redirect(c, catalogueBase(r))
}

// catalogueItemView is the page that changes one item.
type catalogueItemView struct {
	Page
	FormErrors
	Base, Action string
	Form         catalogueForm
	Presets      []option
}

func (h *Handlers) showCatalogueItem(c *fiber.Ctx, r *Request, id string, form catalogueForm, err error) error {
	tax, taxErr := loadInvoiceTax(c, r)
	if taxErr != nil {
		return taxErr
	}
	base := catalogueBase(r)
	v := &catalogueItemView{Page: Page{Title: "catalogue.edit_title"}, Base: base, Action: base + "/" + id, Form: form, Presets: cataloguePresetOptions(r.Lang(), tax, form.TaxPreset)}
	return h.formPage(c, "pages/settings/catalogue-item", "pages/settings/catalogue-item", v, err)
}

// CatalogueItemEdit shows an item's form; an archived item or another
// agency's is not found.
func (h *Handlers) CatalogueItemEdit(c *fiber.Ctx, r *Request) error {
	i, err := r.Tenant.CatalogueItem(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return h.showCatalogueItem(c, r, i.ID, catalogueForm{Name: i.Name, Description: i.Description, Price: billing.FormatMinor(i.UnitPrice), TaxPreset: i.TaxPresetID}, nil)
}

// CatalogueItemUpdate changes an item; lines already made from it keep
// what they were given.
func (h *Handlers) CatalogueItemUpdate(c *fiber.Ctx, r *Request) error {
	i, err := r.Tenant.CatalogueItem(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	form := readCatalogueForm(c)
	in, err := form.input()
	if err == nil {
		_, err = r.Tenant.SaveCatalogueItem(c.UserContext(), i.ID, in, auditFor(c, "catalogue_item.changed", ""))
	}
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		return h.showCatalogueItem(c, r, i.ID, form, err)
	}
	h.flash(c, "Catalogue item saved.")
	return h.redirect(c, catalogueBase(r))
}
