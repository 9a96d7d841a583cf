package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mintedmind/billing"
)

// TestInvoiceDiscounts: the invoice editor takes a discount per line and
// one on the total, counted by billing's rule (a line's own discount at
// its rate, the total's once per VAT rate, not once per line) in the live
// totals and the stored totals; the invoice page, the client's portal page
// and the PDF show each line's discount, its amount after it, and a
// discount row in the totals; a refused discount is a message beside its
// field with nothing written; a recurring invoice carries the discount on
// the total into the invoices the recurring run issues.
func TestInvoiceDiscounts(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "discount")
	slug := "/a/" + a.Slug
	owner := a.Owner
	client := e.mustCaseClient(t, a, "Bauer GmbH", "")
	// 100.00 at 21 % less 12.5 % is 87.50; three lines of 0.05 at 9 %.
	// 10 % off the total: 8.75 at 21 %, and 0.02 at 9 % (10 % of 0.15,
	// rounded once for the rate; rounded per line it would be 0.03).
	// Nets 78.75 and 0.13, VAT 16.54 and 0.01: 95.43 (per line: 95.42).
	form := func(kv ...string) url.Values {
		v := url.Values{"client_id": {client}, "currency": {"EUR"}, "issue_date": {"2026-11-02"}, "terms_days": {"14"},
			"line_description": {"Design", "Domain", "DNS", "Mail"}, "line_quantity": {"1", "1", "1", "1"},
			"line_price": {"100", "0.05", "0.05", "0.05"}, "line_vat": {"21", "9", "9", "9"},
			"line_discount": {"12.5", "", "", ""}, "discount": {"10"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v[kv[i]] = strings.Split(kv[i+1], "|")
		}
		return v
	}
	snapshot := func() string {
		return e.caseQuery(t, a, `SELECT (SELECT COUNT(*) FROM invoices) || '/' || (SELECT COUNT(*) FROM invoice_lines) || '/' ||
			(SELECT COUNT(*) FROM recurring_invoices) || '/' || (SELECT COALESCE(SUM(discount_bp), 0) FROM invoices) || '/' ||
			(SELECT COALESCE(SUM(discount_bp), 0) FROM recurring_invoices)`)
	}

	t.Run("the editor has both fields and the live totals count both discounts", func(t *testing.T) {
		page := owner.get(slug + "/invoices/new")
		wantStatus(t, page, http.StatusOK)
		wantContains(t, page, `name="line_discount"`)
		wantContains(t, page, `name="discount"`)
		res := owner.post(slug+"/invoices/totals", form())
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "87.65") // the lines' sum after their own discounts
		wantContains(t, res, "Discount 10 % on the total")
		wantContains(t, res, "8.77")
		wantContains(t, res, "95.43")
	})

	refusals := []struct{ name, field, value, msg string }{
		{"a line discount of 101 %", "line_discount", "101|||", "Discount: "},
		{"a negative line discount", "line_discount", "-1|||", "must not be negative"},
		{"a line discount that is text", "line_discount", "lots|||", "is not a number"},
		{"a line discount with three decimals", "line_discount", "12.125|||", "at most 2 decimal places"},
		{"a total discount of 101 %", "discount", "101", "Discount on the total: "},
		{"a negative total discount", "discount", "-1", "Discount on the total: must not be negative"},
		{"a total discount that is text", "discount", "half", "Discount on the total: "},
		{"a total discount with three decimals", "discount", "10.005", "Discount on the total: at most 2 decimal places"},
	}
	for _, r := range refusals {
		t.Run(r.name+" is refused beside its field, nothing written", func(t *testing.T) {
			before := snapshot()
			res := owner.post(slug+"/invoices", form(r.field, r.value))
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, r.msg)
			wantContains(t, res, fieldValue(r.field, strings.Split(r.value, "|")[0]))
			if got := snapshot(); got != before {
				t.Fatalf("written: %s -> %s", before, got)
			}
		})
	}

	var invoice string
	t.Run("the stored totals are the rule's, and the draft edits as saved", func(t *testing.T) {
		res := owner.post(slug+"/invoices", form())
		wantStatus(t, res, http.StatusSeeOther)
		invoice = strings.TrimPrefix(res.Header.Get("Location"), slug+"/invoices/")
		if got := e.caseQuery(t, a, `SELECT subtotal || '/' || vat_total || '/' || total || '/' || discount_bp FROM invoices WHERE id = ?`, invoice); got != "7888/1655/9543/1000" {
			t.Fatalf("stored %s, want 7888/1655/9543/1000", got)
		}
		if got := e.caseQuery(t, a, `SELECT group_concat(discount_bp, ',') FROM (SELECT discount_bp FROM invoice_lines WHERE invoice_id = ? ORDER BY position)`, invoice); got != "1250,0,0,0" {
			t.Fatalf("line discounts %s", got)
		}
		edit := owner.get(slug + "/invoices/" + invoice + "/edit")
		wantContains(t, edit, `name="line_discount" value="12.5"`)
		wantContains(t, edit, fieldValue("discount", "10"))
		// Saving it again without the discount on the total takes it off.
		wantStatus(t, owner.post(slug+"/invoices/"+invoice, form("discount", "")), http.StatusSeeOther)
		if got := e.caseQuery(t, a, `SELECT total || '/' || discount_bp FROM invoices WHERE id = ?`, invoice); got != "10604/0" {
			t.Fatalf("without the total discount: %s", got) // 87.65 and 18.38 + 0.01 VAT
		}
		wantStatus(t, owner.post(slug+"/invoices/"+invoice, form()), http.StatusSeeOther)
		if got := e.caseQuery(t, a, `SELECT total FROM invoices WHERE id = ?`, invoice); got != "9543" {
			t.Fatalf("edited back: %s", got)
		}
	})

	t.Run("the page, the portal page and the PDF show the discounts", func(t *testing.T) {
		action, confirm := confirmForm(t, owner.get(slug+"/invoices/"+invoice+"/issue"))
		wantStatus(t, owner.post(action, confirm), http.StatusSeeOther)
		page := owner.get(slug + "/invoices/" + invoice)
		wantStatus(t, page, http.StatusOK)
		for _, s := range []string{"12.5 %", "87.50", "87.65", "Discount 10 % on the total", "8.77", "95.43"} {
			wantContains(t, page, s)
		}

		email := "anna@bauer.test"
		wantStatus(t, owner.post(slug+"/clients/"+client+"/contacts", url.Values{"email": {email}}), http.StatusSeeOther)
		link := e.mailedLink(t, email)
		c := e.newClient()
		c.get(link)
		wantStatus(t, c.post(link, url.Values{"name": {"Anna Bauer"}, "password": {testPassword}, "password_confirm": {testPassword}}), http.StatusSeeOther)
		contact := e.mustLogin(t, a, email)
		portal := contact.get(slug + "/portal/invoices/" + invoice)
		wantStatus(t, portal, http.StatusOK)
		for _, s := range []string{"12.5 %", "87.50", "Discount 10 % on the total", "8.77", "95.43"} {
			wantContains(t, portal, s)
		}

		pdf := owner.get(slug + "/invoices/" + invoice + "/pdf")
		wantStatus(t, pdf, http.StatusOK)
		text := &response{Body: strings.Join(strings.Fields(pdfText(t, []byte(pdf.Body))), " ")}
		for _, s := range []string{"Discount", "12.5%", "87.50", "Subtotal 87.65", "Discount 10% on the total", "8.77", "95.43"} {
			wantContains(t, text, s)
		}
	})

	t.Run("the API gives the discounts, as its OpenAPI document says", func(t *testing.T) {
		tok := mustAPIToken(t, e, a, "Discounts", allScopes())
		res := tok.api(t, "GET", "/api/v1/invoices/"+invoice, "")
		wantStatus(t, res, http.StatusOK)
		for _, s := range []string{`"subtotal":7888`, `"discount_bp":1000`, `"discount_bp":1250`, `"total":9543`} {
			wantContains(t, res, s)
		}
	})

	t.Run("a recurring invoice carries the discount on the total into the invoices it issues", func(t *testing.T) {
		base := slug + "/recurring"
		owner.get(base + "/new")
		rec := form("start_date", "2026-01-05", "frequency", "monthly", "interval_months", "1", "count", "0")
		rec.Del("issue_date")
		before := snapshot()
		bad := owner.post(base, form("start_date", "2026-01-05", "frequency", "monthly", "interval_months", "1", "count", "0", "discount", "100.5"))
		wantStatus(t, bad, http.StatusUnprocessableEntity)
		wantContains(t, bad, "Discount on the total: ")
		if got := snapshot(); got != before {
			t.Fatalf("written: %s -> %s", before, got)
		}
		res := owner.post(base, rec)
		wantStatus(t, res, http.StatusSeeOther)
		id := strings.TrimPrefix(res.Header.Get("Location"), base+"/")
		if got := e.caseQuery(t, a, `SELECT discount_bp FROM recurring_invoices WHERE id = ?`, id); got != "1000" {
			t.Fatalf("schedule's discount %s", got)
		}
		wantContains(t, owner.get(base+"/"+id+"/edit"), fieldValue("discount", "10"))
		day, err := billing.ParseDate("2026-01-05")
		if err != nil {
			t.Fatal(err)
		}
		if n, err := e.mustTenant(t, a.ID).GenerateRecurring(context.Background(), day, a.Name, nil); err != nil || n != 1 {
			t.Fatalf("made %d (%v)", n, err)
		}
		if got := e.caseQuery(t, a, `SELECT subtotal || '/' || vat_total || '/' || total || '/' || discount_bp FROM invoices WHERE recurring_id = ?`, id); got != "7888/1655/9543/1000" {
			t.Fatalf("issued %s, want 7888/1655/9543/1000", got)
		}

		// Editing the schedule changes the discount of the invoices to come.
		before = snapshot()
		edit := form("discount", "12.5.5")
		edit.Del("issue_date")
		wantStatus(t, owner.post(base+"/"+id+"/edit", edit), http.StatusUnprocessableEntity)
		if got := snapshot(); got != before {
			t.Fatalf("written: %s -> %s", before, got)
		}
		edit.Set("discount", "5")
		wantStatus(t, owner.post(base+"/"+id+"/edit", edit), http.StatusSeeOther)
		if got := e.caseQuery(t, a, `SELECT discount_bp FROM recurring_invoices WHERE id = ?`, id); got != "500" {
			t.Fatalf("edited schedule's discount %s", got)
		}
		if got := e.caseQuery(t, a, `SELECT discount_bp FROM invoices WHERE recurring_id = ?`, id); got != "1000" {
			t.Fatalf("the invoice issued before the edit changed: %s", got)
		}
	})
}

// fieldValue is how the invoice editor shows a discount field's value.
func fieldValue(name, value string) string {
	if name == "discount" { // partials/forms/field
		return `name="discount" type="text" value="` + value + `"`
	}
	return `name="` + name + `" value="` + value + `"`
}
