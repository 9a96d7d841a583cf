package handlers_test

import (
	"encoding/json"
	"html"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"mintedmind/auth"
	"mintedmind/handlers"
)

// countingFS counts the opens of one file of the views.
type countingFS struct {
	fs.FS
	name  string
	opens *atomic.Int32
}

func (c countingFS) Open(name string) (fs.File, error) {
	if name == c.name {
		c.opens.Add(1)
	}
	return c.FS.Open(name)
}

// TestAPIDocumentReadOnce: the OpenAPI document is read and parsed when the
// server starts; the reference page and the document's route do not read
// it again per request.
func TestAPIDocumentReadOnce(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "apirefonce")
	opens := &atomic.Int32{}
	app, err := handlers.New(handlers.Deps{
		Config: e.cfg, Control: e.control, Pool: e.pool,
		Hasher: auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1}, 4),
		Mailer: e.mailer, Clock: e.clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Views: countingFS{FS: os.DirFS(".."), name: "views/api/openapi.json", opens: opens}, Assets: os.DirFS(".."),
	})
	if err != nil {
		t.Fatal(err)
	}
	e.app = app
	atStart := opens.Load()
	if atStart == 0 {
		t.Fatal("New did not read the document")
	}
	for range 3 {
		wantContains(t, a.Owner.get("/a/"+a.Slug+"/settings/api-tokens/reference"), "<code>GET /api/v1/cases</code>")
		wantStatus(t, a.Owner.get("/api/v1/openapi.json"), http.StatusOK)
	}
	if n := opens.Load(); n != atStart {
		t.Fatalf("the document was read %d more times by three pages and three downloads, want none (read at start)", n-atStart)
	}
}

// TestAPIReferencePage: Settings › API tokens links to the reference, and
// the reference shows every operation of /api/v1/openapi.json (each path
// with each of its methods) with its scope, and no operation the document
// lacks; staff may not open it.
func TestAPIReferencePage(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "apiref")
	base := "/a/" + a.Slug + "/settings/api-tokens"
	wantContains(t, a.Owner.get(base), `href="`+base+`/reference"`)
	res := a.Owner.get(base + "/reference")
	wantStatus(t, res, http.StatusOK)
	page := html.UnescapeString(res.Body)

	var doc struct {
		Paths map[string]map[string]struct {
			Scope string `json:"x-scope"`
		} `json:"paths"`
	}
	if err := json.Unmarshal([]byte(a.Owner.get("/api/v1/openapi.json").Body), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Paths) == 0 {
		t.Fatal("the document has no paths")
	}
	ops := 0
	for path, methods := range doc.Paths {
		for method, op := range methods {
			if method == "parameters" {
				continue
			}
			ops++
			heading := "<code>" + strings.ToUpper(method) + " " + path + "</code>"
			at := strings.Index(page, heading)
			if at < 0 {
				t.Errorf("%s %s is not on the reference page", strings.ToUpper(method), path)
				continue
			}
			if op.Scope != "" {
				end := strings.Index(page[at:], "</article>")
				if end < 0 || !strings.Contains(page[at:at+end], "<code>"+op.Scope+"</code>") {
					t.Errorf("%s %s: scope %s not shown", strings.ToUpper(method), path, op.Scope)
				}
			}
		}
	}
	if n := strings.Count(page, `<article class="api-operation">`); n != ops {
		t.Errorf("the page lists %d operations, the document %d", n, ops)
	}

	staff, _ := e.mustAddUser(t, a, "staff")
	if res := staff.get(base + "/reference"); res.StatusCode == http.StatusOK {
		t.Fatalf("staff opened the reference: %d", res.StatusCode)
	}
}
