package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestQuoteNavigationDeleteAndTotalDiscount(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)

	t.Run("staff and portal navigation link to the quotes", func(t *testing.T) {
		wantContains(t, f.staff.get(f.quotes("")), `href="/a/`+f.a.Slug+`/quotes" aria-current="page"`)
		wantContains(t, f.contact.get(f.portal("")), `href="/a/`+f.a.Slug+`/portal/quotes"`)
	})

	t.Run("a draft is deleted after the confirmation; a sent quote is not", func(t *testing.T) {
		id := f.mustQuoteDraft(t, f.staff, quoteValues(f.x))
		ask := f.staff.get(f.quotes("/" + id + "/delete"))
		wantStatus(t, ask, http.StatusOK)
		wantContains(t, ask, "Delete this quote draft")
		if n := f.quoteCount(t, "quotes WHERE id = ?", id); n != "1" {
			t.Fatal("asking deleted the draft")
		}
		wantStatus(t, f.staff.post(f.quotes("/"+id+"/delete"), nil), http.StatusSeeOther)
		if n := f.quoteCount(t, "quotes WHERE id = ?", id) + f.quoteCount(t, "quote_lines WHERE quote_id = ?", id); n != "00" {
			t.Fatalf("draft left behind: %s", n)
		}
		if n := f.quoteCount(t, "audit_log WHERE action = 'quote.draft_deleted'"); n != "1" {
			t.Fatalf("%s audit entries", n)
		}
		sent := f.mustSentQuote(t, f.x)
		wantStatus(t, f.staff.get(f.quotes("/"+sent+"/delete")), http.StatusConflict)
		res := f.staff.post(f.quotes("/"+sent+"/delete"), nil)
		wantStatus(t, res, http.StatusConflict)
		wantContains(t, res, "never deleted")
		if n := f.quoteCount(t, "quotes WHERE id = ?", sent); n != "1" {
			t.Fatal("a sent quote was deleted")
		}
	})

	t.Run("another agency's draft is not found and stays", func(t *testing.T) {
		b := f.e.mustSignup(t, "quote-delete-other")
		other := f.e.mustCaseClient(t, b, "Other Ltd", "")
		res := b.Owner.post("/a/"+b.Slug+"/quotes", quoteValues(other))
		wantStatus(t, res, http.StatusSeeOther)
		foreign := strings.TrimPrefix(res.Header.Get("Location"), "/a/"+b.Slug+"/quotes/")
		wantStatus(t, f.staff.get(f.quotes("/"+foreign+"/delete")), http.StatusNotFound)
		wantStatus(t, f.staff.post(f.quotes("/"+foreign+"/delete"), nil), http.StatusNotFound)
		if n := f.e.caseQuery(t, b, `SELECT COUNT(*) FROM quotes WHERE id = ?`, foreign); n != "1" {
			t.Fatal("another agency's draft was deleted")
		}
	})

	t.Run("a discount on the total comes off each VAT rate's net", func(t *testing.T) {
		// Design 90.00 after its 10 %; 10 % off the total: 81.00, VAT 17.01.
		id := f.mustQuoteDraft(t, f.staff, quoteValues(f.x, "discount", "10"))
		if tot := f.e.caseQuery(t, f.a, `SELECT discount_bp || ':' || total FROM quotes WHERE id = ?`, id); tot != "1000:9801" {
			t.Fatalf("stored %s", tot)
		}
		page := f.staff.get(f.quotes("/" + id))
		wantContains(t, page, "98.01 EUR")
		wantContains(t, page, "Discount 10% on the total")
		wantContains(t, f.staff.get(f.quotes("/"+id+"/edit")), `value="10"`)
		res := f.staff.post(f.quotes(""), quoteValues(f.x, "discount", "120"))
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Discount on the total")
	})
}

func TestQuoteLiveTotalAndQuestions(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	mine := f.mustSentQuote(t, f.x)
	theirs := f.mustSentQuote(t, f.y)

	t.Run("ticking an optional line with htmx answers the lines and totals computed on the server", func(t *testing.T) {
		page := f.contact.get(f.portal("/quotes/" + mine))
		wantContains(t, page, `hx-post="/a/`+f.a.Slug+`/portal/quotes/`+mine+`/choose"`)
		f.contact.headers["HX-Request"] = "true"
		res := f.contact.post(f.portal("/quotes/"+mine+"/choose"), url.Values{"chosen": {"1"}, "total": {"1"}})
		delete(f.contact.headers, "HX-Request")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "145.20 EUR")
		wantLacks(t, res, "<html")
		// Without script the button posts, and the page after the redirect agrees.
		wantStatus(t, f.contact.post(f.portal("/quotes/"+mine+"/choose"), url.Values{}), http.StatusSeeOther)
		wantContains(t, f.contact.get(f.portal("/quotes/"+mine)), "108.90 EUR")
	})

	t.Run("a question reaches the quote's author by email and the answer reaches the contact", func(t *testing.T) {
		wantStatus(t, f.contact.post(f.portal("/quotes/"+mine+"/questions"), url.Values{"body": {"Is hosting monthly?"}}), http.StatusSeeOther)
		f.e.flushMail(t)
		msg := f.e.smtp.WaitFor(t, f.staffEmail, 5*time.Second)
		if !strings.Contains(msg.Body, "Is hosting monthly?") || !strings.Contains(msg.Body, "/quotes/"+mine) {
			t.Fatalf("question email:\n%s", msg.Body)
		}
		wantContains(t, f.staff.get(f.quotes("/"+mine)), "Is hosting monthly?")
		wantStatus(t, f.staff.post(f.quotes("/"+mine+"/answers"), url.Values{"body": {"Yes, billed monthly."}}), http.StatusSeeOther)
		f.e.flushMail(t)
		msg = f.e.smtp.WaitFor(t, f.contactEmail, 5*time.Second)
		if !strings.Contains(msg.Body, "Yes, billed monthly.") || !strings.Contains(msg.Body, "/portal/quotes/"+mine) {
			t.Fatalf("answer email:\n%s", msg.Body)
		}
		page := f.contact.get(f.portal("/quotes/" + mine))
		wantContains(t, page, "Is hosting monthly?")
		wantContains(t, page, "Yes, billed monthly.")
		if n := f.quoteCount(t, "quote_events WHERE quote_id = ? AND kind IN ('asked', 'answered')", mine); n != "2" {
			t.Fatalf("%s history entries", n)
		}
	})

	t.Run("an empty question is 422 with its message and writes nothing", func(t *testing.T) {
		res := f.contact.post(f.portal("/quotes/"+mine+"/questions"), url.Values{"body": {"   "}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Write your message first.")
		if n := f.quoteCount(t, "quote_messages"); n != "2" {
			t.Fatalf("%s messages", n)
		}
	})

	t.Run("another client's quote, a draft and another agency's quote are not found and get no message", func(t *testing.T) {
		draft := f.mustQuoteDraft(t, f.staff, quoteValues(f.x))
		for _, id := range []string{theirs, draft} {
			wantStatus(t, f.contact.post(f.portal("/quotes/"+id+"/questions"), url.Values{"body": {"Hello?"}}), http.StatusNotFound)
		}
		b := f.e.mustSignup(t, "quote-questions-other")
		other := f.e.mustCaseClient(t, b, "Other Ltd", "")
		res := b.Owner.post("/a/"+b.Slug+"/quotes", quoteValues(other))
		foreign := strings.TrimPrefix(res.Header.Get("Location"), "/a/"+b.Slug+"/quotes/")
		wantStatus(t, b.Owner.post("/a/"+b.Slug+"/quotes/"+foreign+"/send", nil), http.StatusSeeOther)
		wantStatus(t, f.staff.post(f.quotes("/"+foreign+"/answers"), url.Values{"body": {"Hi"}}), http.StatusNotFound)
		wantStatus(t, f.contact.post(f.portal("/quotes/"+foreign+"/questions"), url.Values{"body": {"Hi"}}), http.StatusNotFound)
		if n := f.quoteCount(t, "quote_messages"); n != "2" {
			t.Fatalf("%s messages", n)
		}
		if n := f.e.caseQuery(t, b, `SELECT COUNT(*) FROM quote_messages`); n != "0" {
			t.Fatalf("another agency's quote got %s messages", n)
		}
	})
}
