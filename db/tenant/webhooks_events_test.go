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
	if _, err := tn.UpdateCase(ctx, everything(owner), actorOf(owner), k.ID, 0, tenant.CaseChange{Status: &closed}); err != nil {
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

// TestWebhookDocumentPaidAndClientMessageEvents: a document added to a
// case (by the client, in the portal), a client's message in the portal
// (origin client) or by email (origin email) and a payment that pays an invoice in full (not one
// that pays part of it) each queue their webhook inside the change's own
// transaction: while the queue refuses every insert the change itself is
// refused and leaves nothing, and once it takes them the change and its
// one delivery are stored together.
func TestWebhookDocumentPaidAndClientMessageEvents(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "hook-events-more")
	ctx := context.Background()
	if _, err := tn.CreateWebhookEndpoint(ctx, "https://hooks.example.com/x", "", tenant.WebhookEventTypes, tenant.Audit{Action: "webhook.created"}); err != nil {
		t.Fatal(err)
	}
	cl, contact := mustContact(t, tn, owner, "Acme", "contact@example.test")
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: cl.ID, Title: "Hooked"})
	portal := tenant.Viewer{UserID: contact.ID, ClientID: cl.ID}
	one := func(q string, args ...any) string {
		t.Helper()
		var s string
		if err := tn.Read().QueryRow(q, args...).Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return s
	}
	deliveries := func(event string) []string {
		t.Helper()
		rows, err := tn.Read().Query(`SELECT payload FROM webhook_deliveries WHERE event = ? ORDER BY rowid`, event)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	// refuseQueue makes every insert into the delivery queue fail, as a
	// full disk or a crash at that point would, until the returned func.
	refuseQueue := func(t *testing.T) func() {
		t.Helper()
		if _, err := tn.Write().Exec(`CREATE TRIGGER refuse_webhooks BEFORE INSERT ON webhook_deliveries BEGIN SELECT RAISE(ABORT, 'the queue refuses'); END`); err != nil {
			t.Fatal(err)
		}
		return func() {
			if _, err := tn.Write().Exec(`DROP TRIGGER refuse_webhooks`); err != nil {
				t.Fatal(err)
			}
		}
	}

	t.Run("a document added", func(t *testing.T) {
		access := tenant.ClientDocumentAccess(cl.ID)
		allow := refuseQueue(t)
		_, err := tn.AddDocuments(ctx, access, actorOf(contact), k.ID, true, 1<<30, []tenant.DocumentFile{docFile("passport.pdf", 10)}, sizeText)
		allow()
		if err == nil {
			t.Fatal("the upload was stored while its webhook could not be queued")
		}
		if got := one(`SELECT count(*) FROM documents WHERE case_id = ?`, k.ID); got != "0" || len(deliveries(tenant.WebhookDocumentAdded)) != 0 {
			t.Fatalf("a refused upload left %s documents, %d deliveries", got, len(deliveries(tenant.WebhookDocumentAdded)))
		}
		if _, err := tn.AddDocuments(ctx, access, actorOf(contact), k.ID, true, 1<<30, []tenant.DocumentFile{docFile("passport.pdf", 10)}, sizeText); err != nil {
			t.Fatal(err)
		}
		got := deliveries(tenant.WebhookDocumentAdded)
		if len(got) != 1 || !strings.Contains(got[0], `"case_id":"`+k.ID+`"`) || !strings.Contains(got[0], `"name":"passport.pdf"`) {
			t.Fatalf("document.added deliveries: %v", got)
		}
	})

	t.Run("a client's message in the portal", func(t *testing.T) {
		before := len(deliveries(tenant.WebhookMessageCreated))
		allow := refuseQueue(t)
		_, err := tn.AddMessage(ctx, portal, actorOf(contact), k.ID, "Sent from the portal", true, nil)
		allow()
		if err == nil {
			t.Fatal("the message was stored while its webhook could not be queued")
		}
		if got := one(`SELECT count(*) FROM notes WHERE body = 'Sent from the portal'`); got != "0" || len(deliveries(tenant.WebhookMessageCreated)) != before {
			t.Fatalf("a refused message left %s notes", got)
		}
		n, err := tn.AddMessage(ctx, portal, actorOf(contact), k.ID, "Sent from the portal", true, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := deliveries(tenant.WebhookMessageCreated)
		if len(got) != before+1 || !strings.Contains(got[before], `"origin":"client"`) || !strings.Contains(got[before], `"id":"`+n.ID+`"`) {
			t.Fatalf("message.created deliveries: %v", got)
		}
	})

	t.Run("a client's reply by email", func(t *testing.T) {
		before := len(deliveries(tenant.WebhookMessageCreated))
		reply := func() error {
			m := &tenant.MessageDraft{Viewer: portal, Body: "Replied by email", FromClient: true,
				Inbound: &tenant.InboundMail{MessageID: "<reply-1@example.test>", UserID: contact.ID}}
			_, err := tn.AddMessageWithDocuments(ctx, tenant.ClientDocumentAccess(cl.ID), actorOf(contact), k.ID, m, tenant.Limits{}, nil, sizeText)
			return err
		}
		allow := refuseQueue(t)
		err := reply()
		allow()
		if err == nil {
			t.Fatal("the reply was stored while its webhook could not be queued")
		}
		if got := one(`SELECT count(*) FROM notes WHERE body = 'Replied by email'`); got != "0" || len(deliveries(tenant.WebhookMessageCreated)) != before {
			t.Fatalf("a refused reply left %s notes", got)
		}
		if err := reply(); err != nil { // its Message-ID was not kept either
			t.Fatal(err)
		}
		got := deliveries(tenant.WebhookMessageCreated)
		if len(got) != before+1 || !strings.Contains(got[before], `"origin":"email"`) {
			t.Fatalf("message.created deliveries: %v", got)
		}
	})

	t.Run("an invoice paid in full", func(t *testing.T) {
		inv := mustIssued(t, tn, owner, invoiceInput(cl.ID))
		pay := func(amount int64) error {
			_, err := tn.RecordPayment(ctx, everything(owner), actorOf(owner), inv.ID, tenant.PaymentInput{Amount: amount, PaidOn: "2026-11-02", Method: tenant.MethodBankTransfer},
				"2026-11-02", tenant.Audit{Action: "payment.recorded"})
			return err
		}
		if err := pay(100); err != nil {
			t.Fatal(err)
		}
		if got := deliveries(tenant.WebhookInvoicePaid); len(got) != 0 {
			t.Fatalf("invoice.paid queued for a payment of part: %v", got)
		}
		allow := refuseQueue(t)
		err := pay(inv.Total - 100)
		allow()
		if err == nil {
			t.Fatal("the payment was stored while its webhook could not be queued")
		}
		if got := one(`SELECT status || '|' || paid || '|' || (SELECT count(*) FROM payments WHERE invoice_id = invoices.id) FROM invoices WHERE id = ?`, inv.ID); got != tenant.InvoicePartiallyPaid+"|100|1" {
			t.Fatalf("after the refused payment: %s", got)
		}
		if err := pay(inv.Total - 100); err != nil {
			t.Fatal(err)
		}
		got := deliveries(tenant.WebhookInvoicePaid)
		if len(got) != 1 || !strings.Contains(got[0], `"id":"`+inv.ID+`"`) || !strings.Contains(got[0], `"number":"`+inv.Number+`"`) {
			t.Fatalf("invoice.paid deliveries: %v", got)
		}
	})
}

// TestWebhookImportedClients: a CSV import queues client.created for each
// client it makes, as one made by hand would, in the import's
// transaction; an endpoint that did not choose the event gets none.
func TestWebhookImportedClients(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "hook-import")
	ctx := context.Background()
	crm, err := tn.CreateWebhookEndpoint(ctx, "https://hooks.example.com/crm", "", []string{"client.created"}, tenant.Audit{Action: "webhook.created"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.CreateWebhookEndpoint(ctx, "https://hooks.example.com/cases", "", []string{tenant.WebhookCaseCreated}, tenant.Audit{Action: "webhook.created"}); err != nil {
		t.Fatal(err)
	}
	if _, err := tn.ImportClients(ctx, everything(owner), importRows(3, owner.Email), tenant.Audit{Action: "client.imported"}); err != nil {
		t.Fatal(err)
	}
	rows, err := tn.Read().Query(`SELECT c.id, (SELECT count(*) FROM webhook_deliveries d WHERE d.event = 'client.created' AND d.endpoint_id = ? AND d.payload LIKE '%"id":"' || c.id || '"%')
		FROM clients c ORDER BY c.id`, crm.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id string
		var queued int
		if err := rows.Scan(&id, &queued); err != nil {
			t.Fatal(err)
		}
		n++
		if queued != 1 {
			t.Errorf("imported client %s: %d client.created deliveries, want 1", id, queued)
		}
	}
	var all int
	if err := tn.Read().QueryRow(`SELECT count(*) FROM webhook_deliveries`).Scan(&all); err != nil {
		t.Fatal(err)
	}
	if n != 3 || all != 3 {
		t.Fatalf("%d clients imported, %d deliveries in all: want 3 and 3", n, all)
	}
}
