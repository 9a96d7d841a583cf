package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAPICases: the API's case list and case with real tokens: filters,
// an ETag, another agency's case 404, agency B's token cannot list A's
// cases, a clients-only token 403.
func TestAPICases(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "apicase")
	b := e.mustSignup(t, "apicase-other")
	x := e.mustCaseClient(t, a, "Xylo Ltd", "")
	y := e.mustCaseClient(t, a, "Yarrow Inc", "")
	cx := mustCreateCase(t, a.Owner, a, url.Values{"client_id": {x}, "title": {"Xylo website"}})
	cy := mustCreateCase(t, a.Owner, a, url.Values{"client_id": {y}, "title": {"Yarrow plans"}})
	bc := mustCreateCase(t, b.Owner, b, url.Values{"client_id": {e.mustCaseClient(t, b, "Bravo", "")}, "title": {"Bravo case"}})
	tok := mustAPIToken(t, e, a, "Cases", url.Values{"scope_cases": {"read"}})

	res := tok.get("/api/v1/cases?client_id=" + x)
	wantStatus(t, res, http.StatusOK)
	if !strings.Contains(res.Body, cx) || strings.Contains(res.Body, cy) {
		t.Fatalf("client filter: %s", res.Body)
	}
	res = tok.get("/api/v1/cases/" + cy)
	wantStatus(t, res, http.StatusOK)
	if !strings.Contains(res.Body, `"title":"Yarrow plans"`) || res.Header.Get("ETag") == "" {
		t.Fatalf("read: %s", res.Body)
	}
	problemOf(t, tok.get("/api/v1/cases?status=nonsense"), http.StatusUnprocessableEntity)
	problemOf(t, tok.get("/api/v1/cases/"+bc), http.StatusNotFound)

	other := mustAPIToken(t, e, b, "B", url.Values{"scope_cases": {"write"}})
	problemOf(t, other.get("/api/v1/cases/"+cx), http.StatusNotFound)
	if res := other.get("/api/v1/cases"); strings.Contains(res.Body, cx) || !strings.Contains(res.Body, bc) {
		t.Fatalf("B's list: %s", res.Body)
	}
	clientsOnly := mustAPIToken(t, e, a, "Clients", url.Values{"scope_clients": {"write"}})
	problemOf(t, clientsOnly.get("/api/v1/cases"), http.StatusForbidden)
	problemOf(t, clientsOnly.get("/api/v1/cases/"+cx), http.StatusForbidden)
}
