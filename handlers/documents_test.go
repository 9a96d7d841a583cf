package handlers_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"mintedmind/db/tenant"
	"mintedmind/files"
	"mintedmind/files/filestest"
	"mintedmind/handlers"
)

// docFixture is agency A with an owner, a staff member, a client and a
// case, and agency B with a case of its own.
type docFixture struct {
	e           *env
	a, b        *agency
	staff       *browser
	client      string
	caseID      string
	foreignCase string
}

func mustDocFixture(t *testing.T, opts ...func(*handlers.Config)) *docFixture {
	t.Helper()
	f := &docFixture{e: mustNewEnv(t, opts...)}
	f.a, f.b = f.e.mustSignup(t, "docs-a"), f.e.mustSignup(t, "docs-b")
	f.staff, _ = f.e.mustAddUser(t, f.a, "staff")
	f.client = f.e.mustCaseClient(t, f.a, "Acme Ltd", "")
	f.caseID = mustCreateCase(t, f.a.Owner, f.a, url.Values{"client_id": {f.client}, "title": {"Tax return"}})
	foreignClient := f.e.mustCaseClient(t, f.b, "Foreign Co", "")
	f.foreignCase = mustCreateCase(t, f.b.Owner, f.b, url.Values{"client_id": {foreignClient}, "title": {"B's case"}})
	f.a.Owner.get(f.caseURL(""))
	f.staff.get(f.caseURL(""))
	return f
}

func (f *docFixture) caseURL(rest string) string {
	return "/a/" + f.a.Slug + "/cases/" + f.caseID + rest
}

// filesDir is agency A's files directory.
func (f *docFixture) filesDir() string { return filepath.Join(f.e.dir, "tenants", f.a.ID, "files") }

// wantNothingStored checks that agency A has no document rows and no files.
func (f *docFixture) wantNothingStored(t *testing.T) {
	t.Helper()
	if n := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM documents`); n != "0" {
		t.Fatalf("%s document rows stored", n)
	}
	entries, _ := os.ReadDir(f.filesDir())
	if len(entries) != 0 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("files left on disk: %v", names)
	}
}

// upFile is one file of a multipart upload.
type upFile struct {
	name string
	data []byte
}

// multipartBody builds an upload: the fields first (the CSRF token among
// them unless csrf is ""), then the files.
func multipartBody(csrf string, fields url.Values, list ...upFile) (*bytes.Buffer, string) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if csrf != "" {
		w.WriteField("_csrf", csrf)
	}
	for k, vs := range fields {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	for _, fl := range list {
		h := textproto.MIMEHeader{}
		// Written by hand: CreateFormFile would escape what the tests send
		// raw. A name with a percent sign goes as an RFC 5987 filename*.
		disposition := `form-data; name="file"; filename="` + strings.ReplaceAll(fl.name, `"`, `%22`) + `"`
		if strings.Contains(fl.name, "%") {
			disposition = `form-data; name="file"; filename*=UTF-8''` + fl.name
		}
		h.Set("Content-Disposition", disposition)
		h.Set("Content-Type", "application/octet-stream")
		p, _ := w.CreatePart(h)
		p.Write(fl.data)
	}
	w.Close()
	return &body, w.FormDataContentType()
}

// uploadDocs posts files to the case as a form without script would.
func (f *docFixture) uploadDocs(b *browser, caseURL string, fields url.Values, list ...upFile) *response {
	body, ct := multipartBody(b.csrf, fields, list...)
	return b.do("POST", caseURL+"/documents", body, ct)
}

// docRows lists agency A's documents as "name|type|shared|deleted".
func (f *docFixture) docRows(t *testing.T) []string {
	t.Helper()
	rows, err := f.e.mustTenant(t, f.a.ID).Read().QueryContext(context.Background(),
		`SELECT name, content_type, shared, deleted_at IS NOT NULL FROM documents ORDER BY created_at, name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name, ct string
		var shared, deleted bool
		rows.Scan(&name, &ct, &shared, &deleted)
		out = append(out, fmt.Sprintf("%s|%s|%v|%v", name, ct, shared, deleted))
	}
	return out
}

// docID returns the id of agency A's document named name.
func (f *docFixture) docID(t *testing.T, name string) string {
	t.Helper()
	return f.e.caseQuery(t, f.a, `SELECT id FROM documents WHERE name = ?`, name)
}

func TestDocumentUpload(t *testing.T) {
	t.Parallel()
	f := mustDocFixture(t)
	pdf, photo := filestest.PDF(3, 0), filestest.Photo(640, 480, 6)

	t.Run("a PDF and a photo from the form without script", func(t *testing.T) {
		res := f.uploadDocs(f.staff, f.caseURL(""), nil, upFile{"Contract.pdf", pdf}, upFile{"IMG_1234.jpg", photo})
		wantStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != f.caseURL("#documents") {
			t.Fatalf("redirect to %q", loc)
		}
		if got := strings.Join(f.docRows(t), ","); got != "Contract.pdf|application/pdf|false|false,IMG_1234.jpg|image/jpeg|false|false" {
			t.Fatalf("rows %s", got)
		}
		stored, _ := os.ReadFile(filepath.Join(f.filesDir(), f.e.caseQuery(t, f.a, `SELECT storage_key FROM documents WHERE name = 'Contract.pdf'`)))
		if !bytes.Equal(stored, pdf) {
			t.Fatal("stored PDF differs from the upload")
		}
		if sum := f.e.caseQuery(t, f.a, `SELECT sha256 FROM documents WHERE name = 'Contract.pdf'`); len(sum) != 64 {
			t.Fatalf("sha256 %q", sum)
		}
	})

	t.Run("the case page lists them with a thumbnail, page count and history", func(t *testing.T) {
		res := f.staff.get(f.caseURL(""))
		wantStatus(t, res, http.StatusOK)
		id := f.docID(t, "IMG_1234.jpg")
		wantContains(t, res, "/documents/"+id+"/thumb")
		wantContains(t, res, "PDF · 3 pages")
		wantContains(t, res, "JPEG · 480 × 640") // turned upright by its EXIF orientation
		wantContains(t, res, "added a document: Contract.pdf")
		wantContains(t, res, "added a document: IMG_1234.jpg")
		th := f.staff.get(f.caseURL("/documents/" + id + "/thumb"))
		wantStatus(t, th, http.StatusOK)
		if th.Header.Get("Content-Type") != "image/jpeg" || !strings.HasPrefix(th.Body, "\xff\xd8\xff") {
			t.Fatalf("thumbnail %s, %d bytes", th.Header.Get("Content-Type"), len(th.Body))
		}
	})

	t.Run("one file by htmx, shared, gets its line and the list out of band", func(t *testing.T) {
		done := htmx(f.staff, "X-Upload-Files", "1")
		res := f.uploadDocs(f.staff, f.caseURL(""), url.Values{"shared": {"1"}}, upFile{"Shared scan.png", filestest.PNG(30, 20)})
		done()
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Uploaded Shared scan.png.")
		wantContains(t, res, `id="case-documents-list" class="doc-list" hx-swap-oob="true"`)
		wantContains(t, res, "Client sees this")
		if got := f.docRows(t)[2]; got != "Shared scan.png|image/png|true|false" {
			t.Fatalf("row %s", got)
		}
		if v := f.e.caseQuery(t, f.a, `SELECT visible_to_client FROM case_events WHERE kind = 'document' AND new_value = 'Shared scan.png'`); v != "1" {
			t.Fatalf("event of a shared upload visible_to_client = %s", v)
		}
	})

	t.Run("the client page's Documents tab lists them across cases", func(t *testing.T) {
		other := mustCreateCase(t, f.a.Owner, f.a, url.Values{"client_id": {f.client}, "title": {"Second case"}})
		f.a.Owner.get("/a/" + f.a.Slug + "/cases/" + other)
		wantStatus(t, f.uploadDocs(f.a.Owner, "/a/"+f.a.Slug+"/cases/"+other, nil, upFile{"second.pdf", pdf}), http.StatusSeeOther)
		res := f.staff.get("/a/" + f.a.Slug + "/clients/" + f.client + "?tab=documents")
		wantStatus(t, res, http.StatusOK)
		for _, name := range []string{"Contract.pdf", "IMG_1234.jpg", "Shared scan.png", "second.pdf", "Second case"} {
			wantContains(t, res, name)
		}
	})
}

func TestDocumentUploadRefusesBadInput(t *testing.T) {
	t.Parallel()
	f := mustDocFixture(t, func(c *handlers.Config) { c.FileLimit = 1 << 20 })
	for _, tc := range []struct {
		name   string
		file   upFile
		status int
		msg    string
	}{
		{"an HTML page renamed .pdf", upFile{"invoice.pdf", filestest.HTMLAsPDF}, http.StatusUnprocessableEntity, "looks like a web page (HTML)"},
		{"a program renamed .pdf", upFile{"invoice.pdf", filestest.ExeAsPDF}, http.StatusUnprocessableEntity, "looks like a Windows program"},
		{"an SVG with script", upFile{"logo.svg", filestest.SVGScript}, http.StatusUnprocessableEntity, "SVG drawing"},
		{"a zero-byte file", upFile{"empty.pdf", nil}, http.StatusUnprocessableEntity, "is empty (0 bytes)"},
		{"a truncated JPEG", upFile{"cut.jpg", filestest.Truncated(filestest.Photo(400, 300, 0))}, http.StatusUnprocessableEntity, "damaged or cut off"},
		{"a 40,000 × 40,000 pixel image", upFile{"huge.png", filestest.HugeHeader}, http.StatusUnprocessableEntity, "40000 × 40000 pixels"},
		{"a file over the size limit", upFile{"big.pdf", filestest.PDF(1, 2<<20)}, http.StatusRequestEntityTooLarge, "larger than the 1 MiB"},
	} {
		t.Run(tc.name+" is refused and nothing is stored", func(t *testing.T) {
			res := f.uploadDocs(f.staff, f.caseURL(""), nil, tc.file)
			wantStatus(t, res, tc.status)
			wantContains(t, res, strings.ReplaceAll(tc.msg, "'", "&#39;"))
			f.wantNothingStored(t)
		})
	}

	t.Run("one bad file among good ones stores none of them", func(t *testing.T) {
		res := f.uploadDocs(f.staff, f.caseURL(""), nil, upFile{"good.pdf", filestest.PDF(1, 0)}, upFile{"bad.pdf", filestest.HTMLAsPDF})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "bad.pdf")
		f.wantNothingStored(t)
	})

	t.Run("by htmx, the message comes in the file's line", func(t *testing.T) {
		done := htmx(f.staff, "X-Upload-Files", "1")
		res := f.uploadDocs(f.staff, f.caseURL(""), nil, upFile{"logo.svg", filestest.SVGScript})
		done()
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, `<span class="up-error" role="alert">`)
		f.wantNothingStored(t)
	})

	t.Run("a declared single file over the limit is refused from its Content-Length", func(t *testing.T) {
		done := htmx(f.staff, "X-Upload-Files", "1")
		res := f.uploadDocs(f.staff, f.caseURL(""), nil, upFile{"big.pdf", filestest.PDF(1, 3<<20)})
		done()
		wantStatus(t, res, http.StatusRequestEntityTooLarge)
		wantContains(t, res, "larger than the 1 MiB a file may be")
		if !res.Close {
			t.Error("the unread body leaves the connection open")
		}
		f.wantNothingStored(t)
	})

	t.Run("no file at all", func(t *testing.T) {
		res := f.uploadDocs(f.staff, f.caseURL(""), nil)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		f.wantNothingStored(t)
	})

	t.Run("the form sent without choosing a file", func(t *testing.T) {
		res := f.uploadDocs(f.staff, f.caseURL(""), nil, upFile{"", nil})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Choose at least one file to upload.")
		f.wantNothingStored(t)
	})

	t.Run("more files than the request declared", func(t *testing.T) {
		done := htmx(f.staff, "X-Upload-Files", "1")
		res := f.uploadDocs(f.staff, f.caseURL(""), nil, upFile{"a.pdf", filestest.PDF(1, 0)}, upFile{"b.pdf", filestest.PDF(1, 0)})
		done()
		wantStatus(t, res, http.StatusUnprocessableEntity)
		f.wantNothingStored(t)
	})

	t.Run("a case id from another agency is not found", func(t *testing.T) {
		res := f.uploadDocs(f.staff, "/a/"+f.a.Slug+"/cases/"+f.foreignCase, nil, upFile{"a.pdf", filestest.PDF(1, 0)})
		wantStatus(t, res, http.StatusNotFound)
		f.wantNothingStored(t)
		if n := f.e.caseQuery(t, f.b, `SELECT COUNT(*) FROM documents`); n != "0" {
			t.Fatalf("agency B got %s documents", n)
		}
	})

	t.Run("without the CSRF token nothing is stored", func(t *testing.T) {
		body, ct := multipartBody("", nil, upFile{"a.pdf", filestest.PDF(1, 0)})
		res := f.staff.do("POST", f.caseURL("/documents"), body, ct)
		wantStatus(t, res, http.StatusForbidden)
		f.wantNothingStored(t)
	})

	t.Run("the token in the htmx header is enough", func(t *testing.T) {
		body, ct := multipartBody("", nil, upFile{"header.pdf", filestest.PDF(1, 0)})
		f.staff.headers["X-CSRF-Token"] = f.staff.csrf
		res := f.staff.do("POST", f.caseURL("/documents"), body, ct)
		delete(f.staff.headers, "X-CSRF-Token")
		wantStatus(t, res, http.StatusSeeOther)
		if rows := f.docRows(t); len(rows) != 1 {
			t.Fatalf("rows %v", rows)
		}
	})
}

func TestDocumentNames(t *testing.T) {
	t.Parallel()
	f := mustDocFixture(t)
	long := strings.Repeat("a", 296) + ".pdf"
	for _, tc := range []struct{ sent, want string }{
		{"../../../etc/passwd.pdf", "passwd.pdf"},
		{`..\..\boot.ini.pdf`, "boot.ini.pdf"},
		{"in%00voice%07.pdf", "invoice.pdf"}, // sent as filename*=UTF-8'' below: a NUL and a bell, percent-encoded
		{long, strings.Repeat("a", 115) + "….pdf"},
	} {
		t.Run(fmt.Sprintf("%.30q is kept for display as %.30q", tc.sent, tc.want), func(t *testing.T) {
			res := f.uploadDocs(f.staff, f.caseURL(""), nil, upFile{tc.sent, filestest.PDF(1, 0)})
			wantStatus(t, res, http.StatusSeeOther)
			key := f.e.caseQuery(t, f.a, `SELECT storage_key FROM documents WHERE name = ?`, tc.want)
			if key == "" {
				t.Fatalf("no document named %q: %v", tc.want, f.docRows(t))
			}
			if _, err := os.Stat(filepath.Join(f.filesDir(), key)); err != nil {
				t.Fatalf("stored under a server-made name in the files directory: %v", err)
			}
			res = f.staff.get(f.caseURL("/documents/" + f.docID(t, tc.want)))
			if cd := res.Header.Get("Content-Disposition"); strings.ContainsAny(cd, "/\\\x00") || !strings.HasPrefix(cd, "attachment;") {
				t.Fatalf("Content-Disposition %q", cd)
			}
		})
	}
}

func TestDocumentRawControlCharacterInName(t *testing.T) {
	t.Parallel()
	f := mustDocFixture(t)
	res := f.uploadDocs(f.staff, f.caseURL(""), nil, upFile{"in\x00voice.pdf", filestest.PDF(1, 0)})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantContains(t, res, "The upload could not be read")
	wantContains(t, res, "Sign out") // the agency's page, signed in, not a bare error
	f.wantNothingStored(t)
}

func TestDocumentQuota(t *testing.T) {
	t.Parallel()
	// Self-hosted: no priced plans, so -storage-quota is the limit.
	f := mustDocFixture(t, func(c *handlers.Config) { c.StorageQuota, c.SelfHosted = 200<<10, true })
	pdf := filestest.PDF(1, 120<<10)
	t.Run("within the quota", func(t *testing.T) {
		wantStatus(t, f.uploadDocs(f.staff, f.caseURL(""), nil, upFile{"first.pdf", pdf}), http.StatusSeeOther)
	})
	t.Run("over the quota is refused with what is left, and nothing stored", func(t *testing.T) {
		before := f.docRows(t)
		entries, _ := os.ReadDir(f.filesDir())
		res := f.uploadDocs(f.staff, f.caseURL(""), nil, upFile{"second.pdf", pdf})
		wantStatus(t, res, http.StatusRequestEntityTooLarge)
		wantContains(t, res, "Not enough storage left")
		if after := f.docRows(t); len(after) != len(before) {
			t.Fatalf("rows %v", after)
		}
		if now, _ := os.ReadDir(f.filesDir()); len(now) != len(entries) {
			t.Fatalf("%d files on disk, had %d", len(now), len(entries))
		}
	})
	t.Run("the trash counts until it is purged", func(t *testing.T) {
		id := f.docID(t, "first.pdf")
		wantStatus(t, f.staff.post(f.caseURL("/documents/"+id+"/delete"), nil), http.StatusSeeOther)
		res := f.uploadDocs(f.staff, f.caseURL(""), nil, upFile{"second.pdf", pdf})
		wantStatus(t, res, http.StatusRequestEntityTooLarge)
	})
	t.Run("owners see the usage", func(t *testing.T) {
		res := f.a.Owner.get("/a/" + f.a.Slug + "/documents")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "of 200 KiB used")
		wantContains(t, res, "first.pdf")
	})
}

func TestDocumentDownload(t *testing.T) {
	t.Parallel()
	f := mustDocFixture(t)
	pdf := filestest.PDF(2, 50000)
	wantStatus(t, f.uploadDocs(f.staff, f.caseURL(""), nil,
		upFile{"Rapport d'été – final.pdf", pdf}, upFile{"photo.jpg", filestest.Photo(100, 80, 0)}, upFile{"IMG.HEIC", filestest.HEIC}), http.StatusSeeOther)
	pdfURL := f.caseURL("/documents/" + f.docID(t, "Rapport d'été – final.pdf"))

	t.Run("a download is an attachment with an encoded name", func(t *testing.T) {
		res := f.staff.get(pdfURL)
		wantStatus(t, res, http.StatusOK)
		if res.Body != string(pdf) {
			t.Fatal("downloaded bytes differ")
		}
		want := `attachment; filename="Rapport d'_t_ _ final.pdf"; filename*=UTF-8''Rapport%20d%27%C3%A9t%C3%A9%20%E2%80%93%20final.pdf`
		if got := res.Header.Get("Content-Disposition"); got != want {
			t.Fatalf("Content-Disposition\n got %s\nwant %s", got, want)
		}
		for h, v := range map[string]string{"Content-Type": "application/pdf", "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox", "Accept-Ranges": "bytes"} {
			if got := res.Header.Get(h); got != v {
				t.Errorf("%s: %q, want %q", h, got, v)
			}
		}
	})

	t.Run("a preview of a PDF is inline and sandboxed", func(t *testing.T) {
		res := f.staff.get(pdfURL + "/preview")
		wantStatus(t, res, http.StatusOK)
		if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "inline;") {
			t.Fatalf("Content-Disposition %q", cd)
		}
		if res.Header.Get("Content-Security-Policy") != "sandbox" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("headers %v", res.Header)
		}
	})

	t.Run("a preview of what browsers can't show is an attachment", func(t *testing.T) {
		res := f.staff.get(f.caseURL("/documents/" + f.docID(t, "IMG.HEIC") + "/preview"))
		wantStatus(t, res, http.StatusOK)
		if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
			t.Fatalf("Content-Disposition %q", cd)
		}
	})

	t.Run("ranges", func(t *testing.T) {
		for _, tc := range []struct {
			rng, ifRange string
			status       int
			want         string
			contentRange string
		}{
			{"bytes=0-7", "", 206, string(pdf[:8]), fmt.Sprintf("bytes 0-7/%d", len(pdf))},
			{"bytes=100-", "", 206, string(pdf[100:]), fmt.Sprintf("bytes 100-%d/%d", len(pdf)-1, len(pdf))},
			{"bytes=-6", "", 206, string(pdf[len(pdf)-6:]), fmt.Sprintf("bytes %d-%d/%d", len(pdf)-6, len(pdf)-1, len(pdf))},
			{"bytes=10-5000000", "", 206, string(pdf[10:]), fmt.Sprintf("bytes 10-%d/%d", len(pdf)-1, len(pdf))},
			{"bytes=0-1,5-6", "", 200, string(pdf), ""},
			{"bytes=0-7", `"stale"`, 200, string(pdf), ""},
			{fmt.Sprintf("bytes=%d-", len(pdf)), "", 416, "", fmt.Sprintf("bytes */%d", len(pdf))},
		} {
			t.Run(tc.rng+" "+tc.ifRange, func(t *testing.T) {
				f.staff.headers["Range"] = tc.rng
				if tc.ifRange != "" {
					f.staff.headers["If-Range"] = tc.ifRange
				}
				res := f.staff.get(pdfURL)
				delete(f.staff.headers, "Range")
				delete(f.staff.headers, "If-Range")
				wantStatus(t, res, tc.status)
				if tc.status != 416 && res.Body != tc.want {
					t.Fatalf("body of %d bytes, want %d", len(res.Body), len(tc.want))
				}
				if got := res.Header.Get("Content-Range"); got != tc.contentRange {
					t.Fatalf("Content-Range %q, want %q", got, tc.contentRange)
				}
			})
		}
	})

	t.Run("another agency's owner gets 404 for the same URL", func(t *testing.T) {
		res := f.b.Owner.get(pdfURL)
		wantStatus(t, res, http.StatusNotFound)
		res = f.b.Owner.get("/a/" + f.b.Slug + "/cases/" + f.caseID + "/documents/" + f.docID(t, "photo.jpg"))
		wantStatus(t, res, http.StatusNotFound)
	})

	t.Run("a staff member who sees only their own cases gets 404", func(t *testing.T) {
		tn := f.e.mustTenant(t, f.a.ID)
		if err := tn.SaveSettings(context.Background(), tenant.Settings{StaffSeeOwnOnly: true}, tenant.Audit{Action: "settings.changed"}); err != nil {
			t.Fatal(err)
		}
		defer tn.SaveSettings(context.Background(), tenant.Settings{}, tenant.Audit{Action: "settings.changed"})
		res := f.staff.get(pdfURL)
		wantStatus(t, res, http.StatusNotFound)
		res = f.uploadDocs(f.staff, f.caseURL(""), nil, upFile{"x.pdf", pdf})
		wantStatus(t, res, http.StatusNotFound)
	})
}

func TestDocumentShareDeleteRestore(t *testing.T) {
	t.Parallel()
	f := mustDocFixture(t)
	wantStatus(t, f.uploadDocs(f.staff, f.caseURL(""), nil, upFile{"plan.pdf", filestest.PDF(1, 0)}), http.StatusSeeOther)
	id := f.docID(t, "plan.pdf")
	docURL := f.caseURL("/documents/" + id)

	t.Run("sharing and unsharing are on the timeline", func(t *testing.T) {
		wantStatus(t, f.staff.post(docURL+"/share", url.Values{"shared": {"1"}}), http.StatusSeeOther)
		if f.docRows(t)[0] != "plan.pdf|application/pdf|true|false" {
			t.Fatalf("rows %v", f.docRows(t))
		}
		wantStatus(t, f.staff.post(docURL+"/share", url.Values{"shared": {"0"}}), http.StatusSeeOther)
		res := f.staff.get(f.caseURL(""))
		wantContains(t, res, "shared a document with the client: plan.pdf")
		wantContains(t, res, "made a document internal: plan.pdf")
	})

	t.Run("delete moves to the trash: gone from the case, not downloadable", func(t *testing.T) {
		wantStatus(t, f.staff.post(docURL+"/delete", nil), http.StatusSeeOther)
		res := f.staff.get(f.caseURL(""))
		wantContains(t, res, "deleted a document: plan.pdf")
		wantLacks(t, res, docURL+"/preview")
		wantStatus(t, f.staff.get(docURL), http.StatusNotFound)
		if got := f.docRows(t)[0]; got != "plan.pdf|application/pdf|false|true" {
			t.Fatalf("row %s", got)
		}
		if len(auditEntries(t, f.e.mustTenant(t, f.a.ID), "document.deleted")) != 1 {
			t.Fatal("no audit entry for the deletion")
		}
	})

	t.Run("staff cannot restore; the owner can, from the trash page", func(t *testing.T) {
		wantStatus(t, f.staff.post(docURL+"/restore", nil), http.StatusNotFound)
		res := f.a.Owner.get("/a/" + f.a.Slug + "/documents")
		wantContains(t, res, "plan.pdf")
		wantContains(t, res, docURL+"/restore")
		wantStatus(t, f.a.Owner.post(docURL+"/restore", nil), http.StatusSeeOther)
		wantStatus(t, f.staff.get(docURL), http.StatusOK)
		wantContains(t, f.staff.get(f.caseURL("")), "restored a document: plan.pdf")
	})

	t.Run("another agency's owner cannot touch it", func(t *testing.T) {
		b := f.b.Owner
		wantStatus(t, b.post("/a/"+f.b.Slug+"/cases/"+f.caseID+"/documents/"+id+"/delete", nil), http.StatusNotFound)
		wantStatus(t, b.post("/a/"+f.b.Slug+"/cases/"+f.caseID+"/documents/"+id+"/share", url.Values{"shared": {"1"}}), http.StatusNotFound)
		if got := f.docRows(t)[0]; got != "plan.pdf|application/pdf|false|false" {
			t.Fatalf("row %s", got)
		}
	})
}

func TestBodiesStillReadForOtherRoutes(t *testing.T) {
	t.Parallel()
	f := mustDocFixture(t, func(c *handlers.Config) { c.BodyLimit = 64 << 10 })
	t.Run("a form post works", func(t *testing.T) {
		res := f.staff.post(f.caseURL("/notes"), url.Values{"body": {"A note after streaming was turned on."}})
		if res.StatusCode >= 400 {
			t.Fatalf("status %d", res.StatusCode)
		}
		wantContains(t, f.staff.get(f.caseURL("")), "A note after streaming was turned on.")
	})
	t.Run("a body over the limit is refused with the limit's message", func(t *testing.T) {
		res := f.staff.post(f.caseURL("/notes"), url.Values{"body": {strings.Repeat("x", 100<<10)}})
		wantStatus(t, res, http.StatusRequestEntityTooLarge)
		wantContains(t, res, "larger than the")
	})
}

// docCount counts agency A's document rows straight from the database.
func docCount(t *testing.T, tn *tenant.Store) int {
	t.Helper()
	var n int
	if err := tn.Read().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM documents`).Scan(&n); err != nil && err != sql.ErrNoRows {
		t.Fatal(err)
	}
	return n
}

func TestDocumentUploadCutOffHalfway(t *testing.T) {
	t.Parallel()
	f := mustDocFixture(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	watched := &watchedListener{Listener: ln, conns: make(chan *watchedConn, 2)}
	go f.e.app.Listener(watched)
	t.Cleanup(func() { f.e.app.Shutdown() })

	body, ct := multipartBody(f.staff.csrf, nil, upFile{"big.pdf", filestest.PDF(1, 4<<20)})
	full := body.Bytes()
	var req bytes.Buffer
	fmt.Fprintf(&req, "POST %s HTTP/1.1\r\nHost: mm.test\r\nContent-Type: %s\r\nContent-Length: %d\r\n", f.caseURL("/documents"), ct, len(full))
	for _, ck := range f.staff.jar.Cookies(baseURL.ResolveReference(&url.URL{Path: f.caseURL("/documents")})) {
		fmt.Fprintf(&req, "Cookie: %s=%s\r\n", ck.Name, ck.Value)
	}
	req.WriteString("\r\n")
	req.Write(full[:len(full)/2])

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server := <-watched.conns
	server.sent.Store(int64(req.Len()))
	if _, err := conn.Write(req.Bytes()); err != nil {
		t.Fatal(err)
	}
	// The server has read the half and waits for more: the handler is
	// copying the file into its temporary file.
	<-server.starved
	entries, _ := os.ReadDir(f.filesDir())
	if len(entries) != 1 || !strings.HasPrefix(entries[0].Name(), files.TempPrefix) {
		t.Fatalf("the server is not writing the upload: %v", entries)
	}
	conn.Close()

	// The handler sees the connection end, removes its temporary file and
	// writes no row, then closes its side.
	<-server.closed
	if entries, _ := os.ReadDir(f.filesDir()); len(entries) != 0 {
		t.Fatalf("files left after the connection was cut: %v", entries[0].Name())
	}
	f.wantNothingStored(t)
	// The agency still works over the real listener afterwards.
	res, err := http.Get("http://" + ln.Addr().String() + "/livez")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
}

// rawUpload sends an upload's headers with a Content-Length of claimed
// bytes but only the first part of body, over a real connection, and
// returns the answer: what the server says before reading the rest.
func (f *docFixture) rawUpload(t *testing.T, addr string, claimed int, extra string, body []byte, ct string) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	var req bytes.Buffer
	fmt.Fprintf(&req, "POST %s HTTP/1.1\r\nHost: mm.test\r\nContent-Type: %s\r\nContent-Length: %d\r\n%s", f.caseURL("/documents"), ct, claimed, extra)
	for _, ck := range f.staff.jar.Cookies(baseURL.ResolveReference(&url.URL{Path: f.caseURL("/documents")})) {
		fmt.Fprintf(&req, "Cookie: %s=%s\r\n", ck.Name, ck.Value)
	}
	req.WriteString("\r\n")
	// fasthttp reads the first 8 KiB of a body before it calls a handler.
	req.Write(body[:min(len(body), 16<<10)])
	if _, err := conn.Write(req.Bytes()); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer before the body was sent: %v", err)
	}
	return res
}

func TestDocumentUploadRefusedFromContentLength(t *testing.T) {
	t.Parallel()
	f := mustDocFixture(t, func(c *handlers.Config) { c.FileLimit, c.StorageQuota, c.SelfHosted = 1<<20, 10<<20, true })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go f.e.app.Listener(ln)
	t.Cleanup(func() { f.e.app.Shutdown() })
	body, ct := multipartBody(f.staff.csrf, nil, upFile{"a.pdf", filestest.PDF(1, 64<<10)})

	t.Run("more than the quota left", func(t *testing.T) {
		res := f.rawUpload(t, ln.Addr().String(), 50<<20, "", body.Bytes(), ct)
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "Not enough storage left") {
			t.Fatalf("status %d: %.300s", res.StatusCode, b)
		}
	})
	t.Run("one file declared, over the file limit", func(t *testing.T) {
		res := f.rawUpload(t, ln.Addr().String(), 2<<20, "X-Upload-Files: 1\r\n", body.Bytes(), ct)
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "larger than the 1 MiB a file may be") {
			t.Fatalf("status %d: %.300s", res.StatusCode, b)
		}
	})
	f.wantNothingStored(t)
}

// watchedListener hands the test each connection the server accepts.
type watchedListener struct {
	net.Listener
	conns chan *watchedConn
}

func (l *watchedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	w := &watchedConn{Conn: c, starved: make(chan struct{}), closed: make(chan struct{})}
	select {
	case l.conns <- w:
	default:
	}
	return w, nil
}

// watchedConn is the server's side of a connection: starved is closed when
// the server asks for more than the sent bytes the client wrote, closed
// when the server closes the connection.
type watchedConn struct {
	net.Conn
	sent, read atomic.Int64
	starved    chan struct{}
	starveOnce sync.Once
	closed     chan struct{}
	closeOnce  sync.Once
}

func (c *watchedConn) Read(p []byte) (int, error) {
	if sent := c.sent.Load(); sent > 0 && c.read.Load() >= sent {
		c.starveOnce.Do(func() { close(c.starved) })
	}
	n, err := c.Conn.Read(p)
	c.read.Add(int64(n))
	return n, err
}

func (c *watchedConn) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return c.Conn.Close()
}
