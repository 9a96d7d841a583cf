package handlers_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mintedmind/db/tenant"
)

// quoteValues is a valid quote form for client: Design 2 × 50.00 at 21 %
// with 10 % off, and an optional Hosting 1 × 30.00 at 21 %.
func quoteValues(client string, kv ...string) url.Values {
	v := url.Values{"client_id": {client}, "currency": {"EUR"}, "valid_until": {"2026-12-31"}, "terms": {"Half up front."},
		"deposit_kind": {"percent"}, "deposit_value": {"30"},
		"line_description": {"Design", "Hosting"}, "line_quantity": {"2", "1"}, "line_price": {"50", "30"}, "line_vat": {"21", "21"},
		"line_discount": {"10", "0"}, "line_optional": {"0", "1"}}
	for i := 0; i+1 < len(kv); i += 2 {
		v[kv[i]] = strings.Split(kv[i+1], "|")
	}
	return v
}

func (f *portalFixture) quotes(rest string) string { return "/a/" + f.a.Slug + "/quotes" + rest }

// mustQuoteDraft posts the editor as b and returns the draft's id.
func (f *portalFixture) mustQuoteDraft(t *testing.T, b *browser, form url.Values) string {
	t.Helper()
	res := b.post(f.quotes(""), form)
	wantStatus(t, res, http.StatusSeeOther)
	return strings.TrimPrefix(res.Header.Get("Location"), f.quotes("/"))
}

func (f *portalFixture) mustSentQuote(t *testing.T, client string, kv ...string) string {
	t.Helper()
	id := f.mustQuoteDraft(t, f.staff, quoteValues(client, kv...))
	wantStatus(t, f.staff.post(f.quotes("/"+id+"/send"), nil), http.StatusSeeOther)
	return id
}

func (f *portalFixture) quoteCount(t *testing.T, where string, args ...any) string {
	t.Helper()
	return f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM `+where, args...)
}

func TestQuoteStaffPages(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)

	t.Run("bad input is 422 with its message and writes nothing", func(t *testing.T) {
		for field, form := range map[string]url.Values{
			"Discount":     quoteValues(f.x, "line_discount", "10|150"),
			"valid until":  quoteValues(f.x, "valid_until", "someday"),
			"Quantity":     quoteValues(f.x, "line_quantity", "two|1"),
			"not optional": quoteValues(f.x, "line_optional", "1|1"),
		} {
			res := f.staff.post(f.quotes(""), form)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, field)
		}
		if n := f.quoteCount(t, "quotes"); n != "0" {
			t.Fatalf("%s quotes written", n)
		}
	})

	t.Run("send numbers the quote; a sent quote is never edited; a revision is v2", func(t *testing.T) {
		id := f.mustQuoteDraft(t, f.staff, quoteValues(f.x))
		wantStatus(t, f.staff.get(f.quotes("/"+id+"/edit")), http.StatusOK)
		wantContains(t, f.staff.get(f.quotes("/"+id)), "108.90 EUR")
		wantStatus(t, f.staff.post(f.quotes("/"+id+"/send"), nil), http.StatusSeeOther)
		number := f.e.caseQuery(t, f.a, `SELECT number FROM quotes WHERE id = ?`, id)
		if number != "Q-2026-0001" {
			t.Fatalf("number %q", number)
		}
		wantStatus(t, f.staff.get(f.quotes("/"+id+"/edit")), http.StatusConflict)
		res := f.staff.post(f.quotes("/"+id), quoteValues(f.x, "line_price", "1|1"))
		wantStatus(t, res, http.StatusConflict)
		if p := f.e.caseQuery(t, f.a, `SELECT unit_price FROM quote_lines WHERE quote_id = ? AND position = 0`, id); p != "5000" {
			t.Fatalf("a sent quote's line changed to %s", p)
		}
		res = f.staff.post(f.quotes("/"+id+"/revise"), nil)
		wantStatus(t, res, http.StatusSeeOther)
		v2 := strings.TrimSuffix(strings.TrimPrefix(res.Header.Get("Location"), f.quotes("/")), "/edit")
		wantStatus(t, f.staff.post(f.quotes("/"+v2), quoteValues(f.x, "line_price", "60|30")), http.StatusSeeOther)
		wantStatus(t, f.staff.post(f.quotes("/"+v2+"/send"), nil), http.StatusSeeOther)
		page := f.staff.get(f.quotes("/" + v2))
		wantContains(t, page, "Q-2026-0001 v2")
		old := f.staff.get(f.quotes("/" + id))
		wantStatus(t, old, http.StatusOK)
		wantContains(t, old, "replaced by a later version")
		wantContains(t, old, "108.90 EUR")
		pdf := f.staff.get(f.quotes("/" + v2 + "/pdf"))
		wantStatus(t, pdf, http.StatusOK)
		if !strings.HasPrefix(pdf.Body, "%PDF") || !strings.Contains(pdf.Header.Get("Content-Disposition"), "Q-2026-0001-v2.pdf") {
			t.Fatalf("pdf %q", pdf.Header.Get("Content-Disposition"))
		}
		wantContains(t, f.staff.get(f.quotes("")), "Q-2026-0001 v2")
	})

	t.Run("withdraw, and a withdrawn quote is not accepted", func(t *testing.T) {
		id := f.mustSentQuote(t, f.x)
		wantStatus(t, f.staff.post(f.quotes("/"+id+"/withdraw"), nil), http.StatusSeeOther)
		res := f.contact.post(f.portal("/quotes/"+id+"/accept"), url.Values{"signer_name": {"Xena Contact"}, "agree": {"1"}})
		wantStatus(t, res, http.StatusConflict)
		wantContains(t, res, "withdrawn")
		if n := f.quoteCount(t, "quote_acceptances WHERE quote_id = ?", id); n != "0" {
			t.Fatal("a withdrawn quote was accepted")
		}
	})

	t.Run("another agency's quote is not found", func(t *testing.T) {
		b := f.e.mustSignup(t, "quote-other")
		other := f.e.mustCaseClient(t, b, "Other Ltd", "")
		res := b.Owner.post("/a/"+b.Slug+"/quotes", quoteValues(other))
		wantStatus(t, res, http.StatusSeeOther)
		foreign := strings.TrimPrefix(res.Header.Get("Location"), "/a/"+b.Slug+"/quotes/")
		for _, p := range []string{"", "/edit", "/pdf"} {
			wantStatus(t, f.staff.get(f.quotes("/"+foreign+p)), http.StatusNotFound)
		}
		wantStatus(t, f.staff.post(f.quotes("/"+foreign+"/send"), nil), http.StatusNotFound)
		wantStatus(t, f.contact.get(f.portal("/quotes/"+foreign)), http.StatusNotFound)
	})
}

func TestPortalQuotes(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	mine := f.mustSentQuote(t, f.x)
	theirs := f.mustSentQuote(t, f.y, "terms", "Yarrow secret terms")
	draft := f.mustQuoteDraft(t, f.staff, quoteValues(f.x, "terms", "Draft only terms"))

	t.Run("the contact sees their client's sent quotes on the home page and the list", func(t *testing.T) {
		home := f.contact.get(f.portal(""))
		wantContains(t, home, "Quotes to answer")
		wantContains(t, home, "/portal/quotes/"+mine)
		list := f.contact.get(f.portal("/quotes"))
		wantContains(t, list, "/portal/quotes/"+mine)
		wantLacks(t, list, theirs)
		wantLacks(t, list, draft)
	})

	t.Run("another client's quote and a draft are not found, and nothing changes", func(t *testing.T) {
		for _, id := range []string{theirs, draft} {
			wantStatus(t, f.contact.get(f.portal("/quotes/"+id)), http.StatusNotFound)
			wantStatus(t, f.contact.get(f.portal("/quotes/"+id+"/pdf")), http.StatusNotFound)
			wantStatus(t, f.contact.post(f.portal("/quotes/"+id+"/choose"), url.Values{"chosen": {"1"}}), http.StatusNotFound)
			wantStatus(t, f.contact.post(f.portal("/quotes/"+id+"/accept"), url.Values{"signer_name": {"X"}, "agree": {"1"}}), http.StatusNotFound)
			wantStatus(t, f.contact.post(f.portal("/quotes/"+id+"/decline"), url.Values{"reason": {"no"}}), http.StatusNotFound)
		}
		if f.e.caseQuery(t, f.a, `SELECT state || total FROM quotes WHERE id = ?`, theirs) != "sent10890" {
			t.Fatal("another client's quote changed")
		}
		if n := f.quoteCount(t, "quote_acceptances"); n != "0" {
			t.Fatal("an acceptance was stored")
		}
	})

	t.Run("opening marks it viewed; ticking the optional line recomputes the total in cents without script", func(t *testing.T) {
		res := f.contact.get(f.portal("/quotes/" + mine))
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "108.90 EUR")
		if s := f.e.caseQuery(t, f.a, `SELECT state FROM quotes WHERE id = ?`, mine); s != "viewed" {
			t.Fatalf("state %s", s)
		}
		// The browser sends a made-up total: the server ignores it.
		wantStatus(t, f.contact.post(f.portal("/quotes/"+mine+"/choose"), url.Values{"chosen": {"1"}, "total": {"1"}}), http.StatusSeeOther)
		res = f.contact.get(f.portal("/quotes/" + mine))
		wantContains(t, res, "145.20 EUR") // 90.00 + 30.00 net, VAT 25.20
		wantContains(t, res, "43.56 EUR")  // the 30 % deposit
		if tot := f.e.caseQuery(t, f.a, `SELECT total FROM quotes WHERE id = ?`, mine); tot != "14520" {
			t.Fatalf("total %s", tot)
		}
	})

	t.Run("accepting without a name or the agreement is 422 and changes nothing", func(t *testing.T) {
		res := f.contact.post(f.portal("/quotes/"+mine+"/accept"), url.Values{"signer_name": {"  "}, "chosen": {"1"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Type your full name")
		wantContains(t, res, "Tick the box")
		if f.e.caseQuery(t, f.a, `SELECT state FROM quotes WHERE id = ?`, mine) != "viewed" || f.quoteCount(t, "quote_acceptances") != "0" {
			t.Fatal("a refused acceptance changed the quote")
		}
	})

	t.Run("accepting stores the signer and the document hash; twice is refused", func(t *testing.T) {
		form := url.Values{"signer_name": {"Xena Contact"}, "agree": {"1"}, "chosen": {"1"}, "code": {f.mustQuoteCode(t, mine)}}
		wantStatus(t, f.contact.post(f.portal("/quotes/"+mine+"/accept"), form), http.StatusSeeOther)
		tn := f.e.mustTenant(t, f.a.ID)
		q, err := tn.Quote(t.Context(), tenant.Viewer{}, mine)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(tenant.QuoteDocument(q))
		if q.State != tenant.QuoteAccepted || q.Acceptance == nil || q.Acceptance.SignerName != "Xena Contact" || q.Acceptance.Total != 14520 ||
			q.Acceptance.DocumentSHA256 != hex.EncodeToString(sum[:]) || q.Acceptance.SignerEmail != f.contactEmail {
			t.Fatalf("accepted %+v %+v", q, q.Acceptance)
		}
		res := f.contact.post(f.portal("/quotes/"+mine+"/accept"), form)
		wantStatus(t, res, http.StatusConflict)
		wantContains(t, res, "already accepted")
		if n := f.quoteCount(t, "quote_acceptances WHERE quote_id = ?", mine); n != "1" {
			t.Fatalf("%s acceptances", n)
		}
		staffPage := f.staff.get(f.quotes("/" + mine))
		wantContains(t, staffPage, q.Acceptance.DocumentSHA256)
		wantContains(t, staffPage, "accepted")
		if n := f.quoteCount(t, "audit_log WHERE action = 'quote.accepted' AND target = ?", mine); n != "1" {
			t.Fatalf("%s audit entries", n)
		}
	})

	t.Run("declining needs a reason", func(t *testing.T) {
		id := f.mustSentQuote(t, f.x)
		res := f.contact.post(f.portal("/quotes/"+id+"/decline"), url.Values{"reason": {" "}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "why you decline")
		wantStatus(t, f.contact.post(f.portal("/quotes/"+id+"/decline"), url.Values{"reason": {"Too dear"}}), http.StatusSeeOther)
		if s := f.e.caseQuery(t, f.a, `SELECT state || ':' || decline_reason FROM quotes WHERE id = ?`, id); s != "declined:Too dear" {
			t.Fatalf("state %s", s)
		}
	})
}

func TestPortalQuoteExpired(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	id := f.mustSentQuote(t, f.x)
	// Its validity date passes (the clock's day is 2 November; moving the
	// clock days on would end the contact's session).
	if _, err := f.e.mustTenant(t, f.a.ID).Write().Exec(`UPDATE quotes SET valid_until = '2026-11-01' WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
	page := f.contact.get(f.portal("/quotes/" + id))
	wantContains(t, page, "Expired")
	wantLacks(t, page, "Accept the quote")
	res := f.contact.post(f.portal("/quotes/"+id+"/accept"), url.Values{"signer_name": {"Xena Contact"}, "agree": {"1"}, "chosen": {"1"}})
	wantStatus(t, res, http.StatusConflict)
	wantContains(t, res, "expired")
	if f.quoteCount(t, "quote_acceptances") != "0" || f.e.caseQuery(t, f.a, `SELECT total FROM quotes WHERE id = ?`, id) != "10890" {
		t.Fatal("an expired quote was accepted or changed")
	}
}
