package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"mintedmind/files/filestest"
)

// TestDocuments uploads a PDF and a phone photo to a case with the real
// binary in Chromium, at desktop and at phone width: both files go through
// the upload form's file picker, each with its progress bar; the case's
// list shows them, the photo with its thumbnail (drawn, upright) and the
// PDF with its page count; the history records both uploads. Screenshots
// go to e2e/artifacts/docs-*.
//
//	go test ./e2e -run TestDocuments -v
func TestDocuments(t *testing.T) {
	forEachWidth(t, "docs", (*story).documents)
}

func (s *story) documents(slug string) {
	t := s.t
	start := time.Now()
	agencyPath := "/a/" + slug

	dir := t.TempDir()
	pdfPath, photoPath := filepath.Join(dir, "Signed contract.pdf"), filepath.Join(dir, "Site photo.jpg")
	if err := os.WriteFile(pdfPath, filestest.PDF(4, 200_000), 0o600); err != nil {
		t.Fatal(err)
	}
	// 1200 × 900 as the sensor saw it, tagged "turn right": upright 900 × 1200.
	if err := os.WriteFile(photoPath, filestest.Photo(1200, 900, 6), 0o600); err != nil {
		t.Fatal(err)
	}

	s.signUp(slug, "Paper Trail "+s.vp.name, "Dora Docs")

	s.do("open the new client form", chromedp.Navigate(s.base+agencyPath+"/clients/new"))
	s.do("fill the client form", s.fill("f-name", "Orla Archer"))
	s.do("add the client", s.click("#client-form button[type=submit]"))
	s.waitFor("client page", `location.pathname.startsWith(`+js(agencyPath+"/clients/")+`) && !location.pathname.endsWith("/new")
		&& document.readyState === "complete" && document.body.innerText.includes("Orla Archer")`, true)
	s.do("open the new case form", s.click(`a[href^="`+agencyPath+`/cases/new?client="]`))
	s.atPath("new case form", agencyPath+"/cases/new", "h1", "New case")
	s.waitFor("the client is chosen", `document.querySelector("#f-client_id").selectedOptions[0].textContent.includes("Orla Archer")`, true)
	s.do("fill the case form", s.fill("f-title", "Boundary survey"))
	s.do("open the case", s.click(".case-form button[type=submit]"))
	s.waitFor("case page", `/^\/a\/[^/]+\/cases\/[0-9a-f-]{36}$/.test(location.pathname) && document.readyState === "complete"
		&& document.querySelector("#documents input[type=file]") !== null`, true)
	casePath := s.path()
	s.atPath("no documents yet", casePath, "#case-documents-list", "No documents yet.")
	s.waitFor("the script hides the upload button", `document.querySelector("#documents [data-upload-submit]").hidden === true`, true)

	s.do("choose a PDF and a photo", chromedp.SetUploadFiles(chromedp.CSS("#documents input[type=file]"), []string{pdfPath, photoPath}))
	s.waitFor("a progress bar for each file", `document.querySelectorAll("#documents .upload-queue progress, #documents .upload-queue .up-done").length >= 2`, true)
	s.waitFor("both uploaded", `document.querySelectorAll("#documents .upload-queue li.up-done").length === 2
		&& [...document.querySelectorAll("#documents .upload-queue progress")].every(p => p.value === 100)`, true)
	s.waitFor("both listed", `document.querySelectorAll("#case-documents-list li.doc").length === 2`, true)
	s.atPath("the PDF with its pages", casePath, "#case-documents-list", "Signed contract.pdf")
	s.atPath("the page count", casePath, "#case-documents-list", "PDF · 4 pages")
	s.atPath("the photo upright", casePath, "#case-documents-list", "JPEG · 900 × 1200")
	s.waitFor("the thumbnail is drawn, upright", `(() => {
		const img = document.querySelector("#case-documents-list img[src$='/thumb']");
		img?.scrollIntoView({block: "center"}); // it loads lazily, once in view
		return !!img && img.complete && img.naturalWidth > 0 && img.naturalHeight > img.naturalWidth;
	})()`, true)
	s.atPath("the history after the upload", casePath, "#timeline", "added a document: Site photo.jpg")
	s.atPath("the history after the upload", casePath, "#timeline", "added a document: Signed contract.pdf")
	s.screenshot("docs-01-uploaded")
	s.noConsoleErrors("upload")

	// A reload shows the same, without the script's help.
	s.do("reload the case", chromedp.Reload())
	s.waitFor("the list after a reload", `document.readyState === "complete" && document.querySelectorAll("#case-documents-list li.doc").length === 2
		&& !!document.querySelector("#case-documents-list img[src$='/thumb']")`, true)
	s.screenshot("docs-02-reloaded")
	s.noConsoleErrors("reload")
	s.csrfAgrees("case page with documents")

	// The PDF's own page, from its name in the list: its details and actions.
	s.do("mark the PDF's name", chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll("#case-documents-list a.doc-name")].find(a => a.textContent.trim() === "Signed contract.pdf").dataset.e2eDoc = "1"`))
	s.do("open the PDF's page", s.click(`#case-documents-list a.doc-name[data-e2e-doc]`))
	s.waitFor("the document's page", `/\/documents\/[0-9a-f-]{36}\/details$/.test(location.pathname) && document.readyState === "complete"`, true)
	docPage := s.path()
	s.atPath("the document's details", docPage, ".doc-page .props", "Uploaded")
	s.atPath("its actions", docPage, ".doc-page-actions", "Share with client")
	s.screenshot("docs-03-document-page")
	s.do("share it from its page", s.click(`.doc-page-actions form[action$="/share"] button[type=submit]`))
	s.atPath("shared, back on its page", docPage, ".flash", "The client can now see the document.")
	s.atPath("marked shared", docPage, ".doc-page .props", "Client sees this")
	s.noConsoleErrors("document page")
	t.Logf("documents story (%s) took %s", s.vp.name, time.Since(start).Round(time.Millisecond))
}
