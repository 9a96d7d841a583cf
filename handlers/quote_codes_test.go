package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"mintedmind/db/tenant"
)

var mailedCode = regexp.MustCompile(`(?m)^(\d{6})$`)

// mustQuoteCode asks for a signing code on quote id as the contact and
// returns the code from the email the in-process SMTP server received.
func (f *portalFixture) mustQuoteCode(t *testing.T, id string) string {
	t.Helper()
	before := len(f.e.smtp.Messages())
	res := f.contact.post(f.portal("/quotes/"+id+"/code"), url.Values{"signer_name": {"Xena Contact"}, "chosen": {"1"}})
	wantStatus(t, res, http.StatusSeeOther)
	f.e.flushMail(t)
	label := f.e.caseQuery(t, f.a, `SELECT number || CASE WHEN version > 1 THEN ' v' || version ELSE '' END FROM quotes WHERE id = ?`, id)
	msgs := f.e.smtp.Messages()
	for i := len(msgs) - 1; i >= before; i-- {
		m := msgs[i]
		if len(m.To) == 1 && m.To[0] == f.contactEmail && m.Subject == "Your code to sign "+label {
			if c := mailedCode.FindStringSubmatch(m.Body); c != nil {
				return c[1]
			}
			t.Fatalf("no code in the email:\n%s", m.Body)
		}
	}
	t.Fatalf("no code email for %s among %d new messages", label, len(msgs)-before)
	return ""
}

// quoteState is what a refused acceptance must leave as it was: the
// quote's state and totals, its acceptances, signed documents, history,
// codes used and audit entries.
func (f *portalFixture) quoteState(t *testing.T, id string) string {
	t.Helper()
	return f.e.caseQuery(t, f.a, `SELECT state || '/' || total || '/' || (SELECT COUNT(*) FROM quote_acceptances) || '/' || (SELECT COUNT(*) FROM signed_documents) || '/' ||
		(SELECT COUNT(*) FROM quote_events) || '/' || (SELECT COUNT(*) FROM quote_codes WHERE used_at IS NOT NULL) || '/' || (SELECT COUNT(*) FROM audit_log)
		FROM quotes WHERE id = ?`, id)
}

// TestPortalQuoteCodes: accepting a quote needs the six-digit code emailed
// to the signer (through the outbox, to the in-process SMTP server); a
// missing, wrong, expired, used or other quote's code is 422 with its
// message and changes nothing; another client's quote is 404 for asking
// and for accepting, and sends nothing; asking too often is 429.
func TestPortalQuoteCodes(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	form := func(code string) url.Values {
		return url.Values{"signer_name": {"Xena Contact"}, "agree": {"1"}, "chosen": {"1"}, "code": {code}}
	}
	refused := func(t *testing.T, id, code, msg string) {
		t.Helper()
		before := f.quoteState(t, id)
		res := f.contact.post(f.portal("/quotes/"+id+"/accept"), form(code))
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, msg)
		if after := f.quoteState(t, id); after != before {
			t.Fatalf("a refused code changed the database: %s → %s", before, after)
		}
	}

	t.Run("the code is emailed to the signer and accepts the quote once", func(t *testing.T) {
		id := f.mustSentQuote(t, f.x)
		wantContains(t, f.contact.get(f.portal("/quotes/"+id)), "Email me a code")
		code := f.mustQuoteCode(t, id)
		page := f.contact.get(f.portal("/quotes/" + id))
		wantContains(t, page, "We emailed a code to "+f.contactEmail)
		if n := f.quoteCount(t, "quote_events WHERE quote_id = ? AND kind = 'code_sent'", id); n != "1" {
			t.Fatalf("%s code_sent events", n)
		}
		if h := f.e.caseQuery(t, f.a, `SELECT code_hash FROM quote_codes WHERE quote_id = ?`, id); strings.Contains(h, code) || len(h) != 64 {
			t.Fatalf("the code is not stored hashed: %q", h)
		}
		wantStatus(t, f.contact.post(f.portal("/quotes/"+id+"/accept"), form(code)), http.StatusSeeOther)
		if s := f.e.caseQuery(t, f.a, `SELECT state FROM quotes WHERE id = ?`, id); s != tenant.QuoteAccepted {
			t.Fatalf("state %s", s)
		}
		before := f.quoteState(t, id)
		res := f.contact.post(f.portal("/quotes/"+id+"/accept"), form(code))
		wantStatus(t, res, http.StatusConflict)
		wantContains(t, res, "already accepted")
		if f.quoteState(t, id) != before {
			t.Fatal("a second acceptance with the used code changed the database")
		}
	})

	t.Run("no code, a wrong code and another quote's code are 422 and change nothing", func(t *testing.T) {
		id, other := f.mustSentQuote(t, f.x), f.mustSentQuote(t, f.x)
		otherCode := f.mustQuoteCode(t, other)
		refused(t, id, "", "Type the six-digit code")
		refused(t, id, otherCode, "That code is wrong, used or expired")
		code := f.mustQuoteCode(t, id)
		wrong := "000000"
		if code == wrong {
			wrong = "000001"
		}
		refused(t, id, wrong, "That code is wrong, used or expired")
		refused(t, id, otherCode, "That code is wrong, used or expired")
		wantStatus(t, f.contact.post(f.portal("/quotes/"+id+"/accept"), form(code)), http.StatusSeeOther)
	})

	t.Run("an expired code is 422 and changes nothing", func(t *testing.T) {
		id := f.mustSentQuote(t, f.x)
		code := f.mustQuoteCode(t, id)
		f.e.clock.Advance(tenant.QuoteCodeTTL + 1e9)
		refused(t, id, code, "That code is wrong, used or expired")
	})

	t.Run("another client's quote is 404 for asking and accepting, and nothing is sent", func(t *testing.T) {
		theirs := f.mustSentQuote(t, f.y)
		f.e.flushMail(t)
		mails := len(f.e.smtp.Messages())
		before := f.quoteState(t, theirs)
		wantStatus(t, f.contact.post(f.portal("/quotes/"+theirs+"/code"), url.Values{}), http.StatusNotFound)
		wantStatus(t, f.contact.post(f.portal("/quotes/"+theirs+"/accept"), form("123456")), http.StatusNotFound)
		f.e.flushMail(t)
		if f.quoteState(t, theirs) != before || f.quoteCount(t, "quote_codes WHERE quote_id = ?", theirs) != "0" || len(f.e.smtp.Messages()) != mails {
			t.Fatal("another client's quote got a code or changed")
		}
	})

	t.Run("asking too often is 429 with its message", func(t *testing.T) {
		f.e.clock.Advance(tenant.QuoteCodeWindow)
		id := f.mustSentQuote(t, f.x)
		for range tenant.QuoteCodesPerQuote {
			f.mustQuoteCode(t, id)
		}
		res := f.contact.post(f.portal("/quotes/"+id+"/code"), url.Values{})
		wantStatus(t, res, http.StatusTooManyRequests)
		wantContains(t, res, "Too many codes asked for")
		if n := f.quoteCount(t, "quote_codes WHERE quote_id = ?", id); n != "5" {
			t.Fatalf("%s codes stored", n)
		}
	})
}
