package tenant

import (
	"context"
	"database/sql"
	"errors"
	"testing"
)

// TestWebhookQueuedWithTheChange: a delivery is queued in the change's
// transaction, so a rolled-back change leaves none.
func TestWebhookQueuedWithTheChange(t *testing.T) {
	tn := mustOpenProbeTenant(t)
	ctx := context.Background()
	if _, err := tn.CreateWebhookEndpoint(ctx, "https://hooks.example.com/x", "", []string{"client.created"}, Audit{Action: "webhook.created"}); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := tn.Tx(ctx, func(tx *sql.Tx) error {
		if err := tn.auditTx(ctx, tx, Audit{Action: "client.created", Target: "c1"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	var n int
	tn.Read().QueryRow(`SELECT count(*) FROM webhook_deliveries`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d deliveries for a rolled-back change", n)
	}
	if err := tn.RecordAudit(ctx, Audit{Action: "client.created", Target: "c1"}); err != nil {
		t.Fatal(err)
	}
	tn.Read().QueryRow(`SELECT count(*) FROM webhook_deliveries`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d deliveries for a committed change, want 1", n)
	}
}
