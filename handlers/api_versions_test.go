package handlers_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

// jsonOf reads an answer's JSON object.
func jsonOf(t *testing.T, body string) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return v
}

// TestAPIWritesWithinOneSecond: clients, cases and invoice drafts carry a
// version that every write raises (migration 40), so two writes made within
// one second are two versions. A PATCH changes a field and a second one, in
// the same second of the test's clock, changes it back: the object reads as
// it did at first but for its version, and an If-Match with the first ETag
// is 409, the object unchanged. Before, the version was updated_at in Unix
// seconds and the ETag matched again. "If-Match: *" matches any version.
func TestAPIWritesWithinOneSecond(t *testing.T) {
	t.Parallel()
	f := mustAPIFixture(t)
	tok := f.full
	for _, tc := range []struct{ name, path, field string }{
		{"client", "/api/v1/clients/" + f.y, "notes"},
		{"case", "/api/v1/cases/" + f.caseY, "description"},
		{"invoice draft", "/api/v1/invoices/" + f.draftY, "notes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			first := tok.api(t, "GET", tc.path, "")
			wantStatus(t, first, http.StatusOK)
			etag := first.Header.Get("ETag")
			read := jsonOf(t, first.Body)
			if _, ok := read["version"].(float64); !ok {
				t.Fatalf("no version in %s", first.Body)
			}
			there := toJSON(map[string]any{tc.field: "Changed within the second"})
			back := toJSON(map[string]any{tc.field: read[tc.field]})
			tok.headers["If-Match"] = etag
			changed := tok.api(t, "PATCH", tc.path, there)
			wantStatus(t, changed, http.StatusOK)
			tok.headers["If-Match"] = changed.Header.Get("ETag")
			restored := tok.api(t, "PATCH", tc.path, back)
			wantStatus(t, restored, http.StatusOK)
			if restored.Header.Get("ETag") == etag {
				t.Fatalf("after two writes in one second the ETag is the first one again: %s", etag)
			}
			tok.headers["If-Match"] = etag
			problemOf(t, tok.api(t, "PATCH", tc.path, there), http.StatusConflict)
			delete(tok.headers, "If-Match")
			if now := tok.api(t, "GET", tc.path, ""); now.Body != restored.Body {
				t.Fatalf("a refused PATCH changed it:\n%s\n%s", restored.Body, now.Body)
			}
			tok.headers["If-Match"] = "*"
			wantStatus(t, tok.api(t, "PATCH", tc.path, back), http.StatusOK)
			delete(tok.headers, "If-Match")
		})
	}
}
