package tenant_test

import (
	"context"
	"testing"

	"mintedmind/db/tenant"
)

// TestSignedDocumentsListed: an accepted quote's signed PDF is listed on
// its client and on its case, for staff and for the client's contacts;
// another client's contact sees none of it, and an unaccepted quote has
// no signed document to list.
func TestSignedDocumentsListed(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "quote-signed-list")
	client := mustCaseClient(t, tn, "Acme", "")
	other := mustCaseClient(t, tn, "Other", "")
	contact := mustPortalContact(t, tn, owner, client, "c@acme.test")
	stranger := mustPortalContact(t, tn, owner, other, "s@other.test")
	cv, ca := tenant.NewViewer(contact, tenant.Settings{}), actorOf(contact)
	sv := tenant.NewViewer(stranger, tenant.Settings{})
	ctx := context.Background()
	const today = "2026-11-02"
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: client, Title: "Website"})
	in := quoteInput(client)
	in.CaseID = k.ID
	q := mustSentQuote(t, tn, owner, in, today)
	mustSentQuote(t, tn, owner, quoteInput(client), today) // sent, not accepted: nothing signed
	if _, err := tn.AcceptQuote(ctx, cv, ca, q.ID, tenant.Acceptance{SignerName: "Ada", Agreed: true, Today: today, Code: mustQuoteCode(t, tn, cv, contact, q.ID, "123456", today),
		Seal: func(*tenant.Quote, []tenant.QuoteEvent) ([]byte, error) { return []byte("%PDF-1.4 signed"), nil }}, tenant.Audit{Action: "quote.accepted"}); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		v              tenant.Viewer
		client, caseID string
		want           int
	}{
		"staff, on the client":             {everything(owner), client, "", 1},
		"staff, on the case":               {everything(owner), "", k.ID, 1},
		"the contact, on the case":         {cv, "", k.ID, 1},
		"the contact, on their client":     {cv, client, "", 1},
		"another client's contact, case":   {sv, "", k.ID, 0},
		"another client's contact, client": {sv, client, "", 0},
		"staff, on the other client":       {everything(owner), other, "", 0},
	} {
		docs, err := tn.SignedDocuments(ctx, tc.v, tc.client, tc.caseID)
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) != tc.want {
			t.Fatalf("%s: %d signed documents, want %d", name, len(docs), tc.want)
		}
		if tc.want == 1 && (docs[0].QuoteID != q.ID || docs[0].Label != q.Label() || docs[0].Size != int64(len("%PDF-1.4 signed")) || docs[0].PDF != nil) {
			t.Fatalf("%s: %+v", name, docs[0])
		}
	}
}
