package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mintedmind/files/filestest"
)

// wantAttachment checks that a document response is a download, never shown
// inline.
func wantAttachment(t *testing.T, res *response) {
	t.Helper()
	wantStatus(t, res, http.StatusOK)
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
		t.Fatalf("Content-Disposition %q, want an attachment", cd)
	}
	if res.Header.Get("Content-Security-Policy") != "sandbox" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("headers %v", res.Header)
	}
}

func TestActivePDFsAreNeverShownInline(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	caseURL := "/a/" + f.a.Slug + "/cases/" + f.caseX
	body, ct := multipartBody(f.staff.csrf, url.Values{"shared": {"1"}},
		upFile{"scripted.pdf", filestest.PDFWith(filestest.JavaScriptAction)},
		upFile{"launcher.pdf", filestest.PDFWith(filestest.LaunchAction, filestest.EmbeddedFile)},
		upFile{"plain.pdf", filestest.PDF(1, 0)})
	wantStatus(t, f.staff.do("POST", caseURL+"/documents", body, ct), http.StatusSeeOther)
	id := func(name string) string {
		return f.e.caseQuery(t, f.a, `SELECT id FROM documents WHERE name = ?`, name)
	}
	scripted, launcher, plain := id("scripted.pdf"), id("launcher.pdf"), id("plain.pdf")

	t.Run("they are stored, with what they carry", func(t *testing.T) {
		if got := f.e.caseQuery(t, f.a, `SELECT active FROM documents WHERE id = ?`, scripted); got != "javascript" {
			t.Fatalf("scripted.pdf active %q", got)
		}
		if got := f.e.caseQuery(t, f.a, `SELECT active FROM documents WHERE id = ?`, launcher); got != "launch,embedded-files" {
			t.Fatalf("launcher.pdf active %q", got)
		}
		if got := f.e.caseQuery(t, f.a, `SELECT active FROM documents WHERE id = ?`, plain); got != "" {
			t.Fatalf("plain.pdf active %q", got)
		}
	})

	t.Run("staff see a warning in the case's list, and no inline viewer", func(t *testing.T) {
		res := f.staff.get(caseURL)
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "this PDF carries JavaScript. It is never shown in the browser")
		wantContains(t, res, "this PDF carries a launch action (it can open other files or programs) and embedded files.")
		wantLacks(t, res, caseURL+"/documents/"+scripted+"/preview")
		wantLacks(t, res, caseURL+"/documents/"+scripted+"/thumb")
		wantLacks(t, res, caseURL+"/documents/"+launcher+"/preview")
		wantContains(t, res, caseURL+"/documents/"+plain+"/preview")
		if n := strings.Count(res.Body, `class="doc-warning"`); n != 2 {
			t.Fatalf("%d warnings, want 2", n)
		}
	})

	t.Run("and on the client's Documents tab", func(t *testing.T) {
		res := f.staff.get("/a/" + f.a.Slug + "/clients/" + f.x + "?tab=documents")
		wantStatus(t, res, http.StatusOK)
		if n := strings.Count(res.Body, `class="doc-warning"`); n != 2 {
			t.Fatalf("%d warnings, want 2", n)
		}
		wantContains(t, res, "this PDF carries JavaScript; it is only downloaded")
	})

	t.Run("staff get them as attachments, from the preview address too; no thumbnail", func(t *testing.T) {
		for _, doc := range []string{scripted, launcher} {
			wantAttachment(t, f.staff.get(caseURL+"/documents/"+doc))
			wantAttachment(t, f.staff.get(caseURL+"/documents/"+doc+"/preview"))
			wantStatus(t, f.staff.get(caseURL+"/documents/"+doc+"/thumb"), http.StatusNotFound)
		}
		res := f.staff.get(caseURL + "/documents/" + plain + "/preview")
		if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "inline;") {
			t.Fatalf("a plain PDF's preview: Content-Disposition %q", cd)
		}
	})

	t.Run("the portal sends them as attachments, even when asked inline", func(t *testing.T) {
		for _, doc := range []string{scripted, launcher} {
			u := f.portal("/cases/" + f.caseX + "/documents/" + doc)
			wantAttachment(t, f.contact.get(u))
			wantAttachment(t, f.contact.get(u+"?inline=1"))
		}
		res := f.contact.get(f.portal("/cases/" + f.caseX + "/documents/" + plain + "?inline=1"))
		if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "inline;") {
			t.Fatalf("a plain PDF asked inline: Content-Disposition %q", cd)
		}
	})

	t.Run("a contact's own upload with JavaScript is stored and kept from the viewer too", func(t *testing.T) {
		f.contact.get(f.portal("/cases/" + f.caseX))
		body, ct := multipartBody(f.contact.csrf, nil, upFile{"from-client.pdf", filestest.PDFWith(filestest.EscapedJavaScript)})
		wantStatus(t, f.contact.do("POST", f.portal("/cases/"+f.caseX+"/documents"), body, ct), http.StatusSeeOther)
		doc := id("from-client.pdf")
		wantAttachment(t, f.staff.get(caseURL+"/documents/"+doc+"/preview"))
		wantContains(t, f.staff.get(caseURL), "this PDF carries JavaScript")
	})
}

func TestUploadedNameLosesBidiControls(t *testing.T) {
	t.Parallel()
	f := mustDocFixture(t)
	// Shown as "invoiceexe.pdf" with the override, the file is a checked PDF.
	wantStatus(t, f.uploadDocs(f.staff, f.caseURL(""), nil, upFile{"invoice\u202egnp.exe", filestest.PDF(1, 0)}), http.StatusSeeOther)
	if rows := f.docRows(t); len(rows) != 1 || rows[0] != "invoicegnp.exe.pdf|application/pdf|false|false" {
		t.Fatalf("rows %v", rows)
	}
	res := f.staff.get(f.caseURL(""))
	wantContains(t, res, "invoicegnp.exe.pdf")
	wantLacks(t, res, "\u202e")
	dl := f.staff.get(f.caseURL("/documents/" + f.docID(t, "invoicegnp.exe.pdf")))
	if cd := dl.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="invoicegnp.exe.pdf"`) || strings.Contains(cd, "%E2%80%AE") {
		t.Fatalf("Content-Disposition %q", cd)
	}
}

func TestPDFsStoredBeforeTheCheckAreCheckedWhenOpened(t *testing.T) {
	t.Parallel()
	f := mustDocFixture(t)
	wantStatus(t, f.uploadDocs(f.staff, f.caseURL(""), nil,
		upFile{"old-scripted.pdf", filestest.PDFWith(filestest.JavaScriptAction)}, upFile{"old-plain.pdf", filestest.PDF(1, 0)}), http.StatusSeeOther)
	// As migration 15 leaves the PDFs stored before uploads were checked.
	tn := f.e.mustTenant(t, f.a.ID)
	if _, err := tn.Write().ExecContext(context.Background(), `UPDATE documents SET active = 'unscanned'`); err != nil {
		t.Fatal(err)
	}
	scripted, plain := f.docID(t, "old-scripted.pdf"), f.docID(t, "old-plain.pdf")
	active := func(id string) string { return f.e.caseQuery(t, f.a, `SELECT active FROM documents WHERE id = ?`, id) }

	t.Run("opened, one with JavaScript is sent as an attachment and marked so", func(t *testing.T) {
		wantAttachment(t, f.staff.get(f.caseURL("/documents/"+scripted+"/preview")))
		if got := active(scripted); got != "javascript" {
			t.Fatalf("active %q", got)
		}
		wantContains(t, f.staff.get(f.caseURL("")), "this PDF carries JavaScript")
	})
	t.Run("a plain one is shown inline and marked checked", func(t *testing.T) {
		res := f.staff.get(f.caseURL("/documents/" + plain + "/preview"))
		if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "inline;") {
			t.Fatalf("Content-Disposition %q", cd)
		}
		if got := active(plain); got != "" {
			t.Fatalf("active %q", got)
		}
	})
}
