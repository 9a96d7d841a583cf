package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAPIClientCreate: POST /api/v1/clients with a real token: 201 with
// Location and ETag, audited as the token; the same Idempotency-Key
// replays the first answer and makes one client, with another body it is
// 422; bad JSON 400, unknown and invalid fields 422 with the field list,
// a read-only token 403, nothing stored by any refusal.
func TestAPIClientCreate(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "apinew")
	tok := mustAPIToken(t, e, a, "Writer", url.Values{"scope_clients": {"write"}})
	count := func() string { return e.caseQuery(t, a, `SELECT COUNT(*) FROM clients`) }
	post := func(c *browser, key, body string) *response {
		if key != "" {
			c.headers["Idempotency-Key"] = key
		} else {
			delete(c.headers, "Idempotency-Key")
		}
		return c.do("POST", "/api/v1/clients", strings.NewReader(body), "application/json")
	}
	before := count()

	first := post(tok, "k-1", `{"name":"Api Made Ltd","emails":["hi@apimade.test"]}`)
	wantStatus(t, first, http.StatusCreated)
	if !strings.HasPrefix(first.Header.Get("Location"), "/api/v1/clients/") || first.Header.Get("ETag") == "" {
		t.Fatalf("Location %q, ETag %q", first.Header.Get("Location"), first.Header.Get("ETag"))
	}
	again := post(tok, "k-1", `{"name":"Api Made Ltd","emails":["hi@apimade.test"]}`)
	wantStatus(t, again, http.StatusCreated)
	if again.Body != first.Body || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %s", again.Body)
	}
	if got := e.caseQuery(t, a, `SELECT COUNT(*) FROM clients WHERE name = 'Api Made Ltd'`); got != "1" {
		t.Fatalf("clients made by two identical posts: %s", got)
	}
	if got := e.caseQuery(t, a, `SELECT actor_name FROM audit_log WHERE action = 'client.created' ORDER BY at DESC LIMIT 1`); !strings.Contains(got, "via API token “Writer”") {
		t.Fatalf("audit actor %q", got)
	}
	mid := count()
	problemOf(t, post(tok, "k-1", `{"name":"Something else"}`), http.StatusUnprocessableEntity)
	problemOf(t, post(tok, "", `{"name":`), http.StatusBadRequest)
	p := problemOf(t, post(tok, "", `{"name":"X","colour":"red"}`), http.StatusUnprocessableEntity)
	if !strings.Contains(first.Body, "Api Made") || !strings.Contains(toJSON(p["errors"]), `"field":"colour"`) {
		t.Fatalf("unknown field errors %v", p["errors"])
	}
	p = problemOf(t, post(tok, "", `{"name":""}`), http.StatusUnprocessableEntity)
	if !strings.Contains(toJSON(p["errors"]), `"field":"name"`) {
		t.Fatalf("invalid name errors %v", p["errors"])
	}
	reader := mustAPIToken(t, e, a, "Reader", url.Values{"scope_clients": {"read"}})
	problemOf(t, post(reader, "", `{"name":"Not allowed"}`), http.StatusForbidden)
	if got := count(); got != mid || mid == before {
		t.Fatalf("clients before %s, after the first %s, after the refusals %s", before, mid, got)
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
