package tenant_test

import (
	"context"
	"testing"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// TestWebhookEndpointChangedSinceReadIsNotOverwritten: an edit made from a
// read of an endpoint that has changed since (a person's edit, a pause, a
// failed delivery) is refused and writes nothing; one made from the
// current version is stored.
func TestWebhookEndpointChangedSinceReadIsNotOverwritten(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "hook-version")
	ctx := context.Background()
	e, err := tn.CreateWebhookEndpoint(ctx, "https://hooks.example.com/x", "first", []string{tenant.WebhookCaseCreated}, tenant.Audit{Action: "webhook.created"})
	if err != nil {
		t.Fatal(err)
	}
	read, err := tn.WebhookEndpoint(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(from *tenant.WebhookEndpoint, description string) error {
		to := *from
		to.Description = description
		_, err := tn.UpdateWebhookEndpoint(ctx, e.ID, from.Version, to, tenant.Audit{Action: "webhook.updated"})
		return err
	}
	stale := func(t *testing.T, want string) {
		t.Helper()
		audits := queryInt(t, tn, `SELECT COUNT(*) FROM audit_log WHERE action = 'webhook.updated'`)
		wantCode(t, edit(read, "a stale edit"), apperr.Conflict)
		now, err := tn.WebhookEndpoint(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if now.Description != want || queryInt(t, tn, `SELECT COUNT(*) FROM audit_log WHERE action = 'webhook.updated'`) != audits {
			t.Fatalf("after a refused stale edit: %q, want %q", now.Description, want)
		}
		read = now
	}

	t.Run("another person's edit since", func(t *testing.T) {
		if err := edit(read, "second"); err != nil {
			t.Fatalf("current version: %v", err)
		}
		stale(t, "second")
	})
	t.Run("paused since", func(t *testing.T) {
		if _, err := tn.PauseWebhookEndpoint(ctx, e.ID, tenant.Audit{Action: "webhook.paused"}); err != nil {
			t.Fatal(err)
		}
		stale(t, "second")
		if read.Enabled {
			t.Fatal("a stale edit resumed the paused endpoint")
		}
	})
	t.Run("a delivery failed since", func(t *testing.T) {
		if _, err := tn.ResumeWebhookEndpoint(ctx, e.ID, tenant.Audit{Action: "webhook.resumed"}); err != nil {
			t.Fatal(err)
		}
		mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: mustCaseClient(t, tn, "Acme", ""), Title: "Hooked"}) // queues case.created
		if read, err = tn.WebhookEndpoint(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
		ds, err := tn.DueWebhookDeliveries(ctx, 10)
		if err != nil || len(ds) != 1 {
			t.Fatalf("%d deliveries due, %v", len(ds), err)
		}
		if _, err := tn.RecordWebhookAttempt(ctx, ds[0], 500, false); err != nil {
			t.Fatal(err)
		}
		stale(t, "second")
	})
	t.Run("the current version is stored", func(t *testing.T) {
		if err := edit(read, "third"); err != nil {
			t.Fatal(err)
		}
		if now, _ := tn.WebhookEndpoint(ctx, e.ID); now.Description != "third" || now.Version <= read.Version {
			t.Fatalf("%q at version %d (read %d)", now.Description, now.Version, read.Version)
		}
	})
}
