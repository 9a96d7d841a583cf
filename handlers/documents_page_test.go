package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"mintedmind/db/tenant"
	"mintedmind/files/filestest"
)

// TestDocumentPage is a document's own page for staff: its details, the
// warning of an active PDF, its actions, links to it from the case's
// list and the client's Documents tab, and 404 for anyone who may not see
// it, with nothing changed.
func TestDocumentPage(t *testing.T) {
	t.Parallel()
	f := mustDocFixture(t)
	wantStatus(t, f.uploadDocs(f.staff, f.caseURL(""), nil,
		upFile{"scripted.pdf", filestest.PDFWith(filestest.JavaScriptAction)},
		upFile{"plain.pdf", filestest.PDF(2, 0)}), http.StatusSeeOther)
	scripted, plain := f.docID(t, "scripted.pdf"), f.docID(t, "plain.pdf")
	page := func(id string) string { return f.caseURL("/documents/" + id + "/details") }

	t.Run("the lists link to it", func(t *testing.T) {
		wantContains(t, f.staff.get(f.caseURL("")), `href="`+page(plain)+`"`)
		wantContains(t, f.staff.get("/a/"+f.a.Slug+"/clients/"+f.client+"?tab=documents"), `href="`+page(scripted)+`"`)
	})

	t.Run("details and actions of a plain PDF", func(t *testing.T) {
		res := f.staff.get(page(plain))
		wantStatus(t, res, http.StatusOK)
		for _, s := range []string{"<h1 class=\"doc-title\">plain.pdf</h1>", "PDF · 2 pages", "Uploaded", "Tax return", "Acme Ltd",
			"No: internal, only the team sees it", f.caseURL("/documents/" + plain + "/preview"), `href="` + f.caseURL("/documents/"+plain) + `" download`,
			"Share with client", f.caseURL("/documents/" + plain + "/delete")} {
			wantContains(t, res, s)
		}
		wantLacks(t, res, `class="doc-warning"`)
	})

	t.Run("an active PDF carries the warning and no inline view", func(t *testing.T) {
		res := f.staff.get(page(scripted))
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "this PDF carries JavaScript. It is never shown in the browser")
		wantLacks(t, res, f.caseURL("/documents/"+scripted+"/preview"))
		wantLacks(t, res, "Open in the browser")
	})

	t.Run("sharing from the page comes back to it", func(t *testing.T) {
		res := f.staff.post(f.caseURL("/documents/"+plain+"/share"), url.Values{"shared": {"1"}, "from": {"page"}})
		wantStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != page(plain) {
			t.Fatalf("redirected to %q, want the document's page", loc)
		}
		res = f.staff.get(page(plain))
		wantContains(t, res, "Client sees this")
		wantContains(t, res, "Make internal")
	})

	t.Run("another agency's owner, or a deleted document: 404, nothing changed", func(t *testing.T) {
		before := f.docRows(t)
		wantStatus(t, f.b.Owner.get("/a/"+f.b.Slug+"/cases/"+f.caseID+"/documents/"+plain+"/details"), http.StatusNotFound)
		wantStatus(t, f.b.Owner.get(page(plain)), http.StatusNotFound)
		wantStatus(t, f.b.Owner.get("/a/"+f.b.Slug+"/cases/"+f.foreignCase+"/documents/"+plain+"/details"), http.StatusNotFound)
		// A case of the agency that the document is not on.
		other := mustCreateCase(t, f.a.Owner, f.a, url.Values{"client_id": {f.client}, "title": {"Other"}})
		wantStatus(t, f.staff.get("/a/"+f.a.Slug+"/cases/"+other+"/documents/"+plain+"/details"), http.StatusNotFound)
		if after := f.docRows(t); len(after) != len(before) || after[0] != before[0] || after[1] != before[1] {
			t.Fatalf("rows changed: %v then %v", before, after)
		}
		wantStatus(t, f.staff.post(f.caseURL("/documents/"+scripted+"/delete"), nil), http.StatusSeeOther)
		wantStatus(t, f.staff.get(page(scripted)), http.StatusNotFound)
	})

	t.Run("a staff member who sees only their own cases: 404", func(t *testing.T) {
		tn := f.e.mustTenant(t, f.a.ID)
		if err := tn.SaveSettings(context.Background(), tenant.Settings{StaffSeeOwnOnly: true}, tenant.Audit{Action: "settings.changed"}); err != nil {
			t.Fatal(err)
		}
		defer tn.SaveSettings(context.Background(), tenant.Settings{}, tenant.Audit{Action: "settings.changed"})
		wantStatus(t, f.staff.get(page(plain)), http.StatusNotFound)
		wantStatus(t, f.a.Owner.get(page(plain)), http.StatusOK)
	})
}
