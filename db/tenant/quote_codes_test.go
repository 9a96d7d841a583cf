package tenant_test

import (
	"context"
	"testing"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// mustQuoteCode stores code for contact (viewing as cv) on quote id and
// returns it.
func mustQuoteCode(t testing.TB, tn *tenant.Store, cv tenant.Viewer, contact *tenant.User, id, code, today string) string {
	t.Helper()
	if _, err := tn.CreateQuoteCode(context.Background(), cv, actorOf(contact), id, contact.Email, code, today); err != nil {
		t.Fatal(err)
	}
	return code
}

// TestQuoteCodes: a signing code works once, only for its own quote
// version and contact, and only until it expires; a refused code leaves
// the quote unanswered with nothing recorded; asking for codes is limited
// per quote and per contact.
func TestQuoteCodes(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "quote-codes")
	client := mustCaseClient(t, tn, "Acme", "")
	contact := mustPortalContact(t, tn, owner, client, "c@acme.test")
	other := mustPortalContact(t, tn, owner, client, "d@acme.test")
	cv, ca := tenant.NewViewer(contact, tenant.Settings{}), actorOf(contact)
	ov := tenant.NewViewer(other, tenant.Settings{})
	ctx := context.Background()
	const today = "2026-11-02"
	accept := func(id, code string) error {
		_, err := tn.AcceptQuote(ctx, cv, ca, id, tenant.Acceptance{SignerName: "Ada", Agreed: true, Today: today, Code: code}, tenant.Audit{Action: "quote.accepted"})
		return err
	}
	refused := func(t *testing.T, id, code string) {
		t.Helper()
		before := countRows(t, tn, "quote_acceptances")
		events := countRows(t, tn, "quote_events")
		err := accept(id, code)
		if apperr.FieldsOf(err)["code"] == "" {
			t.Fatalf("want a refused code, got %v", err)
		}
		if countRows(t, tn, "quote_acceptances") != before || countRows(t, tn, "quote_events") != events {
			t.Fatal("a refused code changed the database")
		}
		if q, _ := tn.Quote(ctx, cv, id); q.State == tenant.QuoteAccepted {
			t.Fatal("accepted with a refused code")
		}
	}

	t.Run("no code, a wrong code and another quote's code are refused", func(t *testing.T) {
		q := mustSentQuote(t, tn, owner, quoteInput(client), today)
		q2 := mustSentQuote(t, tn, owner, quoteInput(client), today)
		mustQuoteCode(t, tn, cv, contact, q2.ID, "424242", today)
		refused(t, q.ID, "")
		refused(t, q.ID, "424242")
		mustQuoteCode(t, tn, cv, contact, q.ID, "111111", today)
		refused(t, q.ID, "111112")
		refused(t, q.ID, "424242")
		if err := accept(q.ID, "111111"); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("another contact's code is refused", func(t *testing.T) {
		q := mustSentQuote(t, tn, owner, quoteInput(client), today)
		mustQuoteCode(t, tn, ov, other, q.ID, "222222", today)
		refused(t, q.ID, "222222")
	})

	t.Run("a code works once", func(t *testing.T) {
		q := mustSentQuote(t, tn, owner, quoteInput(client), today)
		mustQuoteCode(t, tn, cv, contact, q.ID, "333333", today)
		if err := accept(q.ID, "333333"); err != nil {
			t.Fatal(err)
		}
		var used int
		if err := tn.Read().QueryRow(`SELECT COUNT(*) FROM quote_codes WHERE quote_id = ? AND used_at IS NOT NULL`, q.ID).Scan(&used); err != nil || used != 1 {
			t.Fatalf("used codes %d, %v", used, err)
		}
		// The quote put back to be answered again (as if the acceptance
		// had not happened): its used code is still refused.
		if _, err := tn.Write().Exec(`DELETE FROM signed_documents WHERE quote_id = ?`, q.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := tn.Write().Exec(`DELETE FROM quote_acceptances WHERE quote_id = ?`, q.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := tn.Write().Exec(`UPDATE quotes SET state = 'viewed' WHERE id = ?`, q.ID); err != nil {
			t.Fatal(err)
		}
		refused(t, q.ID, "333333")
	})

	t.Run("an expired code is refused", func(t *testing.T) {
		q := mustSentQuote(t, tn, owner, quoteInput(client), today)
		mustQuoteCode(t, tn, cv, contact, q.ID, "444444", today)
		f.clock.Advance(tenant.QuoteCodeTTL + 1)
		refused(t, q.ID, "444444")
		mustQuoteCode(t, tn, cv, contact, q.ID, "555555", today)
		f.clock.Advance(tenant.QuoteCodeTTL - 60e9)
		if err := accept(q.ID, "555555"); err != nil {
			t.Fatalf("a code within its time: %v", err)
		}
	})

	t.Run("asking for codes is limited per quote", func(t *testing.T) {
		f.clock.Advance(tenant.QuoteCodeWindow)
		q := mustSentQuote(t, tn, owner, quoteInput(client), today)
		for range tenant.QuoteCodesPerQuote {
			mustQuoteCode(t, tn, ov, other, q.ID, "666666", today)
		}
		codes := countRows(t, tn, "quote_codes")
		_, err := tn.CreateQuoteCode(ctx, cv, ca, q.ID, contact.Email, "777777", today)
		wantCode(t, err, apperr.TooMany)
		if countRows(t, tn, "quote_codes") != codes {
			t.Fatal("a refused code was stored")
		}
		f.clock.Advance(tenant.QuoteCodeWindow)
		mustQuoteCode(t, tn, cv, contact, q.ID, "777777", today)
	})

	t.Run("an answered quote and another client's quote give no code", func(t *testing.T) {
		q := mustSentQuote(t, tn, owner, quoteInput(client), today)
		if err := tn.DeclineQuote(ctx, cv, ca, q.ID, "no", today, tenant.Audit{Action: "quote.declined"}); err != nil {
			t.Fatal(err)
		}
		_, err := tn.CreateQuoteCode(ctx, cv, ca, q.ID, contact.Email, "888888", today)
		wantCode(t, err, apperr.Conflict)
		theirs := mustSentQuote(t, tn, owner, quoteInput(mustCaseClient(t, tn, "Other", "")), today)
		_, err = tn.CreateQuoteCode(ctx, cv, ca, theirs.ID, contact.Email, "888888", today)
		wantCode(t, err, apperr.NotFound)
	})
}
