package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// Picking a line from the catalogue (issue 22 point 3): the invoice,
// recurring and quote editors show the agency's items in a select beside
// "Add a line". With script, its button has htmx ask the editor's line
// route for the line of the chosen item (?catalogue_item=); without, the
// form's <noscript> submit button named add_item posts the whole form,
// which comes back as typed with that line added, saving nothing, as
// "Add a line" does (invoices_addline.go). Another agency's item, an archived one or
// an unknown id is not found.

// cataloguePicker is the editor's picker, for views/partials/invoices/pick.html:
// the active items, the line route that answers an item's line and the
// lines' container it is added to.
type cataloguePicker struct {
	Items           []option
	LineURL, Target string
	Lang            string
}

// newCataloguePicker is the editor's picker; nil when the catalogue is empty.
func newCataloguePicker(c *fiber.Ctx, r *Request, lineURL, target string) (*cataloguePicker, error) {
	items, err := r.Tenant.CatalogueItems(c.UserContext())
	if err != nil || len(items) == 0 {
		return nil, err
	}
	p := &cataloguePicker{LineURL: lineURL, Target: target, Lang: r.Lang()}
	for _, i := range items {
		p.Items = append(p.Items, option{i.ID, i.Name + " · " + writeMoney(r.money(i.UnitPrice, "")), false})
	}
	return p, nil
}

// pickedItem is the catalogue item id names, for the editor.
func pickedItem(c *fiber.Ctx, r *Request, id string) (*tenant.CatalogueItem, error) {
	if id == "" {
		return nil, apperr.New(apperr.Invalid, "Choose an item of the catalogue.")
	}
	if len(id) > 100 {
		return nil, apperr.New(apperr.NotFound, "Catalogue item not found.")
	}
	return r.Tenant.CatalogueItem(c.UserContext(), id)
}

// itemAsked reports whether the posted editor asks for a catalogue line.
func itemAsked(c *fiber.Ctx) bool { return c.FormValue("add_item") != "" }

// lineOf is the editor line an item makes: its text and price, one of it,
// and its preset's rate, or the default rate when it has none.
func (t *invoiceTax) lineOf(i *tenant.CatalogueItem) invoiceLineForm {
	l := invoiceLineForm{Description: i.LineText(), Quantity: "1", Price: billing.FormatMinor(i.UnitPrice), VAT: t.newLineVAT()}
	if p := t.preset(i.TaxPresetID); p != nil {
		l.VAT, l.TaxPreset = billing.FormatRate(p.VATRateBP), p.ID
	}
	return l
}

// moreLines is the posted editor with the line its no-script buttons ask
// for: an empty one (add_line) or an item's (add_item); asked is false
// when they ask for neither, and the form is to be saved.
func (f invoiceForm) moreLines(c *fiber.Ctx, r *Request) (more invoiceForm, asked bool, err error) {
	switch {
	case addLineAsked(c):
		return f.withEmptyLine(), true, nil
	case itemAsked(c):
		item, err := pickedItem(c, r, formValue(c, "catalogue_item"))
		if err != nil {
			return f, true, err
		}
		if len(f.Lines) < billing.MaxLines {
			l := f.tax.lineOf(item)
			l.Index = len(f.Lines)
			f.Lines = append(f.Lines, l)
		}
		return f, true, nil
	}
	return f, false, nil
}

// pickedLine is the one editor line InvoiceLine and QuoteLine answer
// with: an item's when ?catalogue_item= names one, else an empty one.
func pickedLine(c *fiber.Ctx, r *Request, tax *invoiceTax) (invoiceLineForm, error) {
	id := c.Query("catalogue_item")
	if id == "" && c.Query("add_item") == "" {
		return invoiceLineForm{Quantity: "1", VAT: tax.newLineVAT()}, nil
	}
	item, err := pickedItem(c, r, id)
	if err != nil {
		return invoiceLineForm{}, err
	}
	return tax.lineOf(item), nil
}
