package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestInvoiceTaxPresets: an invoice line takes its VAT from one of the
// agency's tax presets (the rate typed beside it does not count), new
// lines start at the default rate, and the preset's legal note is printed
// on the invoice page, the client's portal page and the PDF; an archived
// preset or another agency's is refused beside its line, nothing written.
func TestInvoiceTaxPresets(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a, b := e.mustSignup(t, "taxline-a"), e.mustSignup(t, "taxline-b")
	slug := "/a/" + a.Slug
	owner := a.Owner
	const note = "Reverse charge: Art. 196 of Directive 2006/112/EC"
	wantStatus(t, owner.post(slug+"/settings/tax/presets", url.Values{"name": {"Reverse charge"}, "vat_rate": {"0"}, "note": {note}}), http.StatusSeeOther)
	wantStatus(t, owner.post(slug+"/settings/tax/presets", url.Values{"name": {"Old rate"}, "vat_rate": {"19"}}), http.StatusSeeOther)
	wantStatus(t, owner.post(slug+"/settings/tax", url.Values{"default_vat_rate": {"9.5"}}), http.StatusSeeOther)
	wantStatus(t, b.Owner.post("/a/"+b.Slug+"/settings/tax/presets", url.Values{"name": {"B only"}, "vat_rate": {"5"}, "note": {"B's note"}}), http.StatusSeeOther)
	reverse := e.caseQuery(t, a, `SELECT id FROM tax_presets WHERE name = 'Reverse charge'`)
	old := e.caseQuery(t, a, `SELECT id FROM tax_presets WHERE name = 'Old rate'`)
	wantStatus(t, owner.post(slug+"/settings/tax/presets/"+old+"/archive", nil), http.StatusSeeOther)
	other := e.caseQuery(t, b, `SELECT id FROM tax_presets`)
	client := e.mustCaseClient(t, a, "Bauer GmbH", "")
	form := func(preset string) url.Values {
		return url.Values{"client_id": {client}, "currency": {"EUR"}, "issue_date": {"2026-11-02"}, "terms_days": {"14"},
			"line_description": {"Consulting", "Hosting"}, "line_quantity": {"1", "1"}, "line_price": {"100", "10"},
			"line_vat": {"21", "21"}, "line_tax": {preset, ""}}
	}
	snapshot := func() string {
		return e.caseQuery(t, a, `SELECT (SELECT COUNT(*) FROM invoices) || '/' || (SELECT COUNT(*) FROM invoice_lines)`)
	}

	t.Run("a new line starts at the default rate and offers the active presets", func(t *testing.T) {
		res := owner.get(slug + "/invoices/new")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, `name="line_vat" value="9.5"`)
		wantContains(t, res, `<option value="`+reverse+`">Reverse charge (0 %)</option>`)
		wantNotContains(t, res, old)
		wantNotContains(t, res, "B only")
		line := owner.get(slug + "/invoices/line")
		wantContains(t, line, `name="line_vat" value="9.5"`)
		wantContains(t, line, `name="line_tax"`)
	})

	t.Run("the live totals count the preset's rate", func(t *testing.T) {
		res := owner.post(slug+"/invoices/totals", form(reverse))
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "112.10") // 100 at 0 % + 10 at 21 %
	})

	for name, id := range map[string]string{"an archived preset": old, "another agency's preset": other, "a preset that is no id": "nope"} {
		t.Run(name+" is refused with nothing written", func(t *testing.T) {
			before := snapshot()
			res := owner.post(slug+"/invoices", form(id))
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, "Choose one of your tax presets")
			if got := snapshot(); got != before {
				t.Fatalf("written: %s -> %s", before, got)
			}
		})
	}

	var invoice string
	t.Run("the preset's rate and note are the line's", func(t *testing.T) {
		res := owner.post(slug+"/invoices", form(reverse))
		wantStatus(t, res, http.StatusSeeOther)
		invoice = strings.TrimPrefix(res.Header.Get("Location"), slug+"/invoices/")
		if got := e.caseQuery(t, a, `SELECT group_concat(vat_rate_bp || ':' || COALESCE(tax_preset_id, '-') || ':' || tax_note, '|') FROM
			(SELECT * FROM invoice_lines WHERE invoice_id = ? ORDER BY position)`, invoice); got != "0:"+reverse+":"+note+"|2100:-:" {
			t.Fatalf("lines %q", got)
		}
		if got := e.caseQuery(t, a, `SELECT total FROM invoices WHERE id = ?`, invoice); got != "11210" {
			t.Fatalf("total %s", got)
		}
		edit := owner.get(slug + "/invoices/" + invoice + "/edit")
		wantContains(t, edit, `<option value="`+reverse+`" selected>`)
	})

	t.Run("the note is on the page, the portal page and the PDF, and stays when the preset is archived", func(t *testing.T) {
		action, confirm := confirmForm(t, owner.get(slug+"/invoices/"+invoice+"/issue"))
		wantStatus(t, owner.post(action, confirm), http.StatusSeeOther)
		wantStatus(t, owner.post(slug+"/settings/tax/presets/"+reverse+"/archive", nil), http.StatusSeeOther)
		wantContains(t, owner.get(slug+"/invoices/"+invoice), note)

		email := "anna@bauer.test"
		wantStatus(t, owner.post(slug+"/clients/"+client+"/contacts", url.Values{"email": {email}}), http.StatusSeeOther)
		link := e.mailedLink(t, email)
		c := e.newClient()
		c.get(link)
		wantStatus(t, c.post(link, url.Values{"name": {"Anna Bauer"}, "password": {testPassword}, "password_confirm": {testPassword}}), http.StatusSeeOther)
		contact := e.mustLogin(t, a, email)
		res := contact.get(slug + "/portal/invoices/" + invoice)
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, note)

		pdf := owner.get(slug + "/invoices/" + invoice + "/pdf")
		wantStatus(t, pdf, http.StatusOK)
		wantContains(t, &response{Body: strings.Join(strings.Fields(pdfText(t, []byte(pdf.Body))), " ")}, note)
	})
}
