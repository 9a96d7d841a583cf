package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/billing"
)

// Live totals in the invoice editor (issue 22 point 3): the editor's
// totals are views/partials/invoices/totals.html, computed on the server
// by billing.ComputeDiscounted (the rounding and discount rule invoices
// are saved with, no copy in script). htmx posts the editor to InvoiceTotals as it is typed in and
// swaps the totals; without script the editor shows them whenever it
// comes back (a line added, or input refused).

// invoiceTotalsView is the editor's totals of its complete lines.
type invoiceTotalsView struct {
	Page
	Subtotal, VAT, Total amount
	// DiscountRate is the discount on the total ("5 %", "" for none or
	// while it is not valid) and Discount what it takes off the subtotal.
	DiscountRate string
	Discount     amount
	Lines        int  // the lines counted
	Incomplete   bool // some line is not complete or valid yet, and not counted
}

// invoiceTotalsOf computes the totals of f's lines that read as valid.
func invoiceTotalsOf(r *Request, f invoiceForm) *invoiceTotalsView {
	in, errs := f.input()
	view := &invoiceTotalsView{Page: Page{Lang: r.Lang()}}
	var lines []billing.Line
	for i, l := range in.Lines {
		n := "." + strconv.Itoa(i)
		bad := false
		for k := range errs {
			bad = bad || strings.HasPrefix(k, "line_") && strings.HasSuffix(k, n)
		}
		if bad {
			// A line not begun yet (an added one) is not worth a word.
			begun := i >= len(f.Lines) || strings.TrimSpace(f.Lines[i].Description) != "" || strings.TrimSpace(f.Lines[i].Price) != ""
			view.Incomplete = view.Incomplete || begun
			continue
		}
		lines = append(lines, l)
	}
	if _, bad := errs["discount"]; bad {
		in.DiscountBP = 0 // refused beside its field; the totals count none
	}
	t := billing.ComputeDiscounted(lines, in.DiscountBP)
	view.Lines = len(lines)
	if t.TotalDiscount != 0 {
		view.DiscountRate, view.Discount = billing.FormatRate(in.DiscountBP)+" %", r.money(t.TotalDiscount, f.Currency)
	}
	t.Subtotal += t.TotalDiscount // the lines' sum; the discount row follows it
	view.Subtotal, view.VAT, view.Total = r.money(t.Subtotal, f.Currency), r.money(t.VAT, f.Currency), r.money(t.Total, f.Currency)
	return view
}

// InvoiceTotals answers the editor's posted form with its totals (htmx).
func (h *Handlers) InvoiceTotals(c *fiber.Ctx, r *Request) error {
	form, err := invoiceFormFor(c, r)
	if err != nil {
		return err
	}
	return h.fragment(c, "partials/invoices/totals", invoiceTotalsOf(r, form))
}
