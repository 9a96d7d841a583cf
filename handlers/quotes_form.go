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

// quoteLineForm is one line of the quote editor as typed: an invoice line
// (its discount included) and whether it is optional.
type quoteLineForm struct {
	invoiceLineForm
	Optional  bool
	Recurring bool
}

// quoteForm is the quote editor as typed.
type quoteForm struct {
	ClientID, CaseID, Currency, ValidUntil, Terms, DepositKind, Deposit string
	Discount                                                            string // on the total, a percentage
	Lines                                                               []quoteLineForm
	// What acceptance starts (tenant.QuoteStarts).
	StartDeposit                    bool
	StartCaseStatus, StartRecurring string

	tax *invoiceTax // the agency's presets and default rate, once loaded
}

// readQuoteForm reads the posted editor: the invoice editor's line fields
// (readInvoiceForm, a discount included), and per line an optional menu (a
// menu, not a checkbox, so that every line posts a value in order).
func readQuoteForm(c *fiber.Ctx) quoteForm {
	inv := readInvoiceForm(c)
	f := quoteForm{ClientID: inv.ClientID, CaseID: inv.CaseID, Currency: inv.Currency, ValidUntil: formValue(c, "valid_until"),
		Terms: c.FormValue("terms"), DepositKind: formValue(c, "deposit_kind"), Deposit: formValue(c, "deposit_value"),
		Discount: formValue(c, "discount"), StartDeposit: c.FormValue("start_deposit") == "1", StartCaseStatus: formValue(c, "start_case_status"),
		StartRecurring: formValue(c, "start_recurring")}
	args := c.Request().PostArgs()
	optional, recurring := args.PeekMulti("line_optional"), args.PeekMulti("line_recurring")
	for i, l := range inv.Lines {
		ql := quoteLineForm{invoiceLineForm: l}
		ql.Optional = i < len(optional) && string(optional[i]) == "1"
		ql.Recurring = i < len(recurring) && string(recurring[i]) == "1"
		f.Lines = append(f.Lines, ql)
	}
	return f
}

// quoteFormFor reads the posted editor with the agency's tax settings,
// which quote lines take as invoice lines do (invoices_tax.go).
func quoteFormFor(c *fiber.Ctx, r *Request) (quoteForm, error) {
	f := readQuoteForm(c)
	tax, err := loadInvoiceTax(c, r)
	if err != nil {
		return f, err
	}
	f.tax = tax
	return f, tax.keepArchived(c, r, f.invoiceLines())
}

// invoiceLines are the form's lines as the invoice editor's.
func (f quoteForm) invoiceLines() []invoiceLineForm {
	out := make([]invoiceLineForm, len(f.Lines))
	for i, l := range f.Lines {
		out[i] = l.invoiceLineForm
	}
	return out
}

// moreLines is the posted editor with the line its no-script buttons ask
// for, as the invoice editor's (invoiceForm.moreLines).
func (f quoteForm) moreLines(c *fiber.Ctx, r *Request) (quoteForm, bool, error) {
	inv := invoiceForm{tax: f.tax, Lines: f.invoiceLines()}
	more, asked, err := inv.moreLines(c, r)
	if !asked || err != nil {
		return f, asked, err
	}
	for _, l := range more.Lines[len(f.Lines):] {
		f.Lines = append(f.Lines, quoteLineForm{invoiceLineForm: l})
	}
	return f, true, nil
}

// input parses the form: the lines and the discount on the total as the
// invoice editor parses them (invoiceForm.input, with its messages), then
// the quote's own fields.
func (f quoteForm) input() (tenant.QuoteInput, map[string]string) {
	inv := invoiceForm{ClientID: f.ClientID, CaseID: f.CaseID, Currency: f.Currency, IssueDate: "2000-01-01", TermsDays: "0", Discount: f.Discount, tax: f.tax}
	for _, l := range f.Lines {
		inv.Lines = append(inv.Lines, l.invoiceLineForm)
	}
	parsed, errs := inv.input()
	in := tenant.QuoteInput{ClientID: f.ClientID, CaseID: f.CaseID, Currency: f.Currency, ValidUntil: f.ValidUntil, Terms: f.Terms, DepositKind: f.DepositKind,
		DiscountBP: parsed.DiscountBP, Starts: tenant.QuoteStarts{Deposit: f.StartDeposit, CaseStatus: f.StartCaseStatus, Recurring: f.StartRecurring}}
	if len(f.Terms) > 4*tenant.QuoteTermsMax {
		errs["terms"] = fmt.Sprintf("Terms have at most %d characters.", tenant.QuoteTermsMax)
		in.Terms = ""
	}
	for i, l := range parsed.Lines {
		ql := tenant.QuoteLine{Line: l}
		if i < len(f.Lines) {
			ql.Optional, ql.Recurring = f.Lines[i].Optional, f.Lines[i].Recurring
		}
		in.Lines = append(in.Lines, ql)
	}
	switch in.DepositKind {
	case tenant.DepositPercent, tenant.DepositAmount:
		places, limit := 2, int64(billing.MaxDiscountBP)
		if in.DepositKind == tenant.DepositAmount {
			limit = billing.MaxUnitPrice
		}
		v, err := billing.ParseDecimal(strings.TrimSuffix(f.Deposit, "%"), places, limit)
		if err != nil {
			errs["deposit_value"] = "Deposit: " + err.Error() + "."
		}
		in.DepositValue = v
	}
	for k, v := range apperr.FieldsOf(in.Validate()) {
		if _, ok := errs[k]; !ok {
			errs[k] = v
		}
	}
	return in, errs
}

// withErrors copies each line's messages onto it, for the template.
func (f quoteForm) withErrors(errs map[string]string) quoteForm {
	for i := range f.Lines {
		n := strconv.Itoa(i)
		f.Lines[i].DescErr, f.Lines[i].QuantityErr = errs["line_description."+n], errs["line_quantity."+n]
		f.Lines[i].PriceErr, f.Lines[i].VATErr, f.Lines[i].DiscountErr = errs["line_price."+n], errs["line_vat."+n], errs["line_discount."+n]
		f.Lines[i].TaxErr = errs["line_tax."+n]
	}
	return f
}

// quoteFormOf is a stored draft as the editor shows it.
func quoteFormOf(in tenant.QuoteInput) quoteForm {
	f := quoteForm{ClientID: in.ClientID, CaseID: in.CaseID, Currency: in.Currency, ValidUntil: in.ValidUntil, Terms: in.Terms, DepositKind: in.DepositKind,
		StartDeposit: in.Starts.Deposit, StartCaseStatus: in.Starts.CaseStatus, StartRecurring: in.Starts.Recurring}
	if in.DiscountBP > 0 {
		f.Discount = billing.FormatRate(in.DiscountBP)
	}
	switch in.DepositKind {
	case tenant.DepositPercent:
		f.Deposit = billing.FormatRate(in.DepositValue)
	case tenant.DepositAmount:
		f.Deposit = billing.FormatMinor(in.DepositValue)
	}
	for i, l := range in.Lines {
		f.Lines = append(f.Lines, quoteLineForm{invoiceLineForm: invoiceLineForm{Index: i, Description: l.Description, Quantity: billing.FormatQuantity(l.QuantityMilli),
			Price: billing.FormatMinor(l.UnitPrice), VAT: billing.FormatRate(l.VATRateBP), Discount: billing.FormatRate(l.DiscountBP), TaxPreset: l.TaxPresetID}, Optional: l.Optional, Recurring: l.Recurring})
	}
	return f
}
