package handlers_test

import (
	"net/http"
	"net/url"
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

// "End after this period" stops a schedule with the invoices it made; a
// schedule that never issued can be deleted, one that did cannot (409,
// nothing changed).
func TestRecurringEndAndDelete(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	b := f.a.Owner
	base := "/a/" + f.a.Slug + "/recurring"
	b.get(base + "/new")
	create := func(start string) string {
		res := b.post(base, f.recurringForm("start_date", start))
		wantStatus(t, res, http.StatusSeeOther)
		return strings.TrimPrefix(res.Header.Get("Location"), base+"/")
	}
	state := func(id string) string {
		var s string
		if err := f.tn.Read().QueryRow(`SELECT status || ' ' || next_index || ' ' || (SELECT COUNT(*) FROM invoices WHERE recurring_id = r.id) FROM recurring_invoices r WHERE id = ?`, id).Scan(&s); err != nil {
			return "gone"
		}
		return s
	}
	issued := create("2026-11-02") // issues its first invoice at once
	b.get(base + "/" + issued)
	res := b.post(base+"/"+issued+"/delete", nil)
	wantStatus(t, res, http.StatusConflict)
	wantContains(t, res, "end it instead")
	if got := state(issued); got != "active 1 1" {
		t.Fatalf("a refused delete changed it: %s", got)
	}
	wantStatus(t, b.post(base+"/"+issued+"/end", nil), http.StatusSeeOther)
	if got := state(issued); got != "ended 1 1" {
		t.Fatalf("after ending: %s", got)
	}
	wantStatus(t, b.post(base+"/"+issued+"/end", nil), http.StatusConflict)

	never := create("2026-12-15")
	page := b.get(base + "/" + never)
	wantContains(t, page, "Delete (it never issued)")
	res = b.post(base+"/"+never+"/delete", nil)
	wantStatus(t, res, http.StatusSeeOther)
	if res.Header.Get("Location") != base || state(never) != "gone" {
		t.Fatalf("delete: %s, %s", res.Header.Get("Location"), state(never))
	}
	wantContains(t, b.get("/a/"+f.a.Slug+"/audit"), "deleted a recurring invoice")
}

// Editing a schedule changes its future invoices (lines, client) and not
// the ones it made; bad input is refused with its message and changes
// nothing; the schedule's dates stay.
func TestRecurringEditFuturePeriods(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	b := f.a.Owner
	base := "/a/" + f.a.Slug + "/recurring"
	b.get(base + "/new")
	res := b.post(base, f.recurringForm("start_date", "2026-11-02")) // issues its first invoice at once
	wantStatus(t, res, http.StatusSeeOther)
	id := strings.TrimPrefix(res.Header.Get("Location"), base+"/")
	edit := b.get(base + "/" + id + "/edit")
	wantStatus(t, edit, http.StatusOK)
	wantContains(t, edit, "Monthly from 2026-11-02.")
	lines := func() string {
		var s string
		f.tn.Read().QueryRow(`SELECT group_concat(description || ' ' || unit_price, '; ') FROM recurring_lines WHERE recurring_id = ?`, id).Scan(&s)
		return s
	}
	before := lines()
	form := f.invoiceForm("line_description", "Retainer", "line_quantity", "1", "line_price", "1261.50", "line_vat", "21")
	form.Del("issue_date")
	bad, _ := url.ParseQuery(form.Encode())
	bad.Set("line_price", "-5")
	res = b.post(base+"/"+id+"/edit", bad)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantContains(t, res, "negative")
	if lines() != before {
		t.Fatalf("a refused edit changed the lines: %s", lines())
	}
	wantStatus(t, b.post(base+"/"+id+"/edit", form), http.StatusSeeOther)
	if got := lines(); got != "Retainer 126150" {
		t.Fatalf("lines after the edit: %s", got)
	}
	page := b.get(base + "/" + id)
	wantContains(t, page, "1,526.42 EUR each")
	wantContains(t, page, "2026-12-02")
	var firstTotal int64
	if err := f.tn.Read().QueryRow(`SELECT total FROM invoices WHERE recurring_id = ?`, id).Scan(&firstTotal); err != nil || firstTotal != 19239 {
		t.Fatalf("the invoice already made changed: %d %v", firstTotal, err)
	}
	wantStatus(t, b.post(base+"/"+id+"/end", nil), http.StatusSeeOther)
	wantStatus(t, b.get(base+"/"+id+"/edit"), http.StatusConflict)
}
