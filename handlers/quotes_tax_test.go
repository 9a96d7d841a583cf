package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestQuoteTaxPresets (issue 22): quote lines take the invoice lines'
// preset select and default VAT rate: a new line starts at the default
// rate, a line saved with a preset is charged its rate (not the one
// typed) and keeps the preset and its note, the editor shows it chosen,
// and an archived or another agency's preset is refused beside its line
// with nothing written.
func TestQuoteTaxPresets(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	owner := f.a.Owner
	slug := "/a/" + f.a.Slug
	owner.get(slug + "/settings/tax")
	wantStatus(t, owner.post(slug+"/settings/tax", url.Values{"default_vat_rate": {"9.5"}}), http.StatusSeeOther)
	wantStatus(t, owner.post(slug+"/settings/tax/presets", url.Values{"name": {"Reverse charge"}, "vat_rate": {"0"}, "note": {"Art. 196"}}), http.StatusSeeOther)
	wantStatus(t, owner.post(slug+"/settings/tax/presets", url.Values{"name": {"Old"}, "vat_rate": {"19"}}), http.StatusSeeOther)
	reverse := f.e.caseQuery(t, f.a, `SELECT id FROM tax_presets WHERE name = 'Reverse charge'`)
	old := f.e.caseQuery(t, f.a, `SELECT id FROM tax_presets WHERE name = 'Old'`)
	wantStatus(t, owner.post(slug+"/settings/tax/presets/"+old+"/archive", nil), http.StatusSeeOther)
	f.b.Owner.get("/a/" + f.b.Slug + "/settings/tax")
	wantStatus(t, f.b.Owner.post("/a/"+f.b.Slug+"/settings/tax/presets", url.Values{"name": {"B"}, "vat_rate": {"5"}}), http.StatusSeeOther)
	theirs := f.e.caseQuery(t, f.b, `SELECT id FROM tax_presets`)
	quotes := slug + "/quotes"

	t.Run("a new line starts at the default rate with the preset select", func(t *testing.T) {
		for _, page := range []string{quotes + "/new", quotes + "/line"} {
			res := owner.get(page)
			wantStatus(t, res, http.StatusOK)
			wantContains(t, res, `name="line_vat" value="9.5"`)
			wantContains(t, res, `<option value="`+reverse+`">Reverse charge (0 %)</option>`)
		}
	})

	for name, id := range map[string]string{"an archived preset": old, "another agency's preset": theirs} {
		t.Run(name+" is refused beside its line, nothing written", func(t *testing.T) {
			res := owner.post(quotes, quoteValues(f.client.ID, "line_tax", id+"|"))
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, "Choose one of your tax presets, or type a rate.")
			if n := f.e.caseQuery(t, f.a, `SELECT count(*) FROM quotes`); n != "0" {
				t.Fatalf("%s quotes", n)
			}
		})
	}

	t.Run("a line with a preset is charged its rate and keeps it", func(t *testing.T) {
		res := owner.post(quotes, quoteValues(f.client.ID, "line_tax", reverse+"|"))
		wantStatus(t, res, http.StatusSeeOther)
		id := strings.TrimPrefix(res.Header.Get("Location"), quotes+"/")
		got := f.e.caseQuery(t, f.a, `SELECT vat_rate_bp || '|' || COALESCE(tax_preset_id, '') || '|' || tax_note FROM quote_lines WHERE quote_id = ? AND position = 0`, id)
		if got != "0|"+reverse+"|Art. 196" {
			t.Fatalf("line %q", got)
		}
		edit := owner.get(quotes + "/" + id + "/edit")
		wantStatus(t, edit, http.StatusOK)
		wantContains(t, edit, `<option value="`+reverse+`" selected>`)
	})
}
