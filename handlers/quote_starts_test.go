package handlers_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestPortalQuoteAcceptanceStarts: the editor stores what acceptance
// starts (refusing a schedule without recurring lines, nothing written);
// acceptances posted at once by the contact (a double submit, two tabs)
// accept the quote once and start everything once: one deposit invoice,
// issued and numbered, on the staff list and in the portal, its contacts
// emailed; one case opened at the chosen status; one recurring invoice;
// the quote's pages link them.
func TestPortalQuoteAcceptanceStarts(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	starts := []string{"start_deposit", "1", "start_case_status", "in_progress", "start_recurring", "monthly", "line_recurring", "0|1"}

	t.Run("a schedule without recurring lines is 422 and writes nothing", func(t *testing.T) {
		before := f.quoteCount(t, "quotes")
		res := f.staff.post(f.quotes(""), quoteValues(f.x, "start_recurring", "monthly"))
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Mark the lines billed on the schedule as recurring")
		if n := f.quoteCount(t, "quotes"); n != before {
			t.Fatalf("%s quotes, then %s", before, n)
		}
	})

	id := f.mustSentQuote(t, f.x, starts...)
	wantContains(t, f.staff.get(f.quotes("/"+id)), "Issue the deposit invoice")
	code := f.mustQuoteCode(t, id)
	counts := func() (n [4]int) { // invoices, cases, schedules, acceptances
		for j, table := range []string{"invoices", "cases", "recurring_invoices", "quote_acceptances"} {
			n[j], _ = strconv.Atoi(f.quoteCount(t, table))
		}
		return n
	}
	before := counts()
	form := url.Values{"signer_name": {"Xena Contact"}, "agree": {"1"}, "chosen": {"1"}, "code": {code}, "_csrf": {f.contact.csrf}}.Encode()
	cookies := f.contact.jar.Cookies(baseURL)
	statuses := make([]int, 6)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Add(1)
		go func() { // each request alone: a browser's helpers are not for goroutines
			defer wg.Done()
			req := httptest.NewRequest("POST", f.portal("/quotes/"+id+"/accept"), strings.NewReader(form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for _, ck := range cookies {
				req.AddCookie(ck)
			}
			res, err := f.e.app.Test(req, -1)
			if err != nil {
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			statuses[i] = res.StatusCode
		}()
	}
	wg.Wait()
	accepted := 0
	for _, s := range statuses {
		switch s {
		case http.StatusSeeOther:
			accepted++
		case http.StatusConflict, http.StatusUnprocessableEntity:
		default:
			t.Fatalf("statuses %v", statuses)
		}
	}
	if accepted != 1 {
		t.Fatalf("statuses %v: want one acceptance", statuses)
	}
	if after := counts(); after != [4]int{before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 1} {
		t.Fatalf("rows %v, then %v: want one more invoice, case, schedule and acceptance", before, after)
	}

	deposit := f.e.caseQuery(t, f.a, `SELECT deposit_invoice_id FROM quotes WHERE id = ?`, id)
	number := f.e.caseQuery(t, f.a, `SELECT number FROM invoices WHERE id = ? AND status = 'issued' AND client_id = ?`, deposit, f.x)
	if number == "" {
		t.Fatal("the deposit invoice is not issued for the client")
	}
	if total := f.e.caseQuery(t, f.a, `SELECT total FROM invoices WHERE id = ?`, deposit); total != "4356" { // 30 % of 145.20
		t.Fatalf("deposit total %s", total)
	}
	if st := f.e.caseQuery(t, f.a, `SELECT c.status FROM cases c JOIN quotes q ON q.started_case_id = c.id WHERE q.id = ?`, id); st != "in_progress" {
		t.Fatalf("case status %q", st)
	}
	wantContains(t, f.staff.get("/a/"+f.a.Slug+"/invoices"), number)
	wantContains(t, f.contact.get(f.portal("/invoices")), number)
	wantContains(t, f.contact.get(f.portal("/quotes/"+id)), f.portal("/invoices/"+deposit))
	wantContains(t, f.staff.get(f.quotes("/"+id)), "/a/"+f.a.Slug+"/invoices/"+deposit)
	f.e.flushMail(t)
	told := 0
	for _, m := range f.e.smtp.Messages() {
		if len(m.To) == 1 && m.To[0] == f.contactEmail && strings.Contains(m.Subject, "New invoice "+number) {
			told++
		}
	}
	if told != 1 {
		t.Fatalf("the contact was told of %s %d times", number, told)
	}
}
