package handlers_test

import (
	"net/http"
	"testing"
)

// The editor's totals (issue 22 point 3): htmx posts the editor and gets
// its totals by the saving rounding rule; a line not complete yet is left
// out and said to be; without script the editor shows the same totals when
// it comes back refused (422, nothing saved) or with a line added.
func TestInvoiceEditorTotals(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	b := f.a.Owner
	b.get(f.inv("/new"))
	done := htmx(b)
	res := b.post(f.inv("/totals"), f.invoiceForm()) // 1.5 × 100.00 at 21 %, 9.99 at 9 %
	done()
	wantStatus(t, res, http.StatusOK)
	for _, s := range []string{"<dt>Subtotal</dt><dd>159.99 EUR</dd>", "<dt>VAT</dt><dd>32.40 EUR</dd>", "<dt>Total</dt><dd><strong>192.39 EUR</strong></dd>"} {
		wantContains(t, res, s)
	}
	wantLacks(t, res, "<html")
	wantLacks(t, res, `id="invoice-totals"`) // the editor's box stays, its content is swapped
	wantLacks(t, res, "not complete")

	res = b.post(f.inv("/totals"), f.invoiceForm("line_price", "abc|9.99"))
	wantStatus(t, res, http.StatusOK)
	wantContains(t, res, "<dt>Total</dt><dd><strong>10.89 EUR</strong></dd>")
	wantContains(t, res, "the totals count the 1 complete line.")

	refused := b.post(f.inv(""), f.invoiceForm("client_id", f.foreign.ID))
	wantStatus(t, refused, http.StatusUnprocessableEntity)
	wantContains(t, refused, "<dt>Total</dt><dd><strong>192.39 EUR</strong></dd>")
	if n := invoiceCount(t, f.tn); n != 0 {
		t.Fatalf("%d invoices saved", n)
	}
	fresh := b.get(f.inv("/new"))
	wantContains(t, fresh, `<div id="invoice-totals" class="invoice-editor-totals" hx-post="`+f.inv("/totals")+`"`)
	wantContains(t, fresh, "<dt>Total</dt><dd><strong>0.00 EUR</strong></dd>")
	wantLacks(t, fresh, "not complete") // an empty line is not begun
}
