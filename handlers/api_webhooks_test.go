package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"mintedmind/db/tenant"
)

// TestAPIWebhooks: the webhooks area of the API with a real token, every
// answer checked against the OpenAPI document. An endpoint registered by
// POST is 201 with its secret (once: a read shows none) and audited as the
// token; the same Idempotency-Key makes one endpoint; a refused address or
// form is 422 naming the field, with the settings page's messages, and
// stores nothing; PATCH changes events and pauses (audited), a stale
// If-Match is 409 and a private address 422, neither changing anything;
// rotation gives a new secret with the old one's overlap; the delivery log
// lists what a change queued and "send again" makes a failed delivery
// pending; DELETE removes the endpoint and its log.
func TestAPIWebhooks(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "apihooks")
	tok := mustAPIToken(t, e, a, "Hooks", url.Values{"scope_webhooks": {"write"}})
	q := func(query string, args ...any) string { return e.caseQuery(t, a, query, args...) }
	decode := func(res *response) map[string]any {
		t.Helper()
		var m map[string]any
		if err := json.Unmarshal([]byte(res.Body), &m); err != nil {
			t.Fatalf("%v: %s", err, res.Body)
		}
		return m
	}
	endpoints := func() string {
		return q(`SELECT count(*) || ':' || COALESCE(group_concat(url || '|' || events || '|' || enabled || '|' || secret || '|' || description), '') FROM webhook_endpoints`)
	}

	tok.headers["Idempotency-Key"] = "hook-1"
	body := `{"url":"https://93.184.215.14/hooks","description":"Our CRM","events":["client.created","case.closed"]}`
	first := tok.api(t, "POST", "/api/v1/webhooks", body)
	wantStatus(t, first, http.StatusCreated)
	again := tok.api(t, "POST", "/api/v1/webhooks", body)
	delete(tok.headers, "Idempotency-Key")
	if again.Body != first.Body || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("the repeat is not the first answer: %s", again.Body)
	}
	made := decode(first)
	id, secret := made["id"].(string), made["secret"].(string)
	if !strings.HasPrefix(secret, "whsec_") || made["state"] != "active" || first.Header.Get("Location") != "/api/v1/webhooks/"+id {
		t.Fatalf("made %v, Location %q", made, first.Header.Get("Location"))
	}
	if got := endpoints(); got != "1:https://93.184.215.14/hooks|client.created case.closed|1|"+secret+"|Our CRM" {
		t.Fatalf("stored %s", got)
	}
	if got := q(`SELECT actor_name FROM audit_log WHERE action = 'webhook.created' AND target = ?`, id); !strings.Contains(got, "via API token “Hooks”") {
		t.Fatalf("audit actor %q", got)
	}
	read := tok.api(t, "GET", "/api/v1/webhooks/"+id, "")
	wantStatus(t, read, http.StatusOK)
	if strings.Contains(read.Body, secret) || strings.Contains(tok.api(t, "GET", "/api/v1/webhooks", "").Body, secret) {
		t.Fatal("a read shows the secret")
	}

	t.Run("bad input is 422 naming the field and stores nothing", func(t *testing.T) {
		before := endpoints()
		for _, tc := range []struct{ method, path, body, field, msg string }{
			{"POST", "/api/v1/webhooks", `{"url":"http://93.184.215.14/h","events":["client.created"]}`, "url", "must start with https://"},
			{"POST", "/api/v1/webhooks", `{"url":"https://127.0.0.1/h","events":["client.created"]}`, "url", "private, loopback or link-local"},
			{"POST", "/api/v1/webhooks", `{"url":"https://169.254.169.254/latest","events":["client.created"]}`, "url", "private, loopback or link-local"},
			{"POST", "/api/v1/webhooks", `{"url":"https://93.184.215.14/h"}`, "events", "Choose at least one event."},
			{"POST", "/api/v1/webhooks", `{"url":"https://93.184.215.14/h","events":["case.exploded"]}`, "events", "Choose events from the list."},
			{"POST", "/api/v1/webhooks", `{"url":"https://93.184.215.14/h","events":"client.created"}`, "events", "array"},
			{"POST", "/api/v1/webhooks", `{"url":"https://93.184.215.14/h","events":["client.created"],"secret":"mine"}`, "secret", "Not a field"},
			{"PATCH", "/api/v1/webhooks/" + id, `{"url":"https://10.0.0.8/h"}`, "url", "private, loopback or link-local"},
			{"PATCH", "/api/v1/webhooks/" + id, `{"events":[]}`, "events", "Choose at least one event."},
			{"PATCH", "/api/v1/webhooks/" + id, `{"description":"` + strings.Repeat("x", 201) + `"}`, "description", "too long"},
			{"PATCH", "/api/v1/webhooks/" + id, `{"enabled":"no"}`, "enabled", "boolean"},
		} {
			p := problemOf(t, tok.api(t, tc.method, tc.path, tc.body), http.StatusUnprocessableEntity)
			if got := toJSON(p["errors"]); !strings.Contains(got, `"field":"`+tc.field+`"`) || !strings.Contains(got, tc.msg) {
				t.Errorf("%s %s: errors %s, want %s: %q", tc.method, tc.body, got, tc.field, tc.msg)
			}
		}
		stale := e.newClient()
		stale.headers["Authorization"] = tok.headers["Authorization"]
		stale.headers["If-Match"] = `"not-its-etag"`
		problemOf(t, stale.api(t, "PATCH", "/api/v1/webhooks/"+id, `{"enabled":false}`), http.StatusConflict)
		if got := endpoints(); got != before {
			t.Fatalf("refusals changed the endpoints:\nbefore %s\nafter  %s", before, got)
		}
	})

	t.Run("PATCH changes events and pauses, audited", func(t *testing.T) {
		match := e.newClient()
		match.headers["Authorization"] = tok.headers["Authorization"]
		match.headers["If-Match"] = read.Header.Get("ETag")
		res := match.api(t, "PATCH", "/api/v1/webhooks/"+id, `{"events":["client.updated"],"enabled":false}`)
		wantStatus(t, res, http.StatusOK)
		if got := decode(res); got["state"] != "paused" || toJSON(got["events"]) != `["client.updated"]` {
			t.Fatalf("after PATCH: %v", got)
		}
		if got := q(`SELECT count(*) FROM audit_log WHERE action = 'webhook.updated' AND target = ?`, id); got != "1" {
			t.Fatalf("audit entries of the change: %s", got)
		}
		res = tok.api(t, "PATCH", "/api/v1/webhooks/"+id, `{"enabled":true,"events":["client.created"]}`)
		wantStatus(t, res, http.StatusOK)
		if got := q(`SELECT enabled || events FROM webhook_endpoints WHERE id = ?`, id); got != "1client.created" {
			t.Fatalf("after resuming: %s", got)
		}
	})

	t.Run("rotation gives a new secret and keeps the old one signing", func(t *testing.T) {
		res := tok.api(t, "POST", "/api/v1/webhooks/"+id+"/rotate-secret", "")
		wantStatus(t, res, http.StatusOK)
		got := decode(res)
		if s, _ := got["secret"].(string); !strings.HasPrefix(s, "whsec_") || s == secret || got["previous_secret_until"] == nil {
			t.Fatalf("after rotation: %v", got)
		}
		if got := q(`SELECT previous_secret FROM webhook_endpoints WHERE id = ?`, id); got != secret {
			t.Fatalf("previous secret %q", got)
		}
	})

	t.Run("the log lists deliveries and sends one again", func(t *testing.T) {
		mustClientCreated(t, e, a, "Hooked Ltd")
		res := tok.api(t, "GET", "/api/v1/webhooks/"+id+"/deliveries", "")
		wantStatus(t, res, http.StatusOK)
		var page struct {
			Data []struct {
				ID, Event, State string
				Payload          struct{ Type string }
			}
		}
		if err := json.Unmarshal([]byte(res.Body), &page); err != nil || len(page.Data) != 1 || page.Data[0].Event != "client.created" || page.Data[0].Payload.Type != "client.created" {
			t.Fatalf("log %s (%v)", res.Body, err)
		}
		d := page.Data[0].ID
		if _, err := e.mustTenant(t, a.ID).Write().Exec(`UPDATE webhook_deliveries SET state = 'failed', attempts = 9 WHERE id = ?`, d); err != nil {
			t.Fatal(err)
		}
		problemOf(t, tok.api(t, "POST", "/api/v1/webhooks/"+id+"/deliveries/nope/redeliver", ""), http.StatusNotFound)
		problemOf(t, tok.api(t, "GET", "/api/v1/webhooks/"+id+"/deliveries?limit=0", ""), http.StatusUnprocessableEntity)
		res = tok.api(t, "POST", "/api/v1/webhooks/"+id+"/deliveries/"+d+"/redeliver", "")
		wantStatus(t, res, http.StatusAccepted)
		if got := q(`SELECT state FROM webhook_deliveries WHERE id = ?`, d); got != "pending" || decode(res)["state"] != "pending" {
			t.Fatalf("after send again: %s %s", got, res.Body)
		}
	})

	t.Run("DELETE removes the endpoint and its log", func(t *testing.T) {
		wantStatus(t, tok.api(t, "DELETE", "/api/v1/webhooks/"+id, ""), http.StatusNoContent)
		problemOf(t, tok.api(t, "GET", "/api/v1/webhooks/"+id, ""), http.StatusNotFound)
		problemOf(t, tok.api(t, "DELETE", "/api/v1/webhooks/"+id, ""), http.StatusNotFound)
		if got := q(`SELECT (SELECT count(*) FROM webhook_endpoints) || (SELECT count(*) FROM webhook_deliveries)`); got != "00" {
			t.Fatalf("left after delete: %s", got)
		}
	})
}

// TestAPIWebhookEventsDocumented: the OpenAPI document's event list is
// tenant.WebhookEventTypes, so a new event cannot be left out of it.
func TestAPIWebhookEventsDocumented(t *testing.T) {
	t.Parallel()
	doc, _ := mustAPIDoc(t)
	for _, name := range []string{"WebhookInput", "WebhookPatch"} {
		items := doc.Components.Schemas[name].Value.Properties["events"].Value.Items.Value
		var got []string
		for _, v := range items.Enum {
			got = append(got, v.(string))
		}
		if !slices.Equal(got, tenant.WebhookEventTypes) {
			t.Errorf("%s's events %v, the store's %v", name, got, tenant.WebhookEventTypes)
		}
	}
}

// mustClientCreated makes a client of a as the owner through the store,
// so that its client.created webhook is queued as the UI's would be.
func mustClientCreated(t *testing.T, e *env, a *agency, name string) {
	t.Helper()
	v := tenant.Viewer{UserID: e.mustUserID(t, a, a.OwnerEmail)}
	if _, err := e.mustTenant(t, a.ID).CreateClient(t.Context(), v, tenant.ClientInput{Name: name, Kind: tenant.ClientCompany}, tenant.Audit{Action: "client.created"}); err != nil {
		t.Fatal(err)
	}
}
