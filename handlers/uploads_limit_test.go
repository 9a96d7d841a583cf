package handlers_test

import (
	"net/http"
	"net/url"
	"testing"

	"mintedmind/files/filestest"
	"mintedmind/handlers"
)

// TestUploadsOverTheFileLimit sends, at a file limit of 1 MiB, a 2 MiB PDF
// through every form that takes files besides the case's document upload
// (TestDocumentUploadRefusesBadInput has that one): a new request's
// attachment and its file field, the client's and the staff's reply, and a
// document asked for. Each is refused with the limit in the page, the form
// as typed, and nothing stored: no case, number, message, document, answer
// or file on disk.
func TestUploadsOverTheFileLimit(t *testing.T) {
	t.Parallel()
	f := mustRequestFixture(t, func(c *handlers.Config) { c.FileLimit = 1 << 20 })
	big := filestest.PDF(1, 2<<20)
	dir := f.e.mustTenant(t, f.a.ID).FilesDir()
	staffCase := "/a/" + f.a.Slug + "/cases/" + f.caseX
	wantStatus(t, f.staff.post(staffCase+"/docrequests", url.Values{"name": {"Passport copy"}}), http.StatusSeeOther)
	reqID := f.e.caseQuery(t, f.a, `SELECT id FROM document_requests WHERE name = 'Passport copy'`)
	state := func() string {
		return f.e.caseQuery(t, f.a, `SELECT (SELECT COUNT(*) FROM cases) || ' cases, seq ' || (SELECT value FROM sequences WHERE name = 'case') ||
			', ' || (SELECT COUNT(*) FROM notes) || ' notes, ' || (SELECT COUNT(*) FROM documents) || ' docs, ' ||
			(SELECT COUNT(*) FROM case_request_values) || ' answers, ' || (SELECT COUNT(*) FROM case_events) || ' events, request ' ||
			(SELECT status FROM document_requests WHERE id = ?)`, reqID)
	}
	good := url.Values{"type": {f.typeID}, "subject": {"Logo files"}, "body": {"Here is the big brochure."},
		f.textField: {"https://xylo.test/"}, f.choiceField: {"Today"}}
	shot := namedFile{f.fileFld, "screen.png", filestest.PNG(64, 48)}
	portalCase := f.portal("/cases/" + f.caseX)

	for _, tc := range []struct {
		name string
		send func() *response
		kept string // the text typed, back in the form
	}{
		{"a new request's attachment", func() *response {
			return f.contact.postFiles(f.portal("/requests"), good, shot, namedFile{"file", "brochure.pdf", big})
		}, "Here is the big brochure."},
		{"the file a request type asks for", func() *response {
			return f.contact.postFiles(f.portal("/requests"), good, namedFile{f.fileFld, "brochure.pdf", big})
		}, "Here is the big brochure."},
		{"the client's reply", func() *response {
			f.contact.get(portalCase)
			return f.contact.postFiles(portalCase+"/messages", url.Values{"body": {"The brochure, as promised."}}, namedFile{"file", "brochure.pdf", big})
		}, "The brochure, as promised."},
		{"the staff's reply", func() *response {
			f.staff.get(staffCase)
			return f.staff.postFiles(staffCase+"/messages", url.Values{"body": {"Our brochure draft."}}, namedFile{"file", "brochure.pdf", big})
		}, "Our brochure draft."},
		{"a document asked for", func() *response {
			f.contact.get(portalCase)
			body, ct := multipartBody(f.contact.csrf, nil, upFile{"passport.pdf", big})
			return f.contact.do("POST", portalCase+"/docrequests/"+reqID, body, ct)
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, disk := state(), filesUnder(t, dir)
			res := tc.send()
			wantStatus(t, res, http.StatusRequestEntityTooLarge)
			wantContains(t, res, "larger than the 1 MiB")
			if tc.kept != "" {
				wantContains(t, res, tc.kept)
			}
			if after := state(); after != before {
				t.Fatalf("stored: %s → %s", before, after)
			}
			if got := filesUnder(t, dir); got != disk {
				t.Fatalf("files on disk %d, were %d", got, disk)
			}
		})
	}
}
