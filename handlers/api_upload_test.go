package handlers_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"mintedmind/files/filestest"
	"mintedmind/handlers"
)

// docState is what an upload could change in agency A: the documents, the
// case's timeline and the files on disk.
func (f *docFixture) docState(t *testing.T) string {
	t.Helper()
	return f.e.caseQuery(t, f.a, `SELECT (SELECT count(*) || ':' || COALESCE(group_concat(name || shared), '') FROM documents) || '|' ||
		(SELECT count(*) FROM case_events) || '|' || (SELECT count(*) FROM webhook_deliveries)`) + "|" + strings.Join(f.fileNames(t), ",")
}

// fileNames is every file under A's files directory.
func (f *docFixture) fileNames(t *testing.T) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(f.filesDir(), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, path)
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// TestAPIDocumentUpload: POST /api/v1/cases/:id/documents stores the
// multipart body's files through the UI's upload (streamed, sniffed, the
// file size limit, all or nothing), 201 with the documents, each request
// and answer checked against the OpenAPI document. With an Idempotency-Key
// a repeat with the same files (another boundary) gets the first answer and
// stores nothing more; the same key with other files is 422; ten identical
// uploads at once store the files once. Refusals (a refused type, a file
// over the limit, no file, not multipart, another agency's case) are
// problem details with the database and the files as they were, and a
// refused upload's key may be used again.
func TestAPIDocumentUpload(t *testing.T) {
	t.Parallel()
	f := mustDocFixture(t, func(c *handlers.Config) { c.FileLimit = 256 << 10 })
	tok := mustAPIToken(t, f.e, f.a, "Uploader", url.Values{"scope_documents": {"write"}, "scope_cases": {"read"}})
	path := "/api/v1/cases/" + f.caseID + "/documents"
	pdf, png := filestest.PDF(1, 0), filestest.PNG(8, 8)

	tok.headers["Idempotency-Key"] = "upload-1"
	first := tok.apiUpload(t, path, url.Values{"shared": {"true"}}, upFile{"report.pdf", pdf}, upFile{"logo.png", png})
	wantStatus(t, first, http.StatusCreated)
	var page struct {
		Data []map[string]any `json:"data"`
	}
	if err := json.Unmarshal([]byte(first.Body), &page); err != nil || len(page.Data) != 2 {
		t.Fatalf("answer %s: %v", first.Body, err)
	}
	if !strings.Contains(first.Body, `"name":"report.pdf"`) || !strings.Contains(first.Body, `"content_type":"application/pdf"`) ||
		!strings.Contains(first.Body, `"shared":true`) || first.Header.Get("Location") != path {
		t.Fatalf("answer %s, Location %q", first.Body, first.Header.Get("Location"))
	}
	if got := f.e.caseQuery(t, f.a, `SELECT count(*) FROM case_events WHERE actor_name LIKE '%via API token “Uploader”%'`); got == "0" {
		t.Fatal("the upload is not on the case's timeline in the token's name")
	}
	stored := f.docState(t)

	t.Run("a repeat with the key gets the first answer and stores nothing", func(t *testing.T) {
		res := tok.apiUpload(t, path, url.Values{"shared": {"true"}}, upFile{"report.pdf", pdf}, upFile{"logo.png", png})
		wantStatus(t, res, http.StatusCreated)
		if res.Body != first.Body || res.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay %s (replayed %q), first %s", res.Body, res.Header.Get("Idempotent-Replayed"), first.Body)
		}
		if got := f.docState(t); got != stored {
			t.Fatalf("a replay stored more:\n%s\n%s", stored, got)
		}
	})
	t.Run("the key with other files is 422", func(t *testing.T) {
		problemOf(t, tok.apiUpload(t, path, url.Values{"shared": {"true"}}, upFile{"report.pdf", filestest.PDF(2, 0)}, upFile{"logo.png", png}), http.StatusUnprocessableEntity)
		problemOf(t, tok.apiUpload(t, path, nil, upFile{"report.pdf", pdf}, upFile{"logo.png", png}), http.StatusUnprocessableEntity) // not shared: another request
		if got := f.docState(t); got != stored {
			t.Fatalf("a refused repeat stored:\n%s\n%s", stored, got)
		}
	})
	delete(tok.headers, "Idempotency-Key")

	refusals := []struct {
		name   string
		send   func() *response
		status int
	}{
		{"a refused type", func() *response {
			return tok.apiUpload(t, path, nil, upFile{"fine.pdf", pdf}, upFile{"page.html", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")})
		}, http.StatusUnprocessableEntity},
		{"a file over the limit", func() *response {
			return tok.apiUpload(t, path, nil, upFile{"big.pdf", filestest.PDF(1, 300<<10)})
		}, http.StatusRequestEntityTooLarge},
		{"no file", func() *response {
			body, ct := multipartBody("", url.Values{"shared": {"1"}})
			return tok.apiRaw(t, "POST", path, body, ct)
		}, http.StatusUnprocessableEntity},
		{"not multipart", func() *response {
			return tok.apiRaw(t, "POST", path, strings.NewReader(`{"file":"x"}`), "application/json")
		}, http.StatusUnsupportedMediaType},
		{"another agency's case", func() *response {
			return tok.apiUpload(t, "/api/v1/cases/"+f.foreignCase+"/documents", nil, upFile{"report.pdf", pdf})
		}, http.StatusNotFound},
	}
	for _, tc := range refusals {
		t.Run(tc.name+" is refused and stores nothing", func(t *testing.T) {
			tok.headers["Idempotency-Key"] = "refused-" + tc.name
			defer delete(tok.headers, "Idempotency-Key")
			p := problemOf(t, tc.send(), tc.status)
			if p["detail"] == "" {
				t.Fatalf("no detail: %v", p)
			}
			if got := f.docState(t); got != stored {
				t.Fatalf("refused, yet stored:\n%s\n%s", stored, got)
			}
		})
	}
	t.Run("a refused upload's key may be sent again", func(t *testing.T) {
		tok.headers["Idempotency-Key"] = "refused-a refused type"
		defer delete(tok.headers, "Idempotency-Key")
		wantStatus(t, tok.apiUpload(t, path, nil, upFile{"second.pdf", pdf}), http.StatusCreated)
		if got := f.e.caseQuery(t, f.a, `SELECT count(*) FROM documents WHERE name = 'second.pdf'`); got != "1" {
			t.Fatalf("%s documents second.pdf", got)
		}
	})

	t.Run("ten identical uploads at once store the file once", func(t *testing.T) {
		body, ct := multipartBody("", nil, upFile{"once.pdf", filestest.PDF(3, 0)})
		const n = 10
		answers := make([]*response, n)
		var wg sync.WaitGroup
		for i := range n {
			c := f.e.newClient()
			c.headers["Authorization"] = tok.headers["Authorization"]
			c.headers["Idempotency-Key"] = "once-1"
			wg.Add(1)
			go func() {
				defer wg.Done()
				answers[i] = c.do("POST", path, bytes.NewReader(body.Bytes()), ct)
			}()
		}
		wg.Wait()
		for i, res := range answers {
			if res.StatusCode != http.StatusCreated || res.Body != answers[0].Body {
				t.Errorf("answer %d: %d %s (first: %s)", i, res.StatusCode, res.Body, answers[0].Body)
			}
		}
		if got := f.e.caseQuery(t, f.a, `SELECT count(*) FROM documents WHERE name = 'once.pdf'`); got != "1" {
			t.Fatalf("%s documents from %d identical uploads", got, n)
		}
	})
}
