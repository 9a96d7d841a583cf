package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/billing"
)

// The editor's "Add a line" without script (issue 22 point 3): with script
// the button asks InvoiceLine for an empty line; without, a <noscript>
// submit button named add_line posts the whole form, and the editor's
// handlers (invoices and recurring invoices, new and edited) show it again
// as sent with one empty line more, saving nothing. It sits after the save
// button, so Enter in a field still saves.

// addLineAsked reports whether the posted editor asks for one more line.
func addLineAsked(c *fiber.Ctx) bool { return c.FormValue("add_line") != "" }

// withEmptyLine is the form with an empty line at the end (none past
// billing.MaxLines), as InvoiceLine sends one.
func (f invoiceForm) withEmptyLine() invoiceForm {
	if len(f.Lines) < billing.MaxLines {
		f.Lines = append(f.Lines, invoiceLineForm{Index: len(f.Lines), Quantity: "1", VAT: f.tax.newLineVAT()})
	}
	return f
}
