package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestQuoteExpiredAndTimeline: the expiry job's store step expires a
// sent quote past its validity date once (one history entry, a second
// run changes nothing); staff then see it expired with the entry in the
// quote's timeline, the contact sees it expired (and not the agency's
// drafting) and can no longer accept, decline or choose lines, even on a
// date before the validity date; another client's and another agency's
// quote are not found and not expired.
func TestQuoteExpiredAndTimeline(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustPortalFixture(t)
	mine := f.mustSentQuote(t, f.x)
	theirs := f.mustSentQuote(t, f.y)
	wantStatus(t, f.contact.get(f.portal("/quotes/"+mine)), http.StatusOK) // viewed
	b := f.e.mustSignup(t, "quote-expiry-other")
	other := f.e.mustCaseClient(t, b, "Other Ltd", "")
	res := b.Owner.post("/a/"+b.Slug+"/quotes", quoteValues(other))
	foreign := strings.TrimPrefix(res.Header.Get("Location"), "/a/"+b.Slug+"/quotes/")
	wantStatus(t, b.Owner.post("/a/"+b.Slug+"/quotes/"+foreign+"/send", nil), http.StatusSeeOther)
	if _, err := f.e.mustTenant(t, b.ID).Write().Exec(`UPDATE quotes SET valid_until = '2026-11-01' WHERE id = ?`, foreign); err != nil {
		t.Fatal(err)
	}
	store := f.e.mustTenant(t, f.a.ID)
	if _, err := store.Write().Exec(`UPDATE quotes SET valid_until = '2026-11-01' WHERE id = ?`, mine); err != nil {
		t.Fatal(err)
	}

	t.Run("the job expires the quote once, with one history entry", func(t *testing.T) {
		for run, want := range []int{1, 0} {
			done, err := store.ExpireQuotes(ctx, "2026-11-02")
			if err != nil || len(done) != want {
				t.Fatalf("run %d: %d expired, want %d (%v)", run+1, len(done), want, err)
			}
		}
		if f.e.caseQuery(t, f.a, `SELECT state || ' ' || (expired_at IS NOT NULL) FROM quotes WHERE id = ?`, mine) != "expired 1" ||
			f.quoteCount(t, "quote_events WHERE quote_id = ? AND kind = 'expired'", mine) != "1" {
			t.Fatal("not expired once")
		}
		if f.e.caseQuery(t, f.a, `SELECT state FROM quotes WHERE id = ?`, theirs) != "sent" {
			t.Fatal("a quote still valid was expired")
		}
		if f.e.caseQuery(t, b, `SELECT state FROM quotes WHERE id = ?`, foreign) != "sent" {
			t.Fatal("another agency's quote was expired by this agency's run")
		}
	})

	t.Run("staff see it expired, with the quote's timeline", func(t *testing.T) {
		page := f.staff.get(f.quotes("/" + mine))
		wantStatus(t, page, http.StatusOK)
		for _, s := range []string{"inv-expired", "Timeline", "drafted the quote", "sent the quote", "Xena Contact opened the quote", "The quote expired", "valid until 2026-11-01"} {
			wantContains(t, page, s)
		}
		wantContains(t, f.staff.get(f.quotes("")), "Expired")
	})

	t.Run("the contact sees it expired, without the agency's drafting", func(t *testing.T) {
		page := f.contact.get(f.portal("/quotes/" + mine))
		wantContains(t, page, "Expired")
		wantContains(t, page, "The quote expired")
		wantContains(t, page, "sent the quote")
		wantLacks(t, page, "drafted the quote")
		wantLacks(t, page, "Accept the quote")
	})

	t.Run("an expired quote is not accepted, declined or chosen, even with its date moved on", func(t *testing.T) {
		if _, err := store.Write().Exec(`UPDATE quotes SET valid_until = '2026-12-31' WHERE id = ?`, mine); err != nil {
			t.Fatal(err)
		}
		before := f.e.caseQuery(t, f.a, `SELECT total || ' ' || updated_at FROM quotes WHERE id = ?`, mine)
		for _, post := range []struct {
			path string
			form url.Values
		}{
			{"/accept", url.Values{"signer_name": {"Xena Contact"}, "agree": {"1"}, "chosen": {"1"}}},
			{"/decline", url.Values{"reason": {"Too late"}}},
			{"/choose", url.Values{"chosen": {"1"}}},
		} {
			res := f.contact.post(f.portal("/quotes/"+mine+post.path), post.form)
			wantStatus(t, res, http.StatusConflict)
			wantContains(t, res, "expired on 2026-12-31")
		}
		if f.quoteCount(t, "quote_acceptances") != "0" || f.e.caseQuery(t, f.a, `SELECT total || ' ' || updated_at FROM quotes WHERE id = ?`, mine) != before ||
			f.e.caseQuery(t, f.a, `SELECT state FROM quotes WHERE id = ?`, mine) != "expired" {
			t.Fatal("an expired quote was answered or changed")
		}
	})

	t.Run("another client's and another agency's quote timelines are not found", func(t *testing.T) {
		wantStatus(t, f.contact.get(f.portal("/quotes/"+theirs)), http.StatusNotFound)
		wantStatus(t, f.contact.get(f.portal("/quotes/"+foreign)), http.StatusNotFound)
		wantStatus(t, f.staff.get(f.quotes("/"+foreign)), http.StatusNotFound)
		if f.quoteCount(t, "quote_events WHERE quote_id = ? AND kind = 'viewed'", theirs) != "0" {
			t.Fatal("another client's quote was marked viewed")
		}
	})
}
