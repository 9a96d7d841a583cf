package tenant_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"mintedmind/archive"
	"mintedmind/db/tenant"
)

// TestQuotesInThePrivacyTools: a client's export has every quote of
// theirs with lines, acceptance, history, questions, the files sent on
// the threads and the signed PDF (and nothing of another client's); the
// signer's own download has their acceptance and the file they sent;
// erasing the client deletes the quotes not accepted and the questions
// and files (of the kept quote too), keeps the accepted quote with its acceptance and signed PDF,
// takes the contact's name out of the history, and leaves another
// client's quote alone; the retention job purges the kept quote after the
// agency's period, once.
func TestQuotesInThePrivacyTools(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "quote-privacy")
	v := everything(owner)
	c, err := tn.CreateClient(ctx, v, tenant.ClientInput{Name: "Quincy Quoteworth", Kind: "person", Emails: []string{"quincy@example.test"}}, tenant.Audit{Action: "client.created"})
	if err != nil {
		t.Fatal(err)
	}
	other := mustCaseClient(t, tn, "Otto Other", "")
	contact := mustPortalContact(t, tn, owner, c.ID, "quincy@example.test")
	cv, ca := tenant.NewViewer(contact, tenant.Settings{}), actorOf(contact)
	const today = "2026-11-02"
	accepted := mustSentQuote(t, tn, owner, quoteInput(c.ID), today)
	if _, err := tn.AddQuoteMessage(ctx, cv, ca, accepted.ID, "Is hosting monthly, Quincy asks?"); err != nil {
		t.Fatal(err)
	}
	// A file Quincy sent by email on the accepted quote's thread: a
	// document of the quote, with no case.
	brief := []byte("%PDF-1.4 Quincy's brief")
	if err := os.MkdirAll(tn.FilesDir(), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tn.FilesDir(), "quincy-brief-key"), brief, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := tn.AddQuoteMessageWithDocuments(ctx, ca, &tenant.QuoteMessageDraft{Viewer: cv, QuoteID: accepted.ID, Body: "The brief, Quincy's."}, tenant.Limits{},
		[]tenant.DocumentFile{{Name: "brief.pdf", ContentType: "application/pdf", Size: int64(len(brief)), SHA256: "x", StorageKey: "quincy-brief-key"}}, func(n int64) string { return "" }); err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.4 the signed quote of Quincy Quoteworth")
	if _, err := tn.AcceptQuote(ctx, cv, ca, accepted.ID, tenant.Acceptance{SignerName: "Quincy Quoteworth", Agreed: true, Today: today, Email: contact.Email, IP: "192.0.2.7",
		Code: mustQuoteCode(t, tn, cv, contact, accepted.ID, "123456", today),
		Seal: func(*tenant.Quote, []tenant.QuoteEvent) ([]byte, error) { return pdf, nil }}, tenant.Audit{Action: "quote.accepted"}); err != nil {
		t.Fatal(err)
	}
	declined := mustSentQuote(t, tn, owner, quoteInput(c.ID), today)
	if err := tn.DeclineQuote(ctx, cv, ca, declined.ID, "Too dear for Quincy Quoteworth", today, tenant.Audit{Action: "quote.declined"}); err != nil {
		t.Fatal(err)
	}
	revised := mustSentQuote(t, tn, owner, quoteInput(c.ID), today)
	if _, err := tn.ReviseQuote(ctx, v, actorOf(owner), revised.ID, tenant.Audit{Action: "quote.revised"}); err != nil {
		t.Fatal(err)
	}
	theirs := mustSentQuote(t, tn, owner, quoteInput(other), today)

	unzip := func(t *testing.T, write func(w *archive.ExportWriter) error) map[string]string {
		t.Helper()
		return mustExportFiles(t, f.clock.Now(), write)
	}

	t.Run("the client's export has their quotes, the signed PDF, and not another client's", func(t *testing.T) {
		got := unzip(t, func(w *archive.ExportWriter) error { return tn.ExportClient(ctx, v, c.ID, w) })
		for _, id := range []string{accepted.ID, declined.ID, revised.ID} {
			if !strings.Contains(got["quotes.json"], id) {
				t.Errorf("quotes.json lacks %s", id)
			}
		}
		if strings.Contains(got["quotes.json"], theirs.ID) {
			t.Error("another client's quote in the export")
		}
		if !strings.Contains(got["quote_acceptances.json"], "192.0.2.7") || !strings.Contains(got["quote_questions.json"], "Is hosting monthly") ||
			!strings.Contains(got["quote_lines.json"], "Hosting") || !strings.Contains(got["quote_history.json"], "declined") {
			t.Errorf("export %v", got)
		}
		if got["signed/"+accepted.Label()+"-signed.pdf"] != string(pdf) || !strings.Contains(got["signed_documents.json"], accepted.ID) {
			t.Errorf("the signed PDF is not in the export: %v", got["signed_documents.json"])
		}
		if !strings.Contains(got["documents.json"], "brief.pdf") || !strings.Contains(got["documents.json"], accepted.ID) {
			t.Errorf("the file sent on the quote's thread is not in documents.json: %s", got["documents.json"])
		}
		found := false
		for name, body := range got {
			found = found || (strings.HasPrefix(name, "documents/"+accepted.Number+"/") && strings.HasSuffix(name, "-brief.pdf") && body == string(brief))
		}
		if !found {
			t.Errorf("the file sent on the quote's thread is not in the export under documents/%s/", accepted.Number)
		}
	})

	t.Run("the signer's own download has their acceptance and question", func(t *testing.T) {
		got := unzip(t, func(w *archive.ExportWriter) error { return tn.ExportUser(ctx, contact.ID, w) })
		if !strings.Contains(got["quote_acceptances.json"], accepted.Number) || !strings.Contains(got["quote_questions.json"], "Is hosting monthly") ||
			!strings.Contains(got["documents.json"], "brief.pdf") {
			t.Fatalf("user export %v", got)
		}
	})

	er, err := tn.EraseClient(ctx, v, c.ID, "Quincy Quoteworth", tenant.Audit{Action: "client.erased"})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("erasure deletes the quotes not accepted and keeps the signed one", func(t *testing.T) {
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM documents WHERE quote_id IS NOT NULL`); n != 0 || !slices.Contains(er.Files, "quincy-brief-key") {
			t.Fatalf("the file sent on the kept quote's thread: %d rows left, files to delete %v", n, er.Files)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM quotes WHERE client_id = ?`, c.ID); n != 1 {
			t.Fatalf("%d quotes of the erased client, want the accepted one", n)
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM quote_acceptances WHERE quote_id = ?`, accepted.ID) != 1 || queryInt(t, tn, `SELECT COUNT(*) FROM signed_documents WHERE quote_id = ?`, accepted.ID) != 1 {
			t.Fatal("the signed record was not kept")
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM quote_messages`) != 0 || queryInt(t, tn, `SELECT COUNT(*) FROM quote_events WHERE quote_id IN (?, ?)`, declined.ID, revised.ID) != 0 {
			t.Fatal("questions or the history of deleted quotes stayed")
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM quote_events WHERE actor_name LIKE '%quincy@%' OR detail LIKE '%Quincy%'`) != 0 {
			var left string
			tn.Read().QueryRow(`SELECT group_concat(kind || ": " || actor_name || " / " || detail, " ; ") FROM quote_events`).Scan(&left)
			t.Fatalf("the contact's name stayed in the history: %s", left)
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM quotes WHERE id = ? AND state = 'sent'`, theirs.ID) != 1 {
			t.Fatal("another client's quote was touched")
		}
	})

	part := func() tenant.DataPart {
		for _, p := range tenant.DataParts() {
			if p.Name == "quotes" {
				return p
			}
		}
		t.Fatal("no quotes part")
		return tenant.DataPart{}
	}()
	t.Run("the retention job purges the kept quote after the agency's period, once", func(t *testing.T) {
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
		if queryInt(t, tn, `SELECT COUNT(*) FROM quotes WHERE client_id = ?`, c.ID) != 0 || queryInt(t, tn, `SELECT COUNT(*) FROM signed_documents`) != 0 ||
			queryInt(t, tn, `SELECT COUNT(*) FROM settings WHERE key LIKE 'erased_client_quotes:%'`) != 0 {
			t.Fatal("leftovers after the purge")
		}
		if counts, _ := part.Purge(ctx, tn, later.Add(time.Hour), false); counts["purged"] != 0 {
			t.Fatal("purged twice")
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM quotes WHERE id = ?`, theirs.ID) != 1 {
			t.Fatal("another client's quote was purged")
		}
	})
}
