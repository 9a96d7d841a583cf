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
