package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mintedmind/files/filestest"
)

// TestDocumentRequestChangeAndWithdraw: staff change what they ask for or
// withdraw it from the case page until it is accepted; the client's
// checklist and both histories follow. Bad input is a message beside the
// item's field (422); another agency's or client's ids, a contact, and an
// accepted item change nothing.
func TestDocumentRequestChangeAndWithdraw(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	staffCase := "/a/" + f.a.Slug + "/cases/" + f.caseX
	q := func(s string, args ...any) string { return f.e.caseQuery(t, f.a, s, args...) }
	state := func() string {
		return q(`SELECT COUNT(*) || ' ' || COALESCE(GROUP_CONCAT(name || ':' || due_date || ':' || note || ':' || status, ','), '') FROM document_requests`) +
			" events " + q(`SELECT COUNT(*) FROM case_events`)
	}
	wantStatus(t, f.staff.post(staffCase+"/docrequests", url.Values{"name": {"Passport"}, "due_date": {"2030-01-15"}}), http.StatusSeeOther)
	req := q(`SELECT id FROM document_requests WHERE name = 'Passport'`)
	item := staffCase + "/docrequests/" + req

	t.Run("the case page offers to change or withdraw it", func(t *testing.T) {
		page := f.staff.get(staffCase)
		wantContains(t, page, `action="`+item+`"`)
		wantContains(t, page, `action="`+item+`/withdraw"`)
	})
	t.Run("bad input is a message beside the item's field, nothing stored", func(t *testing.T) {
		before := state()
		for _, form := range []url.Values{{"name": {" "}}, {"name": {"Passport"}, "due_date": {"2030-02-31"}}, {"name": {strings.Repeat("x", 201)}}} {
			res := f.staff.post(item, form)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, `id="e-dn-`)
			wantContains(t, res, `<details class="docreq-change" open>`)
		}
		if after := state(); after != before {
			t.Fatalf("stored: %s → %s", before, after)
		}
	})
	t.Run("another agency, another case's URL, a contact and an unknown id change nothing", func(t *testing.T) {
		before := state()
		b := f.e.mustSignup(t, "docreq-change-b")
		form := func() url.Values { return url.Values{"name": {"Stolen"}} } // post adds the browser's CSRF token to it
		wantStatus(t, b.Owner.post("/a/"+b.Slug+"/cases/"+f.caseX+"/docrequests/"+req, form()), http.StatusNotFound)
		wantStatus(t, b.Owner.post("/a/"+b.Slug+"/cases/"+f.caseX+"/docrequests/"+req+"/withdraw", nil), http.StatusNotFound)
		wantStatus(t, f.staff.post("/a/"+f.a.Slug+"/cases/"+f.caseY+"/docrequests/"+req, form()), http.StatusNotFound)
		wantStatus(t, f.staff.post("/a/"+f.a.Slug+"/cases/"+f.caseY+"/docrequests/"+req+"/withdraw", nil), http.StatusNotFound)
		wantStatus(t, f.contact.post(item, form()), http.StatusNotFound)
		wantStatus(t, f.contact.post(item+"/withdraw", nil), http.StatusNotFound)
		wantStatus(t, f.staff.post(staffCase+"/docrequests/no-such-id", form()), http.StatusNotFound)
		wantStatus(t, f.staff.post(staffCase+"/docrequests/no-such-id/withdraw", nil), http.StatusNotFound)
		if after := state(); after != before {
			t.Fatalf("changed: %s → %s", before, after)
		}
	})
	t.Run("a change shows on the client's checklist and both histories", func(t *testing.T) {
		wantStatus(t, f.staff.post(item, url.Values{"name": {"Passport copy"}, "due_date": {"2030-02-01"}, "note": {"Both pages"}}), http.StatusSeeOther)
		portal := f.contact.get(f.portal("/cases/" + f.caseX))
		for _, s := range []string{"Passport copy", "Both pages", "by 2030-02-01", "changed the document asked of you to “Passport copy”"} {
			wantContains(t, portal, s)
		}
		wantContains(t, f.staff.get(staffCase), "changed the document asked for: “Passport copy” (was “Passport · due 2030-02-01 (was 2030-01-15)”)")
	})
	t.Run("withdrawn: off the checklist and the home's count, in both histories", func(t *testing.T) {
		wantContains(t, f.contact.get(f.portal("")), "1 thing to send")
		wantStatus(t, f.staff.post(item+"/withdraw", nil), http.StatusSeeOther)
		if n := q(`SELECT COUNT(*) FROM document_requests`); n != "0" {
			t.Fatalf("%s requests left", n)
		}
		wantLacks(t, f.contact.get(f.portal("")), "thing to send")
		wantContains(t, f.contact.get(f.portal("/cases/"+f.caseX)), "no longer needs “Passport copy”")
		wantContains(t, f.staff.get(staffCase), "withdrew the request for “Passport copy”")
		wantStatus(t, f.staff.post(item+"/withdraw", nil), http.StatusNotFound)
	})
	t.Run("an accepted document can be neither changed nor withdrawn", func(t *testing.T) {
		wantStatus(t, f.staff.post(staffCase+"/docrequests", url.Values{"name": {"Brief"}}), http.StatusSeeOther)
		brief := q(`SELECT id FROM document_requests WHERE name = 'Brief'`)
		body, ct := multipartBody(f.contact.csrf, nil, upFile{"brief.pdf", filestest.PDF(1, 0)})
		wantStatus(t, f.contact.do("POST", f.portal("/cases/"+f.caseX+"/docrequests/"+brief), body, ct), http.StatusSeeOther)
		wantStatus(t, f.staff.post(staffCase+"/docrequests/"+brief+"/accept", nil), http.StatusSeeOther)
		before := state()
		res := f.staff.post(staffCase+"/docrequests/"+brief, url.Values{"name": {"Other"}})
		wantStatus(t, res, http.StatusConflict)
		wantContains(t, res, "was accepted already")
		wantStatus(t, f.staff.post(staffCase+"/docrequests/"+brief+"/withdraw", nil), http.StatusConflict)
		if after := state(); after != before {
			t.Fatalf("changed: %s → %s", before, after)
		}
		wantLacks(t, f.staff.get(staffCase), `action="`+staffCase+`/docrequests/`+brief+`/withdraw"`)
	})
}
