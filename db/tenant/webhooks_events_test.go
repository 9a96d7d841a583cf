package tenant_test

import (
	"context"
	"strings"
	"testing"

	"mintedmind/db/tenant"
)

// TestWebhookCaseAndMessageEvents: a case created, its status changed to
// closed and a message posted each queue their webhook for an endpoint
// that chose them, in the change's transaction; the message's origin is
// said.
func TestWebhookCaseAndMessageEvents(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "hook-events")
	ctx := context.Background()
	if _, err := tn.CreateWebhookEndpoint(ctx, "https://hooks.example.com/x", "", tenant.WebhookEventTypes, tenant.Audit{Action: "webhook.created"}); err != nil {
		t.Fatal(err)
	}
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: mustCaseClient(t, tn, "Acme", ""), Title: "Hooked"})
	closed := tenant.CaseClosed
	if _, err := tn.UpdateCase(ctx, everything(owner), actorOf(owner), k.ID, tenant.CaseChange{Status: &closed}); err != nil {
		t.Fatal(err)
	}
	if _, err := tn.AddMessage(ctx, everything(owner), actorOf(owner), k.ID, "Hello", false, nil); err != nil {
		t.Fatal(err)
	}
	rows, err := tn.Read().Query(`SELECT event || ' ' || payload FROM webhook_deliveries ORDER BY rowid`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		got = append(got, s)
	}
	rows.Close()
	all := strings.Join(got, "\n")
	for _, want := range []string{"case.created ", "case.status_changed ", `"to":"closed"`, "case.closed ", "message.created ", `"origin":"staff"`} {
		if !strings.Contains(all, want) {
			t.Errorf("no %q among the deliveries:\n%s", want, all)
		}
	}
}
