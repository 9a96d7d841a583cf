package handlers

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// invoiceLineForm is one line of the invoice editor as typed.
type invoiceLineForm struct {
	Index                                  int
	Description, Quantity, Price, VAT      string
	DescErr, QuantityErr, PriceErr, VATErr string
	// Discount is the line's own discount as typed (a percentage, "" for
	// none) and DiscountErr its message (parseDiscount).
	Discount, DiscountErr string
	// TaxPreset is the tax preset chosen ("": the rate typed in VAT),
	// TaxOptions the select of the agency's presets (none: no select) in
	// Lang, and TaxErr its message (invoices_tax.go).
	TaxPreset, TaxErr string
	TaxOptions        []option
	Lang              string
	// TaxArchived says that TaxPreset is archived since the line was saved
	// with it: the line keeps it, and the editor says so.
	TaxArchived bool
}

// invoiceForm is the invoice (or recurring template) editor as typed.
type invoiceForm struct {
	ClientID, CaseID, Currency, IssueDate, TermsDays, Notes string
	Discount                                                string // on the total, a percentage as typed
	// DueDate is the due date shown (from the terms unless typed);
	// DueDateWas the one the form was drawn with: a due date typed over it
	// sets the terms, an untouched one follows the terms and issue date.
	DueDate, DueDateWas string
	ClientQuery         string // narrows the client menu
	Lines               []invoiceLineForm
	// Recurring schedules only.
	Frequency, IntervalMonths, EndDate, Count string
	AutoSend                                  bool
	// Version is a draft's Version when its editor was drawn, posted
	// back so a draft changed since is not saved over.
	Version string

	tax *invoiceTax // the agency's presets and default rate, once loaded
}

// invoiceFieldMax bounds each typed field before any parsing, so a huge
// post is refused with a message rather than parsed.
const invoiceFieldMax = 4000

// readInvoiceForm reads the posted editor; line fields are repeated in order.
func readInvoiceForm(c *fiber.Ctx) invoiceForm {
	args := c.Request().PostArgs()
	multi := func(name string) []string {
		var out []string
		for _, v := range args.PeekMulti(name) {
			out = append(out, string(v))
		}
		return out
	}
	f := invoiceForm{
		ClientID: formValue(c, "client_id"), CaseID: formValue(c, "case_id"), Currency: strings.ToUpper(formValue(c, "currency")),
		IssueDate: formValue(c, "issue_date"), TermsDays: formValue(c, "terms_days"), Notes: c.FormValue("notes"),
		DueDate: formValue(c, "due_date"), DueDateWas: formValue(c, "due_date_was"),
		Frequency: formValue(c, "frequency"), IntervalMonths: formValue(c, "interval_months"), EndDate: formValue(c, "end_date"),
		Count: formValue(c, "count"), AutoSend: c.FormValue("auto_send") == "1", Discount: formValue(c, "discount"),
		Version: formValue(c, "version"),
	}
	desc, qty, price, vat, tax := multi("line_description"), multi("line_quantity"), multi("line_price"), multi("line_vat"), multi("line_tax")
	discount := multi("line_discount")
	n := max(len(desc), len(qty), len(price), len(vat))
	at := func(s []string, i int) string {
		if i < len(s) {
			return s[i]
		}
		return ""
	}
	for i := 0; i < n && i <= billing.MaxLines; i++ {
		f.Lines = append(f.Lines, invoiceLineForm{Index: i, Description: at(desc, i), Quantity: strings.TrimSpace(at(qty, i)),
			Price: strings.TrimSpace(at(price, i)), VAT: strings.TrimSpace(at(vat, i)), TaxPreset: strings.TrimSpace(at(tax, i)),
			Discount: strings.TrimSpace(at(discount, i))})
	}
	return f
}

// parseDiscount reads a discount typed as a percentage ("10", "12.5 %";
// empty is none): at most two decimals, 0 to 100 %. It is the one parser
// of the discounts of invoice and quote lines and of their totals.
func parseDiscount(text string) (int64, error) {
	text = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text), "%"))
	if text == "" {
		return 0, nil
	}
	return billing.ParseDecimal(text, 2, billing.MaxDiscountBP)
}

// input parses the typed form: every parse error is a message on its
// field, merged with the input's own validation, so one answer names
// every problem.
func (f invoiceForm) input() (tenant.InvoiceInput, map[string]string) {
	errs := map[string]string{}
	in := tenant.InvoiceInput{ClientID: f.ClientID, CaseID: f.CaseID, Currency: f.Currency, IssueDate: f.IssueDate, Notes: f.Notes}
	for name, v := range map[string]string{"client_id": f.ClientID, "case_id": f.CaseID, "currency": f.Currency, "issue_date": f.IssueDate, "terms_days": f.TermsDays} {
		if len(v) > 100 {
			errs[name] = "That is far too long."
		}
	}
	if len(f.Notes) > 4*tenant.InvoiceNotesMax {
		errs["notes"] = fmt.Sprintf("Notes have at most %d characters.", tenant.InvoiceNotesMax)
		in.Notes = ""
	}
	if f.TermsDays == "" {
		in.TermsDays = 0
	} else if n, err := strconv.Atoi(f.TermsDays); err != nil {
		errs["terms_days"] = "Payment terms are a whole number of days."
	} else {
		in.TermsDays = n
	}
	if f.DueDate != "" && f.DueDate != f.DueDateWas && errs["terms_days"] == "" {
		switch days, err := billing.TermsUntil(f.IssueDate, f.DueDate); {
		case err != nil:
			errs["due_date"] = "Due date: " + err.Error() + "."
		case days > tenant.InvoiceTermsMax:
			errs["due_date"] = fmt.Sprintf("The due date is at most %d days after the issue date.", tenant.InvoiceTermsMax)
		default:
			in.TermsDays = days
		}
	}
	for i, l := range f.Lines {
		n := strconv.Itoa(i)
		line := billing.Line{Description: l.Description}
		if len(l.Description) > invoiceFieldMax {
			errs["line_description."+n] = fmt.Sprintf("At most %d characters.", tenant.InvoiceLineTextMax)
			line.Description = "x"
		}
		q, err := billing.ParseDecimal(l.Quantity, 3, billing.MaxQuantityMilli)
		if err != nil {
			errs["line_quantity."+n] = "Quantity: " + err.Error() + " (up to 3 decimals, at most 1,000,000)."
		}
		if err != nil {
			q = 1 // reported above; keep Validate from saying it twice
		}
		line.QuantityMilli = q
		p, err := billing.ParseDecimal(l.Price, 2, billing.MaxUnitPrice)
		if err != nil {
			errs["line_price."+n] = "Unit price: " + err.Error() + " (up to 2 decimals, at most 10,000,000)."
		}
		line.UnitPrice = p
		vatText := strings.TrimSuffix(l.VAT, "%")
		if vatText == "" {
			vatText = "0"
		}
		v, err := billing.ParseDecimal(vatText, 2, billing.MaxVATRateBP)
		if err != nil {
			errs["line_vat."+n] = "VAT rate: " + err.Error() + " (a percentage from 0 to 100)."
		}
		line.VATRateBP = v
		if l.TaxPreset != "" {
			line.TaxPresetID = l.TaxPreset
			if p := f.tax.preset(l.TaxPreset); p != nil {
				line.VATRateBP = p.VATRateBP
				delete(errs, "line_vat."+n) // the preset's rate counts, not the one typed
			} else if f.tax != nil {
				errs["line_tax."+n] = "Choose one of your tax presets, or type a rate."
			}
		}
		d, err := parseDiscount(l.Discount)
		if err != nil {
			errs["line_discount."+n] = "Discount: " + err.Error() + " (a percentage from 0 to 100)."
		}
		line.DiscountBP = d
		in.Lines = append(in.Lines, line)
	}
	d, err := parseDiscount(f.Discount)
	if err != nil {
		errs["discount"] = "Discount on the total: " + err.Error() + " (a percentage from 0 to 100)."
	}
	in.DiscountBP = d
	if len(f.Lines) > billing.MaxLines {
		errs["lines"] = fmt.Sprintf("At most %d lines.", billing.MaxLines)
		in.Lines = in.Lines[:billing.MaxLines]
	}
	for k, v := range apperr.FieldsOf(in.Validate()) {
		if _, ok := errs[k]; !ok {
			errs[k] = v
		}
	}
	return in, errs
}

// withErrors copies each line's messages onto it, for the template.
func (f invoiceForm) withErrors(errs map[string]string) invoiceForm {
	for i := range f.Lines {
		n := strconv.Itoa(i)
		f.Lines[i].DescErr, f.Lines[i].QuantityErr = errs["line_description."+n], errs["line_quantity."+n]
		f.Lines[i].PriceErr, f.Lines[i].VATErr = errs["line_price."+n], errs["line_vat."+n]
		f.Lines[i].TaxErr, f.Lines[i].DiscountErr = errs["line_tax."+n], errs["line_discount."+n]
	}
	return f
}

// invoiceFormOf is a stored draft as the editor shows it.
func invoiceFormOf(in tenant.InvoiceInput) invoiceForm {
	f := invoiceForm{ClientID: in.ClientID, CaseID: in.CaseID, Currency: in.Currency, IssueDate: in.IssueDate,
		TermsDays: strconv.Itoa(in.TermsDays), Notes: in.Notes, Discount: formatDiscount(in.DiscountBP)}
	f.DueDate = billing.DueDate(in.IssueDate, in.TermsDays)
	f.DueDateWas = f.DueDate
	for i, l := range in.Lines {
		f.Lines = append(f.Lines, invoiceLineForm{Index: i, Description: l.Description, Quantity: billing.FormatQuantity(l.QuantityMilli),
			Price: billing.FormatMinor(l.UnitPrice), VAT: billing.FormatRate(l.VATRateBP), TaxPreset: l.TaxPresetID,
			Discount: formatDiscount(l.DiscountBP)})
	}
	return f
}

// formatDiscount is a stored discount as its field shows it ("" for none).
func formatDiscount(bp int64) string {
	if bp == 0 {
		return ""
	}
	return billing.FormatRate(bp)
}

// invoiceFormError is the invalid-input error of a form's messages, nil
// when there are none.
func invoiceFormError(errs map[string]string) error {
	return apperr.FieldErrors(errs)
}

// formOptions for the editor's selects.
func currencyOptions(selected string) []option {
	out := make([]option, len(billing.Currencies))
	for i, c := range billing.Currencies {
		out[i] = option{c, c, c == selected}
	}
	return out
}
