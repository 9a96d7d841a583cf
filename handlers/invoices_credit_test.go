package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A credit note is a credit wherever invoices are listed: never "Overdue"
// or owed, not among the open or overdue ones; its draft keeps the
// currency of the invoice it credits (another is refused with a message,
// nothing saved).
func TestCreditNotesAreCredits(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	b := f.a.Owner
	b.get(f.inv("/new"))
	id := f.mustCreateDraft(t, b, f.invoiceForm("issue_date", "2026-10-01"))
	f.mustIssue(t, b, id)
	res := b.post(f.inv("/"+id+"/credit"), nil)
	wantStatus(t, res, http.StatusSeeOther)
	credit := strings.TrimSuffix(strings.TrimPrefix(res.Header.Get("Location"), f.inv("/")), "/edit")
	b.get(f.inv("/" + credit + "/edit"))

	// Credit the hosting line only (10.89 EUR), in the invoice's currency.
	form := f.invoiceForm("line_description", "Hosting", "line_quantity", "1", "line_price", "9.99", "line_vat", "9", "issue_date", "2026-11-02", "terms_days", "0")
	t.Run("another currency is refused and nothing saved", func(t *testing.T) {
		var before string
		if err := f.tn.Read().QueryRow(`SELECT currency || ' ' || total FROM invoices WHERE id = ?`, credit).Scan(&before); err != nil {
			t.Fatal(err)
		}
		bad, _ := url.ParseQuery(form.Encode())
		bad.Set("currency", "USD")
		res := b.post(f.inv("/"+credit), bad)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "A credit note is in the currency of the invoice it credits (EUR).")
		var after string
		if err := f.tn.Read().QueryRow(`SELECT currency || ' ' || total FROM invoices WHERE id = ?`, credit).Scan(&after); err != nil {
			t.Fatal(err)
		}
		if after != before {
			t.Fatalf("the refused draft saved: %s, was %s", after, before)
		}
	})
	wantStatus(t, b.post(f.inv("/"+credit), form), http.StatusSeeOther)
	f.mustIssue(t, b, credit)
	// Past its own due date, a credit note is still just a credit.
	if _, err := f.tn.Write().Exec(`UPDATE invoices SET due_date = '2026-10-05' WHERE id = ?`, credit); err != nil {
		t.Fatal(err)
	}

	list := b.get(f.inv(""))
	wantStatus(t, list, http.StatusOK)
	row := rowOf(t, list.Body, credit)
	if !strings.Contains(row, "Credit note") || !strings.Contains(row, "credit 10.89 EUR") || strings.Contains(row, "Overdue") {
		t.Fatalf("credit note row: %s", row)
	}
	if row := rowOf(t, list.Body, id); !strings.Contains(row, "Overdue") || !strings.Contains(row, "181.50 EUR") {
		t.Fatalf("the credited invoice's row: %s", row)
	}
	for _, status := range []string{"open", "overdue"} {
		res := b.get(f.inv("?status=" + status))
		wantStatus(t, res, http.StatusOK)
		if strings.Contains(res.Body, f.inv("/"+credit)) {
			t.Errorf("the credit note is listed among the %s invoices", status)
		}
		if !strings.Contains(res.Body, f.inv("/"+id)) {
			t.Errorf("the credited invoice is not among the %s invoices", status)
		}
	}
	page := b.get(f.inv("/" + credit))
	wantNotContains(t, page, "Overdue")
	wantNotContains(t, page, "Record a payment")
}

// rowOf is the table row of the list that links to id.
func rowOf(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, "/invoices/"+id+`"`)
	if i < 0 {
		t.Fatalf("no row for %s", id)
	}
	start := strings.LastIndex(body[:i], "<tr>")
	end := strings.Index(body[i:], "</tr>")
	return body[start : i+end]
}

// Line amounts read like totals: thousands grouped, the same formatter.
func TestInvoiceLineAmountsFormattedLikeTotals(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	b := f.a.Owner
	b.get(f.inv("/new"))
	id := f.mustCreateDraft(t, b, f.invoiceForm("line_description", "Retainer", "line_quantity", "1", "line_price", "1261.50", "line_vat", "0"))
	page := b.get(f.inv("/" + id))
	wantContains(t, page, "1,261.50")
	wantNotContains(t, page, ">1261.50<")
}
