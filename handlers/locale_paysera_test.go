package handlers_test

import (
	"net/http"
	"net/url"
	"testing"

	"mintedmind/paysera"
)

// TestPayseraCheckoutLanguage: Paysera's checkout opens in the payer's
// language, its "lang" parameter inside the signed data: LIT for a
// Lithuanian page, GER for German, ENG for English.
func TestPayseraCheckoutLanguage(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	f.mustSetUpPaysera(t)
	b := f.a.Owner
	id := f.mustCreateDraft(t, b, f.invoiceForm())
	f.mustIssue(t, b, id)
	for lang, want := range map[string]string{"lt": "LIT", "de": "GER", "en": "ENG"} {
		t.Run(lang, func(t *testing.T) {
			wantStatus(t, b.post("/a/"+f.a.Slug+"/settings", url.Values{"staff_visibility": {"all"}, "two_factor_required": {"nobody"}, "language": {lang}}), http.StatusSeeOther)
			b.get(f.inv("/" + id))
			res := b.post(f.inv("/"+id+"/pay"), nil)
			wantStatus(t, res, http.StatusSeeOther)
			loc, _ := url.Parse(res.Header.Get("Location"))
			if !paysera.CheckSign(loc.Query().Get("data"), loc.Query().Get("sign"), "pw") {
				t.Fatal("the request is not signed")
			}
			raw, _ := paysera.Decode(loc.Query().Get("data"))
			req, _ := url.ParseQuery(string(raw))
			if got := req.Get("lang"); got != want {
				t.Fatalf("lang %q, want %q (%v)", got, want, req)
			}
		})
	}
}
