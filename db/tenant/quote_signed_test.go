package tenant_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// TestQuoteSeal: the seal sees the version as accepted (its acceptance and
// its history up to the signature) and its PDF is stored with the PDF's
// SHA-256 in the acceptance's transaction; a seal that fails undoes the
// acceptance; only the exact bytes are recognised.
func TestQuoteSeal(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "quote-seal")
	client := mustCaseClient(t, tn, "Acme", "")
	contact := mustPortalContact(t, tn, owner, client, "c@acme.test")
	cv, ca := tenant.NewViewer(contact, tenant.Settings{}), actorOf(contact)
	ctx := context.Background()
	const today = "2026-11-02"

	t.Run("a failing seal undoes the acceptance", func(t *testing.T) {
		q := mustSentQuote(t, tn, owner, quoteInput(client), today)
		_, err := tn.AcceptQuote(ctx, cv, ca, q.ID, tenant.Acceptance{SignerName: "Ada", Agreed: true, Today: today, Code: mustQuoteCode(t, tn, cv, contact, q.ID, "123456", today),
			Seal: func(*tenant.Quote, []tenant.QuoteEvent) ([]byte, error) { return nil, errors.New("no fonts") }}, tenant.Audit{Action: "quote.accepted"})
		if err == nil {
			t.Fatal("accepted without its signed PDF")
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM quote_acceptances WHERE quote_id = ?`, q.ID) != 0 ||
			queryInt(t, tn, `SELECT COUNT(*) FROM quote_events WHERE quote_id = ? AND kind = 'accepted'`, q.ID) != 0 {
			t.Fatal("a failed seal left the acceptance")
		}
	})

	t.Run("the seal sees the acceptance and the trail, and its bytes are stored", func(t *testing.T) {
		q := mustSentQuote(t, tn, owner, quoteInput(client), today)
		var seen *tenant.Quote
		var kinds []string
		pdf := []byte("%PDF-1.4 signed " + q.ID)
		_, err := tn.AcceptQuote(ctx, cv, ca, q.ID, tenant.Acceptance{SignerName: "Ada Lovelace", Agreed: true, Today: today, IP: "192.0.2.1", Email: contact.Email,
			Code: mustQuoteCode(t, tn, cv, contact, q.ID, "123456", today),
			Seal: func(q *tenant.Quote, trail []tenant.QuoteEvent) ([]byte, error) {
				seen = q
				for _, e := range trail {
					kinds = append(kinds, e.Kind)
				}
				return pdf, nil
			}}, tenant.Audit{Action: "quote.accepted"})
		if err != nil {
			t.Fatal(err)
		}
		if seen.State != tenant.QuoteAccepted || seen.Acceptance == nil || seen.Acceptance.SignerName != "Ada Lovelace" || seen.Acceptance.IP != "192.0.2.1" {
			t.Fatalf("the seal saw %+v", seen)
		}
		if len(kinds) == 0 || kinds[len(kinds)-1] != "accepted" {
			t.Fatalf("trail %v", kinds)
		}
		d, err := tn.SignedQuote(ctx, cv, q.ID)
		sum := sha256.Sum256(pdf)
		if err != nil || string(d.PDF) != string(pdf) || d.SHA256 != hex.EncodeToString(sum[:]) || d.BodySHA256 != seen.Acceptance.DocumentSHA256 {
			t.Fatalf("stored %+v %v", d, err)
		}
		if got, err := tn.SignedDocumentBySHA256(ctx, sha256.Sum256(pdf)); err != nil || got.QuoteID != q.ID || len(got.PDF) != 0 {
			t.Fatalf("by content: %+v %v", got, err)
		}
		changed := append([]byte{}, pdf...)
		changed[0] ^= 1
		if _, err := tn.SignedDocumentBySHA256(ctx, sha256.Sum256(changed)); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("a changed byte matched: %v", err)
		}
	})
}
