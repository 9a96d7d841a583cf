package handlers_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"mintedmind/files/filestest"
)

// TestPortalSendDocumentsForm: the portal case page's Send documents form
// is the drop zone the New request form and the reply box use (app.js's
// lines and bars, data-upload-progress), and without script a plain
// multipart form with a required file input that takes several files; so
// posted, its files are stored and listed.
func TestPortalSendDocumentsForm(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	page := f.contact.get(f.portal("/cases/" + f.caseX))
	wantStatus(t, page, http.StatusOK)
	form := regexp.MustCompile(`(?s)<form method="post" action="(/a/[^"]+/documents)" enctype="multipart/form-data" class="portal-upload"[^>]*>.*?</form>`).FindStringSubmatch(page.Body)
	if form == nil {
		t.Fatalf("no Send documents form:\n%s", page.Body)
	}
	for _, want := range []string{`data-upload-progress`, `hx-boost="false"`, `data-max-bytes="`, `<div class="drop-zone" data-drop-zone>`,
		`<label class="doc-pick" for="f-file">Send documents`, `<input type="file" id="f-file" name="file" multiple accept="application/pdf,`,
		` required>`, `<ul class="upload-queue" data-upload-queue aria-live="polite"></ul>`, `name="_csrf"`, `<button type="submit">`} {
		if !strings.Contains(form[0], want) {
			t.Errorf("the Send documents form lacks %q:\n%s", want, form[0])
		}
	}
	if form[1] != f.portal("/cases/"+f.caseX+"/documents") {
		t.Errorf("the form posts to %s", form[1])
	}

	t.Run("posted as a browser without script posts it, the files are listed", func(t *testing.T) {
		body, ct := multipartBody(f.contact.csrf, nil, upFile{"Lease scan.pdf", filestest.PDF(1, 0)}, upFile{"Floor plan.png", filestest.PNG(40, 30)})
		res := f.contact.do("POST", form[1], body, ct)
		wantStatus(t, res, http.StatusSeeOther)
		listed := f.contact.get(f.portal("/cases/" + f.caseX))
		wantContains(t, listed, "Lease scan.pdf")
		wantContains(t, listed, "Floor plan.png")
	})
}
