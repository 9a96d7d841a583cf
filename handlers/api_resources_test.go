package handlers_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestAPIResources: what each new route answers, through the real app
// with a real token (every answer checked against the OpenAPI document):
// a client PATCH with If-Match writes the UI's audit entry and a stale
// ETag is 409 with nothing written; a case opens and changes status,
// assignee and due date on its timeline; a message is in the conversation
// and an internal note is not; the case's document is listed and
// downloaded byte for byte; the invoice list, invoice, its payment and the
// quote list hold what the UI made.
func TestAPIResources(t *testing.T) {
	t.Parallel()
	f := mustAPIFixture(t)
	tok := f.full
	read := func(path string) map[string]any {
		t.Helper()
		res := tok.api(t, "GET", path, "")
		wantStatus(t, res, http.StatusOK)
		var v map[string]any
		if err := json.Unmarshal([]byte(res.Body), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}

	t.Run("client PATCH with If-Match; a stale ETag is 409", func(t *testing.T) {
		res := tok.api(t, "GET", "/api/v1/clients/"+f.y, "")
		etag := res.Header.Get("ETag")
		tok.headers["If-Match"] = etag
		res = tok.api(t, "PATCH", "/api/v1/clients/"+f.y, `{"city":"Kaunas","tags":["vip"]}`)
		wantStatus(t, res, http.StatusOK)
		if !strings.Contains(res.Body, `"city":"Kaunas"`) || !strings.Contains(res.Body, `"name":"Yarrow Inc"`) || res.Header.Get("ETag") == etag {
			t.Fatalf("patched: %s (ETag %q, was %q)", res.Body, res.Header.Get("ETag"), etag)
		}
		if got := f.e.caseQuery(t, f.a, `SELECT actor_name || ' | ' || detail FROM audit_log WHERE action = 'client.updated' ORDER BY at DESC LIMIT 1`); !strings.Contains(got, "via API token “Full”") || !strings.Contains(got, "Kaunas") {
			t.Fatalf("audit %q", got)
		}
		// etag is stale now
		p := problemOf(t, tok.api(t, "PATCH", "/api/v1/clients/"+f.y, `{"city":"Riga"}`), http.StatusConflict)
		if !strings.Contains(p["detail"].(string), "changed") {
			t.Fatalf("409 detail %q", p["detail"])
		}
		delete(tok.headers, "If-Match")
		if got := f.e.caseQuery(t, f.a, `SELECT city FROM clients WHERE id = ?`, f.y); got != "Kaunas" {
			t.Fatalf("city %q after the stale write", got)
		}
	})

	t.Run("a case opens and changes status, assignee and due date", func(t *testing.T) {
		res := tok.api(t, "POST", "/api/v1/cases", `{"client_id":"`+f.x+`","title":"From the API","labels":["sync"]}`)
		wantStatus(t, res, http.StatusCreated)
		id := strings.TrimPrefix(res.Header.Get("Location"), "/api/v1/cases/")
		if id == "" || !strings.Contains(res.Body, `"status":"new"`) {
			t.Fatalf("created %s at %q", res.Body, res.Header.Get("Location"))
		}
		res = tok.api(t, "PATCH", "/api/v1/cases/"+id, `{"status":"in_progress","assignee_id":"`+f.staffID+`","due_date":"2026-12-24"}`)
		wantStatus(t, res, http.StatusOK)
		for _, want := range []string{`"status":"in_progress"`, `"assignee_id":"` + f.staffID + `"`, `"due_date":"2026-12-24"`} {
			if !strings.Contains(res.Body, want) {
				t.Fatalf("patched case %s lacks %s", res.Body, want)
			}
		}
		if got := f.e.caseQuery(t, f.a, `SELECT count(*) FROM case_events WHERE case_id = ? AND actor_name LIKE '%via API token%'`, id); got == "0" {
			t.Fatal("no timeline entries by the token")
		}
		tok.headers["If-Match"] = `"stale"`
		problemOf(t, tok.api(t, "PATCH", "/api/v1/cases/"+id, `{"status":"closed"}`), http.StatusConflict)
		delete(tok.headers, "If-Match")
		if got := f.e.caseQuery(t, f.a, `SELECT status FROM cases WHERE id = ?`, id); got != "in_progress" {
			t.Fatalf("status %q after the stale write", got)
		}
	})

	t.Run("messages and notes", func(t *testing.T) {
		wantStatus(t, tok.api(t, "POST", "/api/v1/cases/"+f.caseX+"/messages", `{"body":"Hello from the API"}`), http.StatusCreated)
		wantStatus(t, tok.api(t, "POST", "/api/v1/cases/"+f.caseX+"/notes", `{"body":"Staff only, API"}`), http.StatusCreated)
		res := tok.api(t, "GET", "/api/v1/cases/"+f.caseX+"/messages", "")
		if !strings.Contains(res.Body, "Hello from the API") || strings.Contains(res.Body, "Staff only, API") {
			t.Fatalf("conversation: %s", res.Body)
		}
		if got := f.e.caseQuery(t, f.a, `SELECT visible_to_client FROM notes WHERE body = 'Staff only, API'`); got != "0" {
			t.Fatalf("internal note visible_to_client=%s", got)
		}
	})

	t.Run("documents: listed and downloaded", func(t *testing.T) {
		docs := read("/api/v1/cases/" + f.caseY + "/documents")["data"].([]any)
		if len(docs) != 1 || docs[0].(map[string]any)["id"] != f.docY || docs[0].(map[string]any)["name"] != "yarrow-plan.pdf" {
			t.Fatalf("documents %v", docs)
		}
		res := tok.api(t, "GET", "/api/v1/cases/"+f.caseY+"/documents/"+f.docY, "")
		wantStatus(t, res, http.StatusOK)
		if !strings.HasPrefix(res.Body, "%PDF") || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("download: %q %q %.10q", res.Header.Get("Content-Disposition"), res.Header.Get("X-Content-Type-Options"), res.Body)
		}
		problemOf(t, tok.api(t, "GET", "/api/v1/cases/"+f.caseX+"/documents/"+f.docY, ""), http.StatusNotFound) // another case's document
	})

	t.Run("invoices, payments, quotes", func(t *testing.T) {
		list := toJSON(read("/api/v1/invoices?client_id=" + f.y))
		if !strings.Contains(list, f.invY) || !strings.Contains(list, `"total":12100`) {
			t.Fatalf("invoices %s", list)
		}
		inv := read("/api/v1/invoices/" + f.invY)
		if inv["status"] != "partially_paid" || len(inv["lines"].([]any)) != 1 {
			t.Fatalf("invoice %v", inv)
		}
		pays := toJSON(read("/api/v1/invoices/" + f.invY + "/payments"))
		if !strings.Contains(pays, `"amount":2100`) || !strings.Contains(pays, `"reference":"till 1"`) {
			t.Fatalf("payments %s", pays)
		}
		quotes := toJSON(read("/api/v1/quotes?client_id=" + f.y))
		if !strings.Contains(quotes, f.quoteY) {
			t.Fatalf("quotes %s", quotes)
		}
		if quotes := toJSON(read("/api/v1/quotes?client_id=" + f.x)); strings.Contains(quotes, f.quoteY) {
			t.Fatalf("client X's quotes %s", quotes)
		}
	})
}
