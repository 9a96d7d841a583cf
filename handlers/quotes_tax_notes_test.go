package handlers_test

import (
	"crypto/sha256"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// TestQuoteTaxNotes (issue 22): the legal note of a quote line's tax
// preset is printed where an invoice prints its notes, by the same
// partial: on the staff quote page, the portal quote, the quote PDF and
// the signed PDF, each once; the acceptance's document hash covers it; a
// note of an optional line the client left out is printed nowhere.
func TestQuoteTaxNotes(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	owner, slug := f.a.Owner, "/a/"+f.a.Slug
	const note = "Reverse charge: the buyer accounts for the VAT (Art. 196 of Directive 2006/112/EC)."
	const leftOut = "Exempt under Art. 132 (left out with its line)."
	owner.get(slug + "/settings/tax")
	wantStatus(t, owner.post(slug+"/settings/tax/presets", url.Values{"name": {"Reverse charge"}, "vat_rate": {"0"}, "note": {note}}), http.StatusSeeOther)
	wantStatus(t, owner.post(slug+"/settings/tax/presets", url.Values{"name": {"Exempt"}, "vat_rate": {"0"}, "note": {leftOut}}), http.StatusSeeOther)
	reverse := f.e.caseQuery(t, f.a, `SELECT id FROM tax_presets WHERE name = 'Reverse charge'`)
	exempt := f.e.caseQuery(t, f.a, `SELECT id FROM tax_presets WHERE name = 'Exempt'`)
	// The second line is optional (quoteValues), and the client leaves it out.
	id := f.mustSentQuote(t, f.x, "line_tax", reverse+"|"+exempt)
	staffPage, portalPage := f.quotes("/"+id), f.portal("/quotes/"+id)

	onceIn := func(t *testing.T, where, text string) {
		t.Helper()
		flat := strings.Join(strings.Fields(text), " ")
		if n := strings.Count(flat, note); n != 1 {
			t.Errorf("%s prints the tax note %d times, want once:\n%s", where, n, text)
		}
		if strings.Contains(flat, leftOut) {
			t.Errorf("%s prints the note of the line the client left out", where)
		}
	}
	t.Run("the quote's pages print the note once", func(t *testing.T) {
		for where, res := range map[string]*response{"the staff page": f.staff.get(staffPage), "the portal page": f.contact.get(portalPage)} {
			wantStatus(t, res, http.StatusOK)
			wantContains(t, res, `<section class="tax-notes"`)
			onceIn(t, where, res.Body)
		}
	})
	t.Run("the quote PDF prints the note", func(t *testing.T) {
		res := f.staff.get(staffPage + "/pdf")
		wantStatus(t, res, http.StatusOK)
		onceIn(t, "the quote PDF", pdfText(t, []byte(res.Body)))
	})
	t.Run("the signed PDF prints the note", func(t *testing.T) {
		code := f.mustQuoteCode(t, id)
		res := f.contact.post(portalPage+"/accept", url.Values{"signer_name": {"Xena Contact"}, "agree": {"1"}, "code": {code}})
		wantStatus(t, res, http.StatusSeeOther)
		signed := f.contact.get(portalPage + "/signed")
		wantStatus(t, signed, http.StatusOK)
		onceIn(t, "the signed PDF", pdfText(t, []byte(signed.Body)))
	})
	t.Run("the accepted document's hash covers the note", func(t *testing.T) {
		q := &tenant.Quote{QuoteInput: tenant.QuoteInput{Currency: "EUR", Lines: []tenant.QuoteLine{{Line: billing.Line{Description: "Design", QuantityMilli: 1000, UnitPrice: 100, TaxNote: note}}}}}
		with := sha256.Sum256(tenant.QuoteDocument(q))
		q.Lines[0].TaxNote = ""
		if sha256.Sum256(tenant.QuoteDocument(q)) == with {
			t.Fatal("a quote's document hashes the same with its tax note and without")
		}
	})
}
