package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"mintedmind/db/tenant"
	"mintedmind/files/filestest"
	"mintedmind/handlers"
)

// apiFixture is the portal fixture (agency A with clients X and Y, a case
// of each, a shared document on Y's case) with an issued invoice of Y that
// has a payment, a sent quote of Y, and agency B with a client, case and
// invoice of its own; and tokens: A's with every scope, B's with every
// scope.
type apiFixture struct {
	*portalFixture
	b                        *agency
	invY, quoteY             string
	draftY                   string // a draft invoice of Y, which the invoice writes issue and void
	bClient, bCase, bInvoice string
	full, bFull              *browser
	staffID                  string
	hook, hookDelivery       string // A's webhook endpoint and one of its deliveries (mustAPIWebhook)
}

// allScopes is every area at write.
func allScopes() url.Values {
	v := url.Values{}
	for _, area := range tenant.APIAreas {
		v["scope_"+area] = []string{"write"}
	}
	return v
}

func mustAPIFixture(t *testing.T) *apiFixture {
	t.Helper()
	f := &apiFixture{portalFixture: mustPortalFixture(t)}
	f.staffID = f.e.mustUserID(t, f.a, f.staffEmail)
	f.invY = f.mustIssueInvoice(t, f.y)
	wantStatus(t, f.a.Owner.post("/a/"+f.a.Slug+"/invoices/"+f.invY+"/payments",
		url.Values{"amount": {"21"}, "paid_on": {"2026-11-02"}, "method": {tenant.MethodCash}, "reference": {"till 1"}}), http.StatusSeeOther)
	f.quoteY = f.mustSentQuote(t, f.y)
	f.draftY = f.mustDraftInvoice(t, f.y)
	f.b = f.e.mustSignup(t, "apib")
	f.bClient = f.e.mustCaseClient(t, f.b, "Bravo Other", "")
	f.bCase = mustCreateCase(t, f.b.Owner, f.b, url.Values{"client_id": {f.bClient}, "title": {"Bravo case"}})
	f.full = mustAPIToken(t, f.e, f.a, "Full", allScopes())
	f.bFull = mustAPIToken(t, f.e, f.b, "B full", allScopes())
	return f
}

var apiParam = regexp.MustCompile(`:[a-z]+`)

// pathOf fills a route's parameters with agency A's objects.
func (f *apiFixture) pathOf(t *testing.T, route string) string {
	t.Helper()
	return apiParam.ReplaceAllStringFunc(route, func(p string) string {
		switch {
		case p == ":doc":
			return f.docY
		case p == ":delivery":
			return f.hookDelivery
		case strings.HasPrefix(route, "/api/v1/webhooks/"):
			return f.hook
		case strings.HasPrefix(route, "/api/v1/clients/"):
			return f.y
		case strings.HasPrefix(route, "/api/v1/cases/"):
			return f.caseY
		case route == "/api/v1/invoices/:id" || strings.HasSuffix(route, "/issue") || strings.HasSuffix(route, "/void"):
			return f.draftY // the draft: changed, issued, then voided down the table
		case strings.HasPrefix(route, "/api/v1/invoices/"):
			return f.invY
		}
		t.Fatalf("no object of A for %s in %s", p, route)
		return ""
	})
}

// apiBodies is a valid body for each API write, so that a refusal in the
// matrix is the caller's, never the input's. A write route without one
// fails TestAPIIsolationMatrix.
func (f *apiFixture) bodyOf(t *testing.T, key string) string {
	t.Helper()
	b, ok := map[string]string{
		"POST /api/v1/clients":                                     `{"name":"Matrix Made Ltd"}`,
		"PATCH /api/v1/clients/:id":                                `{"name":"Yarrow Renamed"}`,
		"POST /api/v1/cases":                                       fmt.Sprintf(`{"client_id":%q,"title":"Matrix case"}`, f.y),
		"PATCH /api/v1/cases/:id":                                  fmt.Sprintf(`{"status":"in_progress","assignee_id":"","due_date":"2026-12-01","labels":["api"]}`),
		"POST /api/v1/cases/:id/messages":                          `{"body":"Matrix message"}`,
		"POST /api/v1/cases/:id/notes":                             `{"body":"Matrix note","visible_to_client":false}`,
		"POST /api/v1/invoices":                                    fmt.Sprintf(`{"client_id":%q,"lines":[{"description":"Matrix work","quantity_milli":1000,"unit_price":5000,"vat_rate_bp":2100}]}`, f.y),
		"PATCH /api/v1/invoices/:id":                               `{"notes":"Matrix notes"}`,
		"POST /api/v1/invoices/:id/issue":                          "",
		"POST /api/v1/invoices/:id/payments":                       `{"amount":100,"paid_on":"2026-11-02","method":"bank_transfer"}`,
		"POST /api/v1/invoices/:id/void":                           `{"reason":"Matrix void"}`,
		"POST /api/v1/webhooks":                                    `{"url":"https://93.184.215.14/matrix","events":["client.created"]}`,
		"PATCH /api/v1/webhooks/:id":                               `{"description":"Matrix changed","events":["client.created","case.closed"],"enabled":false}`,
		"POST /api/v1/webhooks/:id/rotate-secret":                  "",
		"POST /api/v1/webhooks/:id/deliveries/:delivery/redeliver": "",
		"DELETE /api/v1/webhooks/:id":                              "",
	}[key]
	if !ok && !strings.HasPrefix(key, "GET ") {
		t.Fatalf("no body for %s in apiFixture.bodyOf", key)
	}
	return b
}

// stateOfA is everything of agency A an API write could change.
func (f *apiFixture) stateOfA(t *testing.T) string {
	t.Helper()
	return f.e.caseQuery(t, f.a, `SELECT
		(SELECT count(*) || ':' || COALESCE(max(updated_at), 0) || ':' || COALESCE(group_concat(name), '') FROM clients) || '|' ||
		(SELECT count(*) || ':' || COALESCE(max(updated_at), 0) || ':' || COALESCE(group_concat(status || COALESCE(assignee_id, '') || COALESCE(due_date, '')), '') FROM cases) || '|' ||
		(SELECT count(*) FROM notes) || '|' || (SELECT count(*) FROM case_events) || '|' || (SELECT count(*) FROM documents) || '|' ||
		(SELECT count(*) || ':' || COALESCE(group_concat(status || COALESCE(number, '') || COALESCE(notes, '')), '') FROM invoices) || '|' || (SELECT count(*) FROM payments) || '|' || (SELECT count(*) FROM quotes) || '|' ||
		(SELECT count(*) FROM audit_log WHERE action NOT LIKE 'api_token.%') || '|' || (SELECT count(*) FROM case_labels) || '|' ||
		(SELECT count(*) || ':' || COALESCE(group_concat(url || events || enabled || failures || secret || description), '') FROM webhook_endpoints) || '|' ||
		(SELECT count(*) || ':' || COALESCE(group_concat(state || next_at || attempts), '') FROM webhook_deliveries)`)
}

// mustAPIWebhook registers a webhook endpoint of A on the settings page
// (client.created) and queues a delivery to it, for the webhook routes.
func (f *apiFixture) mustAPIWebhook(t *testing.T) {
	t.Helper()
	wantStatus(t, f.a.Owner.post("/a/"+f.a.Slug+"/settings/webhooks", url.Values{"url": {"https://93.184.215.14/hooks"}, "events": {"client.created"}}), http.StatusOK)
	f.hook = f.e.caseQuery(t, f.a, `SELECT id FROM webhook_endpoints`)
	mustClientCreated(t, f.e, f.a, "Hooked Ltd")
	f.hookDelivery = f.e.caseQuery(t, f.a, `SELECT id FROM webhook_deliveries WHERE endpoint_id = ?`, f.hook)
	if f.hookDelivery == "" {
		t.Fatal("no delivery queued for A's endpoint")
	}
}

// apiRoutesOf are the route table's API rows.
func apiRoutesOf() []handlers.Route {
	var out []handlers.Route
	for _, r := range handlers.Routes {
		if r.Access == handlers.APIToken {
			out = append(out, r)
		}
	}
	return out
}

func (f *apiFixture) send(t *testing.T, c *browser, r handlers.Route) *response {
	t.Helper()
	if r.Has(handlers.Streams) { // an upload: a multipart body, checked by the document's multipart entry
		return c.apiUpload(t, f.pathOf(t, r.Path), nil, upFile{"matrix.pdf", filestest.PDF(1, 0)})
	}
	key := r.Method + " " + r.Path
	return c.api(t, r.Method, f.pathOf(t, r.Path), f.bodyOf(t, key))
}

// TestAPIIsolationMatrix: every API route of the route table, each with a
// valid request for agency A's objects, sent with agency B's token (every
// scope) is 404 for an id of A, and a list of B holds nothing of A; with A's
// token lacking the route's area, or holding only read for a write, 403; with
// a revoked or an expired token 401; and none of them changes anything of A.
// Then A's own token is let in, so the ids above were real. Every answer is
// checked against the OpenAPI document.
func TestAPIIsolationMatrix(t *testing.T) {
	t.Parallel()
	f := mustAPIFixture(t)
	readOnly := url.Values{}
	for _, area := range tenant.APIAreas {
		readOnly["scope_"+area] = []string{"read"}
	}
	reader := mustAPIToken(t, f.e, f.a, "Reader", readOnly)
	webhooksOnly := mustAPIToken(t, f.e, f.a, "Webhooks only", url.Values{"scope_webhooks": {"write"}})
	noWebhooks := allScopes()
	delete(noWebhooks, "scope_webhooks")
	allButWebhooks := mustAPIToken(t, f.e, f.a, "All but webhooks", noWebhooks)
	f.mustAPIWebhook(t)
	revoked := mustAPIToken(t, f.e, f.a, "Revoked", allScopes())
	id := f.e.caseQuery(t, f.a, `SELECT id FROM api_tokens WHERE name = 'Revoked'`)
	wantStatus(t, f.a.Owner.post("/a/"+f.a.Slug+"/settings/api-tokens/"+id+"/revoke", nil), http.StatusSeeOther)
	expiring := url.Values{"expires": {f.e.clock.Now().AddDate(0, 0, 1).Format("2006-01-02")}}
	for k, v := range allScopes() {
		expiring[k] = v
	}
	expired := mustAPIToken(t, f.e, f.a, "Expiring", expiring)
	wantStatus(t, expired.get("/api/v1/clients"), http.StatusOK)
	f.e.clock.Advance(72 * time.Hour)

	aIDs := []string{f.x, f.y, f.caseX, f.caseY, f.docY, f.invY, f.draftY, f.quoteY, f.hook, f.hookDelivery}
	routes := apiRoutesOf()
	before := f.stateOfA(t)
	for _, r := range routes {
		key := r.Method + " " + r.Path
		write := r.Method != "GET"
		t.Run(key, func(t *testing.T) {
			res := f.send(t, f.bFull, r)
			if strings.Contains(r.Path, ":") {
				problemOf(t, res, http.StatusNotFound)
			} else if !write {
				wantStatus(t, res, http.StatusOK)
				for _, id := range aIDs {
					if strings.Contains(res.Body, id) {
						t.Fatalf("B's %s shows A's %s: %s", key, id, res.Body)
					}
				}
			} else if res.StatusCode >= 500 {
				t.Fatalf("B's %s: %d", key, res.StatusCode)
			}
			lacking := webhooksOnly
			if strings.HasPrefix(r.Scope, "webhooks:") {
				lacking = allButWebhooks
			}
			problemOf(t, f.send(t, lacking, r), http.StatusForbidden)
			if write {
				problemOf(t, f.send(t, reader, r), http.StatusForbidden)
			}
			problemOf(t, f.send(t, revoked, r), http.StatusUnauthorized)
			problemOf(t, f.send(t, expired, r), http.StatusUnauthorized)
			if got := f.stateOfA(t); got != before {
				t.Fatalf("%s changed agency A:\nbefore %s\nafter  %s", key, before, got)
			}
		})
	}
	if len(routes) < 17 {
		t.Fatalf("%d API routes", len(routes))
	}
	t.Run("A's own token is let in on every route", func(t *testing.T) {
		for _, r := range routes {
			res := f.send(t, f.full, r)
			if res.StatusCode >= 300 {
				t.Errorf("%s %s with A's token: %d %s", r.Method, r.Path, res.StatusCode, res.Body)
			}
		}
		if f.stateOfA(t) == before {
			t.Fatal("A's writes changed nothing")
		}
	})
}

// TestAPIBadInput: each write refuses a field of the wrong type, a value too
// long and a required field missing with 422 naming the field, and the
// database is as it was.
func TestAPIBadInput(t *testing.T) {
	t.Parallel()
	f := mustAPIFixture(t)
	long := strings.Repeat("x", 201)
	longBody := strings.Repeat("x", tenant.NoteBodyMax+1)
	cases := []struct {
		method, path, body, field string
	}{
		{"POST", "/api/v1/clients", `{"name":5}`, "name"},
		{"POST", "/api/v1/clients", `{"name":"` + long + `"}`, "name"},
		{"POST", "/api/v1/clients", `{"kind":"company"}`, "name"},
		{"POST", "/api/v1/clients", `{"name":"Ok","emails":"a@b.test"}`, "emails"},
		{"PATCH", "/api/v1/clients/" + f.y, `{"name":true}`, "name"},
		{"PATCH", "/api/v1/clients/" + f.y, `{"name":"` + long + `"}`, "name"},
		{"PATCH", "/api/v1/clients/" + f.y, `{"name":""}`, "name"},
		{"PATCH", "/api/v1/clients/" + f.y, `{"colour":"red"}`, "colour"},
		{"POST", "/api/v1/cases", fmt.Sprintf(`{"client_id":%q,"title":7}`, f.y), "title"},
		{"POST", "/api/v1/cases", fmt.Sprintf(`{"client_id":%q,"title":%q}`, f.y, long), "title"},
		{"POST", "/api/v1/cases", fmt.Sprintf(`{"client_id":%q}`, f.y), "title"},
		{"POST", "/api/v1/cases", `{"title":"No client"}`, "client_id"},
		{"PATCH", "/api/v1/cases/" + f.caseY, `{"status":5}`, "status"},
		{"PATCH", "/api/v1/cases/" + f.caseY, `{"status":"nonsense"}`, "status"},
		{"PATCH", "/api/v1/cases/" + f.caseY, `{"title":"` + long + `"}`, "title"},
		{"PATCH", "/api/v1/cases/" + f.caseY, `{"due_date":"31/12/2026"}`, "due_date"},
		{"POST", "/api/v1/cases/" + f.caseY + "/messages", `{"body":["x"]}`, "body"},
		{"POST", "/api/v1/cases/" + f.caseY + "/messages", `{"body":"` + longBody + `"}`, "body"},
		{"POST", "/api/v1/cases/" + f.caseY + "/messages", `{}`, "body"},
		{"POST", "/api/v1/cases/" + f.caseY + "/notes", `{"body":"x","visible_to_client":"yes"}`, "visible_to_client"},
		{"POST", "/api/v1/cases/" + f.caseY + "/notes", `{"body":"` + longBody + `"}`, "body"},
		{"POST", "/api/v1/cases/" + f.caseY + "/notes", `{"body":"   "}`, "body"},
	}
	before := f.stateOfA(t)
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path+" "+tc.field, func(t *testing.T) {
			p := problemOf(t, f.full.api(t, tc.method, tc.path, tc.body), http.StatusUnprocessableEntity)
			if !strings.Contains(toJSON(p["errors"]), `"field":"`+tc.field+`"`) {
				t.Fatalf("errors %s, want the field %s", toJSON(p["errors"]), tc.field)
			}
		})
	}
	if got := f.stateOfA(t); got != before {
		t.Fatalf("refused input changed agency A:\nbefore %s\nafter  %s", before, got)
	}
}

// TestAPIConcurrentIdempotency: ten identical POSTs with one
// Idempotency-Key sent at once make one case, and every answer is the
// first one's.
func TestAPIConcurrentIdempotency(t *testing.T) {
	t.Parallel()
	f := mustAPIFixture(t)
	body := fmt.Sprintf(`{"client_id":%q,"title":"Once only"}`, f.x)
	const n = 10
	answers := make([]*response, n)
	var wg sync.WaitGroup
	for i := range n {
		c := f.e.newClient()
		c.headers["Authorization"] = f.full.headers["Authorization"]
		c.headers["Idempotency-Key"] = "same-key-1"
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = c.do("POST", "/api/v1/cases", strings.NewReader(body), "application/json")
		}()
	}
	wg.Wait()
	for i, res := range answers {
		if res.StatusCode != http.StatusCreated || res.Body != answers[0].Body {
			t.Errorf("answer %d: %d %s (first: %s)", i, res.StatusCode, res.Body, answers[0].Body)
		}
	}
	if got := f.e.caseQuery(t, f.a, `SELECT count(*) FROM cases WHERE title = 'Once only'`); got != "1" {
		t.Fatalf("%s cases made by %d identical posts", got, n)
	}
}
