package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/billing"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// Tax presets on invoice lines (issue 22 point 3): each line of the
// invoice (and recurring invoice) editor takes its VAT from one of the
// agency's presets, chosen in a select, or from a rate typed beside it; a
// new line starts with the agency's default rate. The store gives a line
// its preset's rate and a copy of the preset's legal note when it saves
// (tenant.resolveTaxPresets), refusing an archived preset or another
// agency's; the editor's totals count the preset's rate the same way.

// invoiceTax is what the editor needs of the agency's tax settings.
type invoiceTax struct {
	presets    []tenant.TaxPreset
	defaultVAT string // the default rate as the VAT field shows it
	// archived are the archived presets the editor's lines still carry:
	// a draft keeps them (tenant.resolveTaxPresets), and its editor shows
	// them as chosen and says that they are archived (keepArchived).
	archived []tenant.TaxPreset
}

// preset is the preset id, active or carried archived, or nil.
func (t *invoiceTax) preset(id string) *tenant.TaxPreset {
	if t == nil {
		return nil
	}
	for _, list := range [][]tenant.TaxPreset{t.presets, t.archived} {
		for i := range list {
			if list[i].ID == id {
				return &list[i]
			}
		}
	}
	return nil
}

// isArchived reports whether id is an archived preset the lines carry.
func (t *invoiceTax) isArchived(id string) bool {
	for _, p := range t.archived {
		if p.ID == id {
			return true
		}
	}
	return false
}

// keepArchived finds the presets of lines that are no longer active, so
// that the editor shows them instead of dropping them silently (issue 22):
// a draft saved with a preset archived since keeps it; on a new invoice
// the store refuses it beside its line.
func (t *invoiceTax) keepArchived(c *fiber.Ctx, r *Request, lines []invoiceLineForm) error {
	var ids []string
	for _, l := range lines {
		if l.TaxPreset != "" && len(l.TaxPreset) <= 100 && t.preset(l.TaxPreset) == nil && len(ids) < billing.MaxLines {
			ids = append(ids, l.TaxPreset)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	found, err := r.Tenant.ArchivedTaxPresets(c.UserContext(), ids)
	t.archived = append(t.archived, found...)
	return err
}

// newLineVAT is the VAT field of a new line: the default rate, or 0.
func (t *invoiceTax) newLineVAT() string {
	if t == nil || t.defaultVAT == "" {
		return "0"
	}
	return t.defaultVAT
}

// loadInvoiceTax reads the agency's active presets and default VAT rate.
func loadInvoiceTax(c *fiber.Ctx, r *Request) (*invoiceTax, error) {
	ctx := c.UserContext()
	presets, err := r.Tenant.TaxPresets(ctx)
	if err != nil {
		return nil, err
	}
	bp, err := r.Tenant.DefaultVATRate(ctx)
	if err != nil {
		return nil, err
	}
	return &invoiceTax{presets: presets, defaultVAT: billing.FormatRate(bp)}, nil
}

// invoiceFormFor reads the posted editor with the agency's tax settings.
func invoiceFormFor(c *fiber.Ctx, r *Request) (invoiceForm, error) {
	f := readInvoiceForm(c)
	tax, err := loadInvoiceTax(c, r)
	if err != nil {
		return f, err
	}
	f.tax = tax
	return f, tax.keepArchived(c, r, f.Lines)
}

// taxOptions is a line's preset select in lang: a rate typed by hand
// first, then each active preset, the line's chosen.
func (t *invoiceTax) taxOptions(lang, chosen string) []option {
	if t == nil || len(t.presets) == 0 && !t.isArchived(chosen) {
		return nil
	}
	out := []option{{"", i18n.T(lang, "taxline.typed_rate"), chosen == ""}}
	for _, p := range t.presets {
		out = append(out, option{p.ID, i18n.T(lang, "taxline.preset_option", "Name", p.Name, "Rate", billing.FormatRate(p.VATRateBP)), p.ID == chosen})
	}
	if p := t.preset(chosen); p != nil && t.isArchived(chosen) {
		out = append(out, option{p.ID, i18n.T(lang, "taxline.archived_option", "Name", p.Name, "Rate", billing.FormatRate(p.VATRateBP)), true})
	}
	return out
}

// quoteLineRow is a quote editor's line as partials/quotes/line shows it:
// the invoice line's fields, the preset select included.
func (t *invoiceTax) quoteLineRow(lang, lineURL string, l quoteLineForm) *quoteLineRow {
	l.Lang, l.TaxOptions, l.TaxArchived = lang, t.taxOptions(lang, l.TaxPreset), t.isArchived(l.TaxPreset)
	return &quoteLineRow{Line: l, LineURL: lineURL}
}

// lineRows are the editor's lines as the line partial shows them.
func (t *invoiceTax) lineRows(lang, lineURL string, lines []invoiceLineForm) []*invoiceLineRow {
	out := make([]*invoiceLineRow, 0, len(lines))
	for _, l := range lines {
		l.Lang, l.TaxOptions, l.TaxArchived = lang, t.taxOptions(lang, l.TaxPreset), t.isArchived(l.TaxPreset)
		out = append(out, &invoiceLineRow{Line: l, LineURL: lineURL})
	}
	return out
}
