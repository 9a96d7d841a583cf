package handlers_test

import (
	"net/http"
	"net/url"
	"testing"
)

// Money at a glance (issue 22 point 6): the invoices page and the
// dashboard show what is outstanding, overdue and paid this month, and a
// 12-month SVG chart of payments with its numbers as a table; another
// currency gets its own figures; another agency sees none of it; the
// list's htmx filter answers without it.
func TestMoneyAtAGlance(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t) // the clock: 2 November 2026
	b := f.a.Owner
	b.get(f.inv("/new"))
	late := f.mustCreateDraft(t, b, f.invoiceForm("issue_date", "2026-10-01")) // 192.39 EUR, due 15 October
	f.mustIssue(t, b, late)
	current := f.mustCreateDraft(t, b, f.invoiceForm()) // 192.39 EUR, due 16 November
	f.mustIssue(t, b, current)
	dollars := f.mustCreateDraft(t, b, f.invoiceForm("currency", "USD"))
	f.mustIssue(t, b, dollars)
	f.mustCreateDraft(t, b, f.invoiceForm()) // a draft is owed by nobody
	wantStatus(t, b.post(f.inv("/"+late+"/payments"), url.Values{"amount": {"50.00"}, "paid_on": {"2026-10-20"}, "method": {"bank_transfer"}}), http.StatusSeeOther)
	wantStatus(t, b.post(f.inv("/"+current+"/payments"), url.Values{"amount": {"100.00"}, "paid_on": {"2026-11-02"}, "method": {"cash"}}), http.StatusSeeOther)
	wantStatus(t, b.post(f.inv("/"+dollars+"/payments"), url.Values{"amount": {"20.00"}, "paid_on": {"2026-11-01"}, "method": {"cash"}}), http.StatusSeeOther)

	for _, page := range []string{f.inv(""), "/a/" + f.a.Slug} {
		res := b.get(page)
		wantStatus(t, res, http.StatusOK)
		for _, s := range []string{
			`<dt>Outstanding</dt><dd><a href="` + f.inv("?status=open") + `">234.78 EUR</a></dd>`, // 2 × 192.39 − 150.00
			`<dt>Overdue</dt><dd><a href="` + f.inv("?status=overdue") + `">142.39 EUR</a></dd>`,  // 192.39 − 50.00
			`<dt>Paid this month</dt><dd>100.00 EUR</dd>`,
			`<dt>Outstanding (USD)</dt><dd><a href="` + f.inv("?status=open") + `">172.39 USD</a></dd>`,
			`<dt>Paid this month (USD)</dt><dd>20.00 USD</dd>`,
			`<dt>Overdue (USD)</dt><dd><a href="` + f.inv("?status=overdue") + `">0.00 USD</a></dd>`,
			`role="img" aria-labelledby="money-caption"`,
			"Payments received each month in EUR, the last 12 months.",
			`<tr><th scope="row">November 2026</th><td>100.00 EUR</td></tr>`,
			`<tr><th scope="row">October 2026</th><td>50.00 EUR</td></tr>`,
			`<tr><th scope="row">December 2025</th><td>0.00 EUR</td></tr>`,
			// November's bar is the tallest (160 units), October's half of it.
			`height="160" class="bar bar-paid"`, `height="80" class="bar bar-paid"`,
		} {
			wantContains(t, res, s)
		}
		wantLacks(t, res, "November 2025")
		wantLacks(t, res, "120.00 EUR") // the chart is in EUR only
	}

	done := htmx(b)
	filtered := b.get(f.inv("?status=open"))
	done()
	wantLacks(t, filtered, "money-glance")
	wantLacks(t, b.get(f.inv("?client="+f.client.ID)), "money-glance")
	bad := b.get(f.inv("?status=owed"))
	wantStatus(t, bad, http.StatusUnprocessableEntity)

	other := f.b.Owner.get("/a/" + f.b.Slug + "/invoices")
	wantStatus(t, other, http.StatusOK)
	wantContains(t, other, `<dt>Outstanding</dt><dd><a href="/a/`+f.b.Slug+`/invoices?status=open">0.00 EUR</a></dd>`)
	wantContains(t, other, "the last 12 months: none yet.")
	wantLacks(t, other, "USD")
}
