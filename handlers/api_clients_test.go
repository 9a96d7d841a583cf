package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// apiV1Matrix rows: a session is no credential on /api/v1/, so every
// caller of the route matrix (cookies, no token) gets the API's own 401
// problem, never a page; TestAPIClients holds the token cases.
var apiV1Matrix = map[string]matrixRow{
	"GET /api/v1/clients":     {allowed: everyone},
	"GET /api/v1/clients/:id": {allowed: everyone},
	"POST /api/v1/clients":    {allowed: everyone},
	"GET /api/v1/cases":       {allowed: everyone},
	"GET /api/v1/cases/:id":   {allowed: everyone},

	"PATCH /api/v1/clients/:id":            {allowed: everyone},
	"POST /api/v1/cases":                   {allowed: everyone},
	"PATCH /api/v1/cases/:id":              {allowed: everyone},
	"GET /api/v1/cases/:id/messages":       {allowed: everyone},
	"POST /api/v1/cases/:id/messages":      {allowed: everyone},
	"POST /api/v1/cases/:id/notes":         {allowed: everyone},
	"GET /api/v1/cases/:id/documents":      {allowed: everyone},
	"POST /api/v1/cases/:id/documents":     {allowed: everyone},
	"GET /api/v1/cases/:id/documents/:doc": {allowed: everyone},
	"GET /api/v1/invoices":                 {allowed: everyone},
	"GET /api/v1/invoices/:id":             {allowed: everyone},
	"GET /api/v1/invoices/:id/payments":    {allowed: everyone},
	"GET /api/v1/quotes":                   {allowed: everyone},

	"POST /api/v1/invoices":              {allowed: everyone},
	"PATCH /api/v1/invoices/:id":         {allowed: everyone},
	"POST /api/v1/invoices/:id/issue":    {allowed: everyone},
	"POST /api/v1/invoices/:id/payments": {allowed: everyone},
	"POST /api/v1/invoices/:id/void":     {allowed: everyone},
	"GET /api/v1/invoices/:id/pdf":       {allowed: everyone},

	"GET /api/v1/webhooks":                                     {allowed: everyone},
	"POST /api/v1/webhooks":                                    {allowed: everyone},
	"GET /api/v1/webhooks/:id":                                 {allowed: everyone},
	"PATCH /api/v1/webhooks/:id":                               {allowed: everyone},
	"POST /api/v1/webhooks/:id/rotate-secret":                  {allowed: everyone},
	"GET /api/v1/webhooks/:id/deliveries":                      {allowed: everyone},
	"POST /api/v1/webhooks/:id/deliveries/:delivery/redeliver": {allowed: everyone},
	"DELETE /api/v1/webhooks/:id":                              {allowed: everyone},
	"GET /api/v1/openapi.json":                                 {allowed: everyone}, // the document: public
}

func init() {
	for k, v := range apiV1Matrix {
		if _, dup := routeMatrix[k]; dup {
			panic("routeMatrix: two rows for " + k)
		}
		routeMatrix[k] = v
	}
}

// mustAPIToken makes a token on a's settings page and returns a client
// that sends it.
func mustAPIToken(t *testing.T, e *env, a *agency, name string, scopes url.Values) *browser {
	t.Helper()
	form := url.Values{"name": {name}}
	for k, v := range scopes {
		form[k] = v
	}
	res := a.Owner.post("/a/"+a.Slug+"/settings/api-tokens", form)
	wantStatus(t, res, http.StatusOK)
	secret := apiSecretRE.FindString(res.Body)
	if secret == "" {
		t.Fatal("no secret on the page")
	}
	c := e.newClient()
	c.headers["Authorization"] = "Bearer " + secret
	return c
}

// problemOf reads a problem-details answer.
func problemOf(t *testing.T, res *response, status int) map[string]any {
	t.Helper()
	wantStatus(t, res, status)
	if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q, want application/problem+json: %s", ct, res.Body)
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(res.Body), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAPIClients: the API's client list and client through the real app
// with real tokens: the list pages by cursor, a read has an ETag and a
// matching If-None-Match is 304; no token, a session, a token without the
// scope, a revoked token, another agency's token and id are refused; past
// the rate limit 429 with RateLimit headers.
func TestAPIClients(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "apicl")
	b := e.mustSignup(t, "apicl-other")
	x := e.mustCaseClient(t, a, "Xylo Ltd", "")
	y := e.mustCaseClient(t, a, "Yarrow Inc", "")
	bc := e.mustCaseClient(t, b, "Bravo Other", "")
	tok := mustAPIToken(t, e, a, "Sync", url.Values{"scope_clients": {"read"}})

	t.Run("the list pages by cursor", func(t *testing.T) {
		var seen []string
		path := "/api/v1/clients?limit=1"
		for range 5 {
			res := tok.get(path)
			wantStatus(t, res, http.StatusOK)
			if res.Header.Get("RateLimit-Limit") == "" {
				t.Fatal("no RateLimit-Limit header")
			}
			var page struct {
				Data []struct {
					ID, Name string
				}
				NextCursor string `json:"next_cursor"`
			}
			if err := json.Unmarshal([]byte(res.Body), &page); err != nil {
				t.Fatal(err)
			}
			for _, d := range page.Data {
				seen = append(seen, d.ID)
			}
			if page.NextCursor == "" {
				break
			}
			path = "/api/v1/clients?limit=1&cursor=" + url.QueryEscape(page.NextCursor)
		}
		if strings.Join(seen, ",") != x+","+y && strings.Join(seen, ",") != y+","+x {
			t.Fatalf("listed %v, want the agency's two clients", seen)
		}
		p := problemOf(t, tok.get("/api/v1/clients?limit=abc&updated_since=yesterday"), http.StatusUnprocessableEntity)
		if errs, _ := p["errors"].([]any); len(errs) != 2 {
			t.Fatalf("field errors %v, want limit and updated_since", p["errors"])
		}
	})

	t.Run("a read has an ETag", func(t *testing.T) {
		res := tok.get("/api/v1/clients/" + x)
		wantStatus(t, res, http.StatusOK)
		if !strings.Contains(res.Body, `"name":"Xylo Ltd"`) || res.Header.Get("ETag") == "" {
			t.Fatalf("read: %s, ETag %q", res.Body, res.Header.Get("ETag"))
		}
		tok.headers["If-None-Match"] = res.Header.Get("ETag")
		wantStatus(t, tok.get("/api/v1/clients/"+x), http.StatusNotModified)
		delete(tok.headers, "If-None-Match")
	})

	t.Run("another agency's id is 404", func(t *testing.T) {
		problemOf(t, tok.get("/api/v1/clients/"+bc), http.StatusNotFound)
	})

	t.Run("agency B's token cannot read agency A", func(t *testing.T) {
		other := mustAPIToken(t, e, b, "B sync", url.Values{"scope_clients": {"write"}})
		problemOf(t, other.get("/api/v1/clients/"+x), http.StatusNotFound)
		res := other.get("/api/v1/clients")
		wantStatus(t, res, http.StatusOK)
		if strings.Contains(res.Body, x) || !strings.Contains(res.Body, bc) {
			t.Fatalf("B's list: %s", res.Body)
		}
	})

	t.Run("a token without the scope is 403", func(t *testing.T) {
		cases := mustAPIToken(t, e, a, "Cases only", url.Values{"scope_cases": {"write"}})
		p := problemOf(t, cases.get("/api/v1/clients/"+x), http.StatusForbidden)
		if !strings.Contains(p["detail"].(string), "clients:read") {
			t.Fatalf("detail %q", p["detail"])
		}
		problemOf(t, cases.get("/api/v1/clients"), http.StatusForbidden)
	})

	t.Run("no token, a session, a made-up token are 401", func(t *testing.T) {
		problemOf(t, e.newClient().get("/api/v1/clients"), http.StatusUnauthorized)
		problemOf(t, a.Owner.get("/api/v1/clients"), http.StatusUnauthorized)
		fake := e.newClient()
		fake.headers["Authorization"] = "Bearer mmk_" + strings.ReplaceAll(a.ID, "-", "") + "_notarealsecret"
		problemOf(t, fake.get("/api/v1/clients"), http.StatusUnauthorized)
	})

	t.Run("a revoked token is 401", func(t *testing.T) {
		gone := mustAPIToken(t, e, a, "Gone", url.Values{"scope_clients": {"read"}})
		wantStatus(t, gone.get("/api/v1/clients"), http.StatusOK)
		id := e.caseQuery(t, a, `SELECT id FROM api_tokens WHERE name = 'Gone'`)
		wantStatus(t, a.Owner.post("/a/"+a.Slug+"/settings/api-tokens/"+id+"/revoke", nil), http.StatusSeeOther)
		problemOf(t, gone.get("/api/v1/clients"), http.StatusUnauthorized)
	})

	t.Run("past the rate limit 429 with headers", func(t *testing.T) {
		busy := mustAPIToken(t, e, a, "Busy", url.Values{"scope_clients": {"read"}})
		var res *response
		for range 1000 {
			res = busy.get("/api/v1/clients?limit=1")
			if res.StatusCode != http.StatusOK {
				break
			}
		}
		problemOf(t, res, http.StatusTooManyRequests)
		for _, h := range []string{"RateLimit-Limit", "RateLimit-Reset", "RateLimit-Policy", "Retry-After"} {
			if res.Header.Get(h) == "" {
				t.Errorf("429 without %s", h)
			}
		}
		if res.Header.Get("RateLimit-Remaining") != "0" {
			t.Errorf("RateLimit-Remaining %q", res.Header.Get("RateLimit-Remaining"))
		}
		wantStatus(t, tok.get("/api/v1/clients?limit=1"), http.StatusOK) // per token
	})
}
