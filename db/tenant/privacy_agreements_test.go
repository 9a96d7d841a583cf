package tenant_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"mintedmind/archive"
	"mintedmind/db/tenant"
)

// TestAgreementsInThePrivacyTools: a client's export has their agreements
// (a draft too) with the signers' records, the history and the signed PDF,
// and nothing of another client's; the signer's own download has the
// signature they gave; erasing the client deletes the agreement not
// completed, keeps the completed one with its signers and signed PDF, and
// leaves another client's alone; the retention job purges the kept one
// after the agency's period, once.
func TestAgreementsInThePrivacyTools(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "agreement-privacy")
	staff := everything(owner)
	client, other := mustCaseClient(t, tn, "Agatha Agreewell", ""), mustCaseClient(t, tn, "Otto Other", "")
	signer := mustPortalContact(t, tn, owner, client, "agatha@example.test")
	outsider := mustPortalContact(t, tn, owner, other, "otto@example.test")
	create := func(clientID string, u *tenant.User, title string) *tenant.Agreement {
		t.Helper()
		g, err := tn.CreateAgreement(ctx, staff, actorOf(owner), tenant.AgreementInput{ClientID: clientID, Title: title, Body: "Agatha Agreewell agrees.",
			SignerIDs: []string{u.ID}}, tenant.Audit{Action: "agreement.created"})
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	send := func(g *tenant.Agreement) *tenant.Agreement {
		t.Helper()
		g, err := tn.SendAgreement(ctx, staff, actorOf(owner), g.ID, "Agency", tenant.Audit{Action: "agreement.sent"})
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	pdf := []byte("%PDF-1.4 the signed agreement of Agatha Agreewell")
	signed := send(create(client, signer, "Service agreement"))
	cv := tenant.NewViewer(signer, tenant.Settings{})
	if _, err := tn.CreateAgreementCode(ctx, cv, actorOf(signer), signed.ID, signer.Email, "246810"); err != nil {
		t.Fatal(err)
	}
	if _, err := tn.SignAgreement(ctx, cv, actorOf(signer), signed.ID, tenant.Signing{SignerName: "Agatha Agreewell", Agreed: true, Email: signer.Email, IP: "192.0.2.9",
		UserAgent: "test browser", Code: "246810", Seal: func(*tenant.Agreement, []tenant.QuoteEvent) ([]byte, error) { return pdf, nil }}, tenant.Audit{Action: "agreement.signed"}); err != nil {
		t.Fatal(err)
	}
	draft := create(client, signer, "Draft brief")
	waiting := send(create(client, signer, "Waiting brief"))
	theirs := send(create(other, outsider, "Their agreement"))

	unzip := func(t *testing.T, write func(w *archive.ExportWriter) error) map[string]string {
		t.Helper()
		return mustExportFiles(t, f.clock.Now(), write)
	}

	t.Run("the client's export has their agreements, the signing and the signed PDF, and not another client's", func(t *testing.T) {
		got := unzip(t, func(w *archive.ExportWriter) error { return tn.ExportClient(ctx, staff, client, w) })
		for _, id := range []string{signed.ID, draft.ID, waiting.ID} {
			if !strings.Contains(got["agreements.json"], id) {
				t.Errorf("agreements.json lacks %s", id)
			}
		}
		if strings.Contains(got["agreements.json"], theirs.ID) || strings.Contains(got["agreement_signers.json"], "otto@") {
			t.Error("another client's agreement in the export")
		}
		if !strings.Contains(got["agreement_signers.json"], "192.0.2.9") || !strings.Contains(got["agreement_signers.json"], "test browser") ||
			!strings.Contains(got["agreement_history.json"], "signed") {
			t.Errorf("export %v", got)
		}
		if got["signed/Service agreement-signed.pdf"] != string(pdf) || !strings.Contains(got["signed_documents.json"], signed.ID) {
			t.Errorf("the signed PDF is not in the export: %v", got["signed_documents.json"])
		}
	})

	t.Run("the signer's own download has the signature they gave", func(t *testing.T) {
		got := unzip(t, func(w *archive.ExportWriter) error { return tn.ExportUser(ctx, signer.ID, w) })
		if s := got["agreement_signatures.json"]; !strings.Contains(s, "Service agreement") || !strings.Contains(s, "192.0.2.9") || strings.Contains(s, "Draft brief") {
			t.Fatalf("user export %v", got)
		}
	})

	if _, err := tn.EraseClient(ctx, staff, client, "Agatha Agreewell", tenant.Audit{Action: "client.erased"}); err != nil {
		t.Fatal(err)
	}
	t.Run("erasure deletes the agreements not completed and keeps the signed one", func(t *testing.T) {
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM agreements WHERE client_id = ?`, client); n != 1 {
			t.Fatalf("%d agreements of the erased client, want the completed one", n)
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM agreement_signers WHERE agreement_id = ? AND signer_name = 'Agatha Agreewell'`, signed.ID) != 1 ||
			queryInt(t, tn, `SELECT COUNT(*) FROM signed_documents WHERE agreement_id = ?`, signed.ID) != 1 {
			t.Fatal("the signed record was not kept")
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM agreement_signers WHERE agreement_id IN (?, ?)`, draft.ID, waiting.ID) != 0 {
			t.Fatal("the signers of deleted agreements stayed")
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM agreements WHERE id = ? AND state = 'sent'`, theirs.ID) != 1 {
			t.Fatal("another client's agreement was touched")
		}
	})

	part := func() tenant.DataPart {
		for _, p := range tenant.DataParts() {
			if p.Name == "agreements" {
				return p
			}
		}
		t.Fatal("no agreements part")
		return tenant.DataPart{}
	}()
	t.Run("the retention job purges the kept agreement after the agency's period, once", func(t *testing.T) {
		soon := f.clock.Now().AddDate(5, 0, 0)
		if counts, err := part.Purge(ctx, tn, soon, false); err != nil || counts["purged"] != 0 {
			t.Fatalf("purged within the period: %v %v", counts, err)
		}
		later := f.clock.Now().AddDate(tenant.DefaultInvoiceRetentionYears, 1, 0)
		if counts, err := part.Purge(ctx, tn, later, true); err != nil || counts["purged"] != 1 || queryInt(t, tn, `SELECT COUNT(*) FROM signed_documents`) != 1 {
			t.Fatalf("dry run %v %v", counts, err)
		}
		if counts, err := part.Purge(ctx, tn, later, false); err != nil || counts["purged"] != 1 {
			t.Fatalf("purge %v %v", counts, err)
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM agreements WHERE client_id = ?`, client) != 0 || queryInt(t, tn, `SELECT COUNT(*) FROM signed_documents`) != 0 ||
			queryInt(t, tn, `SELECT COUNT(*) FROM agreement_signers WHERE agreement_id = ?`, signed.ID) != 0 ||
			queryInt(t, tn, `SELECT COUNT(*) FROM settings WHERE key LIKE 'erased_client_agreements:%'`) != 0 {
			t.Fatal("leftovers after the purge")
		}
		if counts, _ := part.Purge(ctx, tn, later.Add(time.Hour), false); counts["purged"] != 0 {
			t.Fatal("purged twice")
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM agreements WHERE id = ?`, theirs.ID) != 1 {
			t.Fatal("another client's agreement was purged")
		}
	})
}
