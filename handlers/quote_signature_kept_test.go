package handlers_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var keptSignature = regexp.MustCompile(`name="signature_png" value="([^"]*)"`)

// TestPortalQuoteSignatureKeptOnError: a drawn signature posted with a
// wrong code comes back in the form shown again (422): the hidden field
// carries it as the checked PNG (which signature.js draws again) and the
// drawn signature stays chosen; posting that form again with the right
// code signs with it. A bad drawing is not carried back.
func TestPortalQuoteSignatureKeptOnError(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	id := f.mustSentQuote(t, f.x)
	code := f.mustQuoteCode(t, id)
	form := func(code, data string) url.Values {
		return url.Values{"signer_name": {"Xena Contact"}, "agree": {"1"}, "chosen": {"1"}, "code": {code}, "signature_kind": {"drawn"}, "signature_png": {data}}
	}

	res := f.contact.post(f.portal("/quotes/"+id+"/accept"), form("000000", signaturePNG(t, 600, 200, false)))
	wantStatus(t, res, http.StatusUnprocessableEntity)
	m := keptSignature.FindStringSubmatch(res.Body)
	if m == nil || !strings.HasPrefix(html.UnescapeString(m[1]), "data:image/png;base64,") {
		t.Fatalf("the form shown again lost the drawing: %v", m)
	}
	if !regexp.MustCompile(`id="f-sig-drawn" name="signature_kind" value="drawn" checked`).MatchString(res.Body) {
		t.Fatal("the drawn signature is no longer chosen")
	}

	bad := f.contact.post(f.portal("/quotes/"+id+"/accept"), form(code, signaturePNG(t, 600, 200, true)))
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	if m := keptSignature.FindStringSubmatch(bad.Body); m == nil || m[1] != "" {
		t.Fatalf("a blank drawing was carried back: %v", m)
	}

	wantStatus(t, f.contact.post(f.portal("/quotes/"+id+"/accept"), form(code, html.UnescapeString(m[1]))), http.StatusSeeOther)
	if k := f.e.caseQuery(t, f.a, `SELECT signature_kind || ':' || (length(signature_png) > 100) FROM quote_acceptances WHERE quote_id = ?`, id); k != "drawn:1" {
		t.Fatalf("stored %s", k)
	}
}
