package handlers_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestQuoteSignedRecordAndVerify: accepting a quote freezes its signed
// PDF (the version as accepted, the signer, time, address, the audit trail
// and the body's SHA-256 on a last page), stored with its own SHA-256;
// staff and the contact download exactly those bytes, both sides get it by
// email (real SMTP); the public verify page recognises the PDF and refuses
// it with one byte changed, and another agency's verify page does not
// know it; another client's, a not accepted and another agency's quote
// have no signed PDF to download (404).
func TestQuoteSignedRecordAndVerify(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	mine := f.mustSentQuote(t, f.x)
	theirs := f.mustSentQuote(t, f.y)
	wantStatus(t, f.contact.get(f.portal("/quotes/"+mine)), http.StatusOK)
	res := f.contact.post(f.portal("/quotes/"+mine+"/accept"), url.Values{"signer_name": {"Xena  Contact"}, "agree": {"1"}, "chosen": {"1"}, "code": {f.mustQuoteCode(t, mine)}})
	wantStatus(t, res, http.StatusSeeOther)
	label := f.e.caseQuery(t, f.a, `SELECT number FROM quotes WHERE id = ?`, mine)
	stored := f.e.caseQuery(t, f.a, `SELECT sha256 FROM signed_documents WHERE quote_id = ?`, mine)
	var pdf []byte

	t.Run("the signed PDF is stored with its hash and the body's hash", func(t *testing.T) {
		if n := f.quoteCount(t, "signed_documents"); n != "1" {
			t.Fatalf("%s signed documents", n)
		}
		if f.e.caseQuery(t, f.a, `SELECT body_sha256 = (SELECT document_sha256 FROM quote_acceptances WHERE quote_id = ?) FROM signed_documents WHERE quote_id = ?`, mine, mine) != "1" {
			t.Fatal("the signed document's body hash is not the acceptance's")
		}
		res := f.staff.get(f.quotes("/" + mine + "/signed"))
		wantStatus(t, res, http.StatusOK)
		if res.Header.Get("Content-Type") != "application/pdf" || !strings.Contains(res.Header.Get("Content-Disposition"), "signed.pdf") {
			t.Fatalf("headers %v", res.Header)
		}
		pdf = []byte(res.Body)
		if sum := sha256.Sum256(pdf); hex.EncodeToString(sum[:]) != stored {
			t.Fatal("the downloaded PDF is not the one stored")
		}
		portal := f.contact.get(f.portal("/quotes/" + mine + "/signed"))
		wantStatus(t, portal, http.StatusOK)
		if portal.Body != res.Body {
			t.Fatal("the contact's signed PDF differs from the staff's")
		}
		text := pdfText(t, pdf)
		body := f.e.caseQuery(t, f.a, `SELECT document_sha256 FROM quote_acceptances WHERE quote_id = ?`, mine)
		for _, s := range []string{"ACCEPTED AND SIGNED", "Signature and audit trail", "Xena Contact", f.contactEmail, "Signed at", "UTC", "IP address",
			"Audit trail", "sent the quote", "Xena Contact opened the quote", "A signing code was emailed to Xena Contact",
			"Xena Contact confirmed the emailed signing code", "Xena Contact accepted and signed the quote", "145.20 EUR", body} {
			if !strings.Contains(strings.Join(strings.Fields(text), " "), s) {
				t.Errorf("the signed PDF lacks %q:\n%s", s, text)
			}
		}
		wantContains(t, f.staff.get(f.quotes("/"+mine)), "/signed")
	})

	t.Run("both sides get the signed PDF by email", func(t *testing.T) {
		f.e.flushMail(t)
		got := map[string]bool{}
		for _, m := range f.e.smtp.Messages() {
			if !strings.HasPrefix(m.Subject, "Signed: "+label) {
				continue
			}
			for _, p := range m.Parts {
				if sum := sha256.Sum256(p.Data); p.ContentType == "application/pdf" && hex.EncodeToString(sum[:]) == stored {
					for _, to := range m.To {
						got[to] = true
					}
				}
			}
			if !strings.Contains(m.Body, "/a/"+f.a.Slug+"/verify") {
				t.Errorf("no verify link in the email:\n%s", m.Body)
			}
		}
		if !got[f.contactEmail] || !got[f.staffEmail] {
			t.Fatalf("the signed PDF went to %v, want the signer and the author", got)
		}
	})

	verify := func(t *testing.T, slug string, data []byte) *response {
		t.Helper()
		anon := f.e.newClient()
		wantStatus(t, anon.get("/a/"+slug+"/verify"), http.StatusOK)
		body, ct := multipartBody(anon.csrf, url.Values{}, upFile{"copy.pdf", data})
		return anon.do("POST", "/a/"+slug+"/verify", body, ct)
	}

	t.Run("the verify page recognises the signed PDF, and not with a byte changed", func(t *testing.T) {
		res := verify(t, f.a.Slug, pdf)
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "This PDF matches "+label)
		wantLacks(t, res, "Xylo")
		wantLacks(t, res, "145.20")
		changed := slices.Clone(pdf)
		changed[len(changed)/2] ^= 1
		res = verify(t, f.a.Slug, changed)
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "does not match any document")
		wantLacks(t, res, label)
	})

	t.Run("no file is 422 with its message, and the page writes nothing", func(t *testing.T) {
		anon := f.e.newClient()
		anon.get("/a/" + f.a.Slug + "/verify")
		body, ct := multipartBody(anon.csrf, url.Values{})
		res := anon.do("POST", "/a/"+f.a.Slug+"/verify", body, ct)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Choose the PDF to check.")
		if n := f.quoteCount(t, "signed_documents"); n != "1" {
			t.Fatalf("%s signed documents", n)
		}
	})

	t.Run("another agency's verify page does not know this agency's PDF", func(t *testing.T) {
		b := f.e.mustSignup(t, "quote-verify-other")
		res := verify(t, b.Slug, pdf)
		wantContains(t, res, "does not match any document")
		wantLacks(t, res, label)
		wantStatus(t, b.Owner.get("/a/"+b.Slug+"/quotes/"+mine+"/signed"), http.StatusNotFound)
	})

	t.Run("another client's and a not accepted quote have no signed PDF", func(t *testing.T) {
		wantStatus(t, f.contact.get(f.portal("/quotes/"+theirs+"/signed")), http.StatusNotFound)
		wantStatus(t, f.staff.get(f.quotes("/"+theirs+"/signed")), http.StatusNotFound)
	})
}
