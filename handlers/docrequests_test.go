package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"mintedmind/files/filestest"
)

// TestDocumentRequests: staff ask for a document, the client sees it on the
// case's checklist and on the portal home, sends a file against it, staff
// send it back with a reason, the client sends another, staff accept it;
// every step in the history; bad input, other agencies' and other clients'
// ids and answered items change nothing.
// mustDocRequestOfY asks client Y, on its case, for a document and returns
// the request's id.
func (f *portalFixture) mustDocRequestOfY(t *testing.T) string {
	t.Helper()
	wantStatus(t, f.staff.post("/a/"+f.a.Slug+"/cases/"+f.caseY+"/docrequests", url.Values{"name": {"For Yarrow only"}}), http.StatusSeeOther)
	return f.e.caseQuery(t, f.a, `SELECT id FROM document_requests WHERE name = 'For Yarrow only'`)
}

func TestDocumentRequests(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	staffCase := "/a/" + f.a.Slug + "/cases/" + f.caseX
	count := func(q string, args ...any) string { return f.e.caseQuery(t, f.a, q, args...) }
	state := func() string {
		return count(`SELECT COUNT(*) || ' ' || COALESCE(GROUP_CONCAT(status || ':' || reason || ':' || (document_id <> ''), ','), '') FROM document_requests`) +
			" events " + count(`SELECT COUNT(*) FROM case_events`) + " docs " + count(`SELECT COUNT(*) FROM documents`)
	}
	upload := func(b *browser, path, name string) *response {
		body, ct := multipartBody(b.csrf, nil, upFile{name, filestest.PDF(1, 0)})
		return b.do("POST", path, body, ct)
	}

	t.Run("bad input is refused on the case page with its message, nothing stored", func(t *testing.T) {
		before := state()
		for _, form := range []url.Values{{"name": {"  "}}, {"name": {"Passport"}, "due_date": {"2026-02-31"}}, {"name": {strings.Repeat("x", 201)}}} {
			res := f.staff.post(staffCase+"/docrequests", form)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, `id="e-d-`)
			wantContains(t, res, `class="field-error"`)
		}
		if after := state(); after != before {
			t.Fatalf("stored: %s → %s", before, after)
		}
	})

	t.Run("another agency's staff and the contact cannot ask on the case", func(t *testing.T) {
		b := f.e.mustSignup(t, "docreq-other")
		before := state()
		wantStatus(t, b.Owner.post("/a/"+b.Slug+"/cases/"+f.caseX+"/docrequests", url.Values{"name": {"Passport"}}), http.StatusNotFound)
		wantStatus(t, f.contact.post(staffCase+"/docrequests", url.Values{"name": {"Passport"}}), http.StatusNotFound)
		if after := state(); after != before {
			t.Fatalf("stored: %s → %s", before, after)
		}
	})

	var reqID string
	t.Run("the portal case page's live part is there before anything is asked", func(t *testing.T) {
		page := f.contact.get(f.portal("/cases/" + f.caseX))
		wantContains(t, page, `<div id="portal-docreqs"></div>`)
		wantContains(t, page, `hx-select-oob="#portal-case-props,#portal-docreqs,`)
	})
	t.Run("staff ask; the client sees the checklist, the home's count and an email", func(t *testing.T) {
		res := f.staff.post(staffCase+"/docrequests", url.Values{"name": {"Passport copy"}, "due_date": {"2030-01-15"}, "note": {"Both pages, please"}})
		wantStatus(t, res, http.StatusSeeOther)
		reqID = count(`SELECT id FROM document_requests WHERE name = 'Passport copy'`)
		page := f.contact.get(f.portal("/cases/" + f.caseX))
		wantContains(t, page, "Documents to send")
		wantContains(t, page, "Passport copy")
		wantContains(t, page, "Both pages, please")
		wantContains(t, page, `action="/a/`+f.a.Slug+`/portal/cases/`+f.caseX+`/docrequests/`+reqID+`"`)
		wantContains(t, page, "asked you for “Passport copy” by 2030-01-15")
		home := f.contact.get(f.portal(""))
		wantContains(t, home, "1 thing to send")
		f.e.flushMail(t)
		msg := f.e.smtp.WaitFor(t, f.contactEmail, 5*time.Second)
		if !strings.Contains(msg.Subject, "needs a document") || !strings.Contains(msg.Body, "Passport copy (by 2030-01-15)") {
			t.Fatalf("%s\n%s", msg.Subject, msg.Body)
		}
		wantContains(t, f.staff.get(staffCase), "asked the client for “Passport copy” by 2030-01-15")
	})

	t.Run("another client's contact and another agency cannot send against it", func(t *testing.T) {
		other, _ := f.e.mustAddUser(t, f.a, "client") // a contact of another client of the same agency
		before := state()
		wantStatus(t, upload(other, "/a/"+f.a.Slug+"/portal/cases/"+f.caseX+"/docrequests/"+reqID, "p.pdf"), http.StatusNotFound)
		b := f.e.mustSignup(t, "docreq-b")
		bc, _ := f.e.mustAddUser(t, b, "client")
		wantStatus(t, upload(bc, "/a/"+b.Slug+"/portal/cases/"+f.caseX+"/docrequests/"+reqID, "p.pdf"), http.StatusNotFound)
		// The right contact, the wrong case in the URL.
		wantStatus(t, upload(f.contact, f.portal("/cases/"+f.caseY+"/docrequests/"+reqID), "p.pdf"), http.StatusNotFound)
		wantStatus(t, upload(f.contact, f.portal("/cases/"+f.caseX+"/docrequests/no-such-id"), "p.pdf"), http.StatusNotFound)
		if after := state(); after != before {
			t.Fatalf("stored: %s → %s", before, after)
		}
	})

	t.Run("the client sends a file; a second is refused while it is being checked", func(t *testing.T) {
		wantStatus(t, upload(f.contact, f.portal("/cases/"+f.caseX+"/docrequests/"+reqID), "passport.pdf"), http.StatusSeeOther)
		if got := count(`SELECT status || ' ' || (SELECT name FROM documents WHERE id = document_id) FROM document_requests WHERE id = ?`, reqID); got != "sent passport.pdf" {
			t.Fatalf("got %q", got)
		}
		before := state()
		res := upload(f.contact, f.portal("/cases/"+f.caseX+"/docrequests/"+reqID), "again.pdf")
		wantStatus(t, res, http.StatusConflict)
		wantContains(t, res, "waiting for the agency")
		// Beside the item refused, not above the page's other upload form;
		// its field-error keeps it through live updates (assets/js/live.js).
		item := regexp.MustCompile(`(?s)<li class="docreq docreq-sent" id="docreq-` + reqID + `" data-live-item>.*?</li>`).FindString(res.Body)
		if !strings.Contains(item, `class="field-error"`) || !strings.Contains(item, "waiting for the agency") {
			t.Errorf("the refusal is not in its item:\n%s", item)
		}
		if strings.Count(res.Body, "waiting for the agency") != 1 {
			t.Errorf("the refusal shows %d times", strings.Count(res.Body, "waiting for the agency"))
		}
		if after := state(); after != before {
			t.Fatalf("stored: %s → %s", before, after)
		}
		page := f.staff.get(staffCase)
		wantContains(t, page, "1 to check")
		wantContains(t, page, "sent “Passport copy”: passport.pdf")
		wantContains(t, page, "Accept")
	})

	t.Run("the staff page's live update carries the checklist, not the forms typed in", func(t *testing.T) {
		page := f.staff.get(staffCase)
		oob := regexp.MustCompile(`hx-select-oob="([^"]*)" data-live-case`).FindStringSubmatch(page.Body)
		if oob == nil {
			t.Fatal("no live part on the case page")
		}
		parts := strings.Split(oob[1], ",")
		for _, want := range []string{"#docreq-pending", "#docreq-checklist"} {
			if !slices.Contains(parts, want) {
				t.Errorf("the live update keeps %v, not %s", parts, want)
			}
		}
		for _, typed := range []string{"#docrequests", "#docreq-form", "#note-form"} {
			if slices.Contains(parts, typed) {
				t.Errorf("the live update swaps %s, a form being typed in", typed)
			}
		}
		live := f.staff.get(staffCase + "/live")
		wantStatus(t, live, http.StatusOK)
		start := strings.Index(live.Body, `<div id="docreq-checklist">`)
		end := strings.Index(live.Body, `id="docreq-form"`)
		if start < 0 || end < start {
			t.Fatalf("no checklist before the ask form in the live update:\n%s", live.Body)
		}
		checklist := live.Body[start:end]
		if !strings.Contains(checklist, "passport.pdf") || !strings.Contains(live.Body, `<span id="docreq-pending"><mark>1 to check</mark></span>`) {
			t.Errorf("the live checklist lacks the file sent or its count:\n%s", checklist)
		}
		if strings.Contains(checklist, `id="d-note"`) || strings.Contains(checklist, `id="note-form"`) {
			t.Errorf("the live checklist holds a form of the page:\n%s", checklist)
		}
	})

	t.Run("sending back needs a reason; others' ids are not found", func(t *testing.T) {
		before := state()
		res := f.staff.post(staffCase+"/docrequests/"+reqID+"/return", url.Values{"reason": {"  "}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Say why you send it back")
		b := f.e.mustSignup(t, "docreq-c")
		wantStatus(t, b.Owner.post("/a/"+b.Slug+"/cases/"+f.caseX+"/docrequests/"+reqID+"/accept", nil), http.StatusNotFound)
		wantStatus(t, f.staff.post("/a/"+f.a.Slug+"/cases/"+f.caseY+"/docrequests/"+reqID+"/accept", nil), http.StatusNotFound)
		wantStatus(t, f.contact.post(staffCase+"/docrequests/"+reqID+"/accept", nil), http.StatusNotFound)
		if after := state(); after != before {
			t.Fatalf("changed: %s → %s", before, after)
		}
	})

	t.Run("sent back, sent again, accepted; all in the history on both sides", func(t *testing.T) {
		wantStatus(t, f.staff.post(staffCase+"/docrequests/"+reqID+"/return", url.Values{"reason": {"The scan is unreadable"}}), http.StatusSeeOther)
		page := f.contact.get(f.portal("/cases/" + f.caseX))
		wantContains(t, page, "Sent back: The scan is unreadable")
		wantContains(t, f.contact.get(f.portal("")), "1 thing to send")
		wantStatus(t, upload(f.contact, f.portal("/cases/"+f.caseX+"/docrequests/"+reqID), "passport-2.pdf"), http.StatusSeeOther)
		wantStatus(t, f.staff.post(staffCase+"/docrequests/"+reqID+"/accept", nil), http.StatusSeeOther)
		before := state()
		wantStatus(t, f.staff.post(staffCase+"/docrequests/"+reqID+"/accept", nil), http.StatusConflict)
		wantStatus(t, upload(f.contact, f.portal("/cases/"+f.caseX+"/docrequests/"+reqID), "late.pdf"), http.StatusConflict)
		if after := state(); after != before {
			t.Fatalf("changed: %s → %s", before, after)
		}
		staff := f.staff.get(staffCase)
		for _, s := range []string{"sent “Passport copy” back: The scan is unreadable", "sent “Passport copy”: passport-2.pdf", "accepted “Passport copy”"} {
			wantContains(t, staff, s)
		}
		portal := f.contact.get(f.portal("/cases/" + f.caseX))
		for _, s := range []string{"sent “Passport copy” back", "accepted “Passport copy”", "Accepted"} {
			wantContains(t, portal, s)
		}
		wantLacks(t, f.contact.get(f.portal("")), "to send</h2>")
		wantContains(t, f.a.Owner.get("/a/"+f.a.Slug+"/clients/"+f.x+"?tab=activity"), "Document accepted")
	})
}
