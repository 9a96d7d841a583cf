package handlers_test

import (
	"net/http"
	"net/url"
	"testing"

	"mintedmind/i18n"
)

// TestMoneyInTheViewersLanguage: every amount of an invoice's page, line
// amounts and totals alike, is written by the template function money in
// the viewer's language (the agency's default here): "1,261.50" beside
// "1,911.50 EUR" in English, "1 261,50" beside "1 911,50 €" in
// Lithuanian (non-breaking spaces), "1.911,50 €" in German; the list and
// the reports follow, and counts go through number.
func TestMoneyInTheViewersLanguage(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	b := f.a.Owner
	id := f.mustCreateDraft(t, b, f.invoiceForm("line_quantity", "1|1", "line_price", "1261.50|650", "line_vat", "0|0"))
	f.mustIssue(t, b, id)
	wantStatus(t, b.post(f.inv("/"+id+"/payments"), url.Values{"amount": {"1000"}, "paid_on": {"2026-11-02"}, "method": {"bank_transfer"}}), http.StatusSeeOther)
	language := func(t *testing.T, lang string) {
		t.Helper()
		res := b.post("/a/"+f.a.Slug+"/settings", url.Values{"staff_visibility": {"all"}, "two_factor_required": {"nobody"}, "language": {lang}})
		wantStatus(t, res, http.StatusSeeOther)
	}
	const nb = "\u00a0"
	for _, c := range []struct {
		lang                         string
		line, total, paid, owed, one string
	}{
		{"en", ">1,261.50<", "1,911.50 EUR", "1,000.00 EUR", "911.50 EUR", ""},
		{"lt", ">1" + nb + "261,50<", "1" + nb + "911,50" + nb + "€", "1" + nb + "000,00" + nb + "€", "911,50" + nb + "€", ""},
		{"de", ">1.261,50<", "1.911,50" + nb + "€", "1.000,00" + nb + "€", "911,50" + nb + "€", ""},
	} {
		t.Run("in "+c.lang, func(t *testing.T) {
			language(t, c.lang)
			page := b.get(f.inv("/" + id))
			wantStatus(t, page, http.StatusOK)
			for _, s := range []string{c.line, ">650" + map[string]string{"en": ".00", "lt": ",00", "de": ",00"}[c.lang] + "<",
				`<strong id="invoice-total">` + c.total + `</strong>`, `<dd id="invoice-paid">` + c.paid + `</dd>`, `<dd id="invoice-outstanding">` + c.owed + `</dd>`} {
				wantContains(t, page, s)
			}
			list := b.get(f.inv(""))
			label := func(id string) string { return `<td data-label="` + i18n.T(c.lang, id) + `">` } // the columns' names are in the language too
			wantContains(t, list, label("invoice.total")+c.total+`</td>`)
			wantContains(t, list, label("inv.owed")+c.owed+`</td>`)
			reports := b.get(f.inv("/reports"))
			wantContains(t, reports, label("inv.received")+c.paid+`</td>`+label("invoice.payments")+`1</td>`)
		})
	}
}
