package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// The recurring list shows each schedule's total from its lines, in the
// money format of every other total.
func TestRecurringListShowsTotals(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	b := f.a.Owner
	base := "/a/" + f.a.Slug + "/recurring"
	b.get(base + "/new")
	wantStatus(t, b.post(base, f.recurringForm()), http.StatusSeeOther)
	wantStatus(t, b.post(base, f.recurringForm("line_description", "Retainer", "line_quantity", "1", "line_price", "1500", "line_vat", "21")), http.StatusSeeOther)
	list := b.get(base)
	wantStatus(t, list, http.StatusOK)
	wantContains(t, list, "192.39 EUR")
	wantContains(t, list, "1,815.00 EUR")
	if strings.Contains(list.Body, "0.00 EUR") {
		t.Fatal("a schedule's total reads 0.00")
	}
}

// A schedule that starts today issues its first invoice when it is saved,
// not at the next hourly run; one that starts later issues nothing yet.
func TestRecurringStartingTodayIssuesAtOnce(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	b := f.a.Owner
	base := "/a/" + f.a.Slug + "/recurring"
	b.get(base + "/new")
	count := func(id string) int {
		var n int
		if err := f.tn.Read().QueryRow(`SELECT COUNT(*) FROM invoices WHERE recurring_id = ? AND status = 'issued'`, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	later := b.post(base, f.recurringForm("start_date", "2026-11-20"))
	wantStatus(t, later, http.StatusSeeOther)
	if n := count(strings.TrimPrefix(later.Header.Get("Location"), base+"/")); n != 0 {
		t.Fatalf("a schedule starting later issued %d invoices", n)
	}
	res := b.post(base, f.recurringForm("start_date", "2026-11-02"))
	wantStatus(t, res, http.StatusSeeOther)
	id := strings.TrimPrefix(res.Header.Get("Location"), base+"/")
	if n := count(id); n != 1 {
		t.Fatalf("a schedule starting today issued %d invoices, want 1", n)
	}
	wantContains(t, b.get(res.Header.Get("Location")), "its first invoice issued")
}
