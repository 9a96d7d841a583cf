package handlers_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"mintedmind/db/tenant"
)

var webhookSecretRE = regexp.MustCompile(`whsec_[A-Za-z0-9+/=]+`)

// TestWebhooksPage: an owner registers an endpoint (its secret shown once,
// the registration audited), a refused address or form is 422 with its
// message and stores nothing, pause stops queueing, resume starts again,
// rotation keeps the old secret signing for the overlap, the delivery log
// shows each delivery and sends one again, delete removes it; staff,
// contacts and another agency's owner get 404 and change nothing.
func TestWebhooksPage(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "hooks")
	b := e.mustSignup(t, "hooks-other")
	staffer, _ := e.mustAddUser(t, a, tenant.RoleStaff)
	contact, _ := e.mustAddUser(t, a, tenant.RoleClient)
	base := "/a/" + a.Slug + "/settings/webhooks"
	count := func(q string) string { return e.caseQuery(t, a, q) }

	res := a.Owner.post(base, url.Values{"url": {"https://93.184.215.14/hooks"}, "description": {"Our CRM"}, "events": {"client.created", "case.closed"}})
	wantStatus(t, res, http.StatusOK)
	secret := webhookSecretRE.FindString(html.UnescapeString(res.Body))
	if secret == "" || !strings.Contains(res.Body, "shown only this once") {
		t.Fatalf("the new endpoint's secret is not on the page:\n%s", res.Body)
	}
	id := count(`SELECT id FROM webhook_endpoints`)
	if got := count(`SELECT url || '|' || description || '|' || events || '|' || secret FROM webhook_endpoints`); got != "https://93.184.215.14/hooks|Our CRM|client.created case.closed|"+secret {
		t.Fatalf("stored %q", got)
	}
	if got := count(`SELECT count(*) FROM audit_log WHERE action = 'webhook.created' AND target = '` + id + `'`); got != "1" {
		t.Fatalf("audit entries of the registration: %s", got)
	}
	page := a.Owner.get(base)
	wantStatus(t, page, http.StatusOK)
	if strings.Contains(html.UnescapeString(page.Body), secret) || !strings.Contains(page.Body, "Our CRM") || !strings.Contains(page.Body, "Case closed") {
		t.Fatalf("the list shows the secret again or lacks the endpoint:\n%s", page.Body)
	}
	if !strings.Contains(a.Owner.get("/a/"+a.Slug+"/settings").Body, `href="`+base+`"`) {
		t.Error("the settings navigation has no link to Webhooks")
	}

	t.Run("bad input is 422 with its message and stores nothing", func(t *testing.T) {
		for _, tc := range []struct {
			form url.Values
			msg  string
		}{
			{url.Values{"url": {"http://93.184.215.14/h"}, "events": {"client.created"}}, "The address must start with https://."},
			{url.Values{"url": {"https://127.0.0.1/h"}, "events": {"client.created"}}, "private, loopback or link-local"},
			{url.Values{"url": {"https://10.0.0.8/h"}, "events": {"client.created"}}, "private, loopback or link-local"},
			{url.Values{"url": {"https://169.254.169.254/latest"}, "events": {"client.created"}}, "private, loopback or link-local"},
			{url.Values{"url": {"https://[::1]/h"}, "events": {"client.created"}}, "private, loopback or link-local"},
			{url.Values{"url": {"https://93.184.215.14/h"}}, "Choose at least one event."},
			{url.Values{"url": {"https://93.184.215.14/h"}, "events": {"case.exploded"}}, "Choose events from the list."},
			{url.Values{"url": {""}, "events": {"client.created"}}, "Enter the address the events are posted to."},
			{url.Values{"url": {"https://93.184.215.14/h"}, "events": {"client.created"}, "description": {strings.Repeat("x", 201)}}, "The description is too long"},
		} {
			res := a.Owner.post(base, tc.form)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			if !strings.Contains(res.Body, tc.msg) {
				t.Errorf("%v: the page lacks %q", tc.form, tc.msg)
			}
			if webhookSecretRE.MatchString(res.Body) {
				t.Errorf("%v: a secret on a refused form", tc.form)
			}
		}
		if got := count(`SELECT count(*) FROM webhook_endpoints`); got != "1" {
			t.Fatalf("endpoints after refused forms: %s", got)
		}
	})

	t.Run("staff, contacts and another agency get 404 and change nothing", func(t *testing.T) {
		for _, who := range []*browser{staffer, contact} {
			wantStatus(t, who.get(base), http.StatusNotFound)
			wantStatus(t, who.get(base+"/"+id), http.StatusNotFound)
			wantStatus(t, who.post(base, url.Values{"url": {"https://93.184.215.14/x"}, "events": {"client.created"}}), http.StatusNotFound)
			wantStatus(t, who.post(base+"/"+id+"/delete", nil), http.StatusNotFound)
		}
		other := "/a/" + b.Slug + "/settings/webhooks/" + id
		wantStatus(t, b.Owner.get(other), http.StatusNotFound)
		for _, action := range []string{"pause", "rotate", "delete"} {
			wantStatus(t, b.Owner.post(other+"/"+action, nil), http.StatusNotFound)
		}
		if got := count(`SELECT enabled || '|' || secret FROM webhook_endpoints`); got != "1|"+secret {
			t.Fatalf("the endpoint changed: %s", got)
		}
	})

	tn := e.mustTenant(t, a.ID)
	ownerID := e.mustUserID(t, a, a.OwnerEmail)
	addClient := func(name string) {
		t.Helper()
		if _, err := tn.CreateClient(t.Context(), tenant.Viewer{UserID: ownerID}, tenant.ClientInput{Name: name, Kind: tenant.ClientCompany}, tenant.Audit{Action: "client.created"}); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("a paused endpoint gets nothing, a resumed one gets what follows", func(t *testing.T) {
		before := count(`SELECT count(*) FROM webhook_deliveries`)
		wantStatus(t, a.Owner.post(base+"/"+id+"/pause", nil), http.StatusSeeOther)
		if !strings.Contains(a.Owner.get(base+"/"+id).Body, "paused") {
			t.Error("the page does not say paused")
		}
		addClient("While paused")
		if got := count(`SELECT count(*) FROM webhook_deliveries`); got != before {
			t.Fatalf("deliveries queued for a paused endpoint: %s, before %s", got, before)
		}
		wantStatus(t, a.Owner.post(base+"/"+id+"/resume", nil), http.StatusSeeOther)
		addClient("After resuming")
		if got := count(`SELECT count(*) FROM webhook_deliveries WHERE event = 'client.created'`); got == before {
			t.Fatal("nothing queued after resuming")
		}
	})

	t.Run("the log shows deliveries and sends one again", func(t *testing.T) {
		d := count(`SELECT id FROM webhook_deliveries LIMIT 1`)
		if _, err := tn.Write().Exec(`UPDATE webhook_deliveries SET state = 'failed', attempts = 9, response_code = 503, last_at = 1893456000 WHERE id = ?`, d); err != nil {
			t.Fatal(err)
		}
		page := a.Owner.get(base + "/" + id)
		wantStatus(t, page, http.StatusOK)
		for _, want := range []string{"Client created", "gave up", "503", "Send again"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the log lacks %q", want)
			}
		}
		wantStatus(t, b.Owner.post("/a/"+b.Slug+"/settings/webhooks/"+id+"/deliveries/"+d+"/redeliver", nil), http.StatusNotFound)
		wantStatus(t, a.Owner.post(base+"/"+id+"/deliveries/nope/redeliver", nil), http.StatusNotFound)
		if got := count(`SELECT state FROM webhook_deliveries WHERE id = '` + d + `'`); got != "failed" {
			t.Fatalf("state after refused redeliveries: %s", got)
		}
		wantStatus(t, a.Owner.post(base+"/"+id+"/deliveries/"+d+"/redeliver", nil), http.StatusSeeOther)
		if got := count(`SELECT state FROM webhook_deliveries WHERE id = '` + d + `'`); got != "pending" {
			t.Fatalf("state after send again: %s", got)
		}
		if got := count(`SELECT count(*) FROM audit_log WHERE action = 'webhook.redelivered'`); got != "1" {
			t.Fatalf("audit of send again: %s", got)
		}
	})

	t.Run("rotation shows the new secret once and keeps the old one signing", func(t *testing.T) {
		res := a.Owner.post(base+"/"+id+"/rotate", nil)
		wantStatus(t, res, http.StatusOK)
		fresh := webhookSecretRE.FindString(html.UnescapeString(res.Body))
		if fresh == "" || fresh == secret || !strings.Contains(res.Body, "previous secret still signs") {
			t.Fatalf("rotation page:\n%s", res.Body)
		}
		if got := count(`SELECT secret || '|' || previous_secret FROM webhook_endpoints`); got != fresh+"|"+secret {
			t.Fatalf("stored after rotation: %s", got)
		}
		ep, err := tn.WebhookEndpoint(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if s := ep.Secrets(e.clock.Now()); len(s) != 2 {
			t.Fatalf("secrets during the overlap: %d", len(s))
		}
		if s := ep.Secrets(e.clock.Now().Add(tenant.WebhookSecretOverlap + 1)); len(s) != 1 || s[0] != fresh {
			t.Fatal("the old secret still signs after the overlap")
		}
	})

	t.Run("delete removes the endpoint and its log", func(t *testing.T) {
		wantStatus(t, a.Owner.post(base+"/"+id+"/delete", nil), http.StatusSeeOther)
		if got := count(`SELECT (SELECT count(*) FROM webhook_endpoints) || '|' || (SELECT count(*) FROM webhook_deliveries)`); got != "0|0" {
			t.Fatalf("left after delete: %s", got)
		}
		wantStatus(t, a.Owner.get(base+"/"+id), http.StatusNotFound)
		for _, action := range []string{"webhook.paused", "webhook.resumed", "webhook.secret_rotated", "webhook.deleted"} {
			if got := count(`SELECT count(*) FROM audit_log WHERE action = '` + action + `'`); got != "1" {
				t.Errorf("audit entries %s: %s", action, got)
			}
		}
		if log := a.Owner.get("/a/" + a.Slug + "/audit"); !strings.Contains(log.Body, "deleted the webhook endpoint") {
			t.Error("the audit log has no sentence for the delete")
		}
	})
}
