package handlers_test

import (
	"net/http"
	"testing"
)

// The invoice page shows VAT rounded once per rate, halves away from zero:
// on the amounts where per-line rounding, or halves to even, would differ.
func TestInvoicePageRoundsVATOncePerRate(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	b := f.a.Owner
	b.get(f.inv("/new"))
	tests := []struct {
		name  string
		lines []string // description, quantity, price, vat: each "|"-joined
		shown []string
	}{
		{"two lines of 0.50 at 21 % show 0.21 VAT and 1.21 in all, not 0.22 and 1.22",
			[]string{"a|b", "1|1", "0.50|0.50", "21|21"},
			[]string{"<dt>Subtotal</dt><dd>1.00 EUR</dd>", "<dt>VAT 21% on 1.00 EUR</dt><dd>0.21 EUR</dd>", `<strong id="invoice-total">1.21 EUR</strong>`}},
		{"one line of 0.50 at 21 % shows 0.11 VAT and 0.61 in all, not 0.10 and 0.60",
			[]string{"a", "1", "0.50", "21"},
			[]string{"<dt>VAT 21% on 0.50 EUR</dt><dd>0.11 EUR</dd>", `<strong id="invoice-total">0.61 EUR</strong>`}},
		{"three lines each at 21 % and 9 % show 0.32 and 0.14 VAT and 3.46 in all",
			[]string{"a|b|c|d|e|f", "1|1|1|1|1|1", "0.50|0.50|0.50|0.50|0.50|0.50", "21|9|21|9|21|9"},
			[]string{"<dt>VAT 21% on 1.50 EUR</dt><dd>0.32 EUR</dd>", "<dt>VAT 9% on 1.50 EUR</dt><dd>0.14 EUR</dd>", `<strong id="invoice-total">3.46 EUR</strong>`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := f.mustCreateDraft(t, b, f.invoiceForm("line_description", tt.lines[0], "line_quantity", tt.lines[1], "line_price", tt.lines[2], "line_vat", tt.lines[3]))
			f.mustIssue(t, b, id)
			res := b.get(f.inv("/" + id))
			wantStatus(t, res, http.StatusOK)
			for _, s := range tt.shown {
				wantContains(t, res, s)
			}
		})
	}
}
