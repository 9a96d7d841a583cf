package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSignedQuoteListedAsDocument: an accepted quote's signed PDF is
// listed in the client's documents and in its case's (staff), and in the
// case's documents in the portal (the client's contacts), each linked to
// a download of that PDF.
func TestSignedQuoteListedAsDocument(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	id := f.mustSentQuote(t, f.x, "case_id", f.caseX)
	res := f.contact.post(f.portal("/quotes/"+id+"/accept"), url.Values{"signer_name": {"Xena Contact"}, "agree": {"1"}, "chosen": {"1"}, "code": {f.mustQuoteCode(t, id)}})
	wantStatus(t, res, http.StatusSeeOther)
	label := f.e.caseQuery(t, f.a, `SELECT label FROM signed_documents WHERE quote_id = ?`, id)
	staffLink, portalLink := f.quotes("/"+id+"/signed"), f.portal("/quotes/"+id+"/signed")

	for _, page := range []string{"/a/" + f.a.Slug + "/clients/" + f.x + "?tab=documents", "/a/" + f.a.Slug + "/cases/" + f.caseX} {
		res := f.staff.get(page)
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, `href="`+staffLink+`"`)
		wantContains(t, res, "Signed PDF of "+label)
	}
	res = f.contact.get(f.portal("/cases/" + f.caseX))
	wantStatus(t, res, http.StatusOK)
	wantContains(t, res, `href="`+portalLink+`"`)
	for b, link := range map[*browser]string{f.staff: staffLink, f.contact: portalLink} {
		pdf := b.get(link)
		wantStatus(t, pdf, http.StatusOK)
		if ct := pdf.Header.Get("Content-Type"); ct != "application/pdf" {
			t.Fatalf("%s: %s", link, ct)
		}
	}
	if other := f.staff.get("/a/" + f.a.Slug + "/clients/" + f.y + "?tab=documents"); other.StatusCode != http.StatusOK || strings.Contains(other.Body, staffLink) {
		t.Fatal("another client's documents list the signed PDF")
	}
}
