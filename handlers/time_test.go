package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestTimer(t *testing.T) {
	f := mustTaskFixture(t)
	tab1 := f.a.Owner
	tab2 := f.e.mustLogin(t, f.a, f.a.OwnerEmail)
	slug := "/a/" + f.a.Slug

	wantStatus(t, tab1.post(slug+"/timer", url.Values{"case_id": {f.caseID}, "note": {"design"}, "billable": {"1"}}), http.StatusSeeOther)

	t.Run("a second tab and a reload see the running timer", func(t *testing.T) {
		res := tab2.get(f.caseURL(""))
		wantContains(t, res, "Timer running since")
		wantContains(t, tab2.get(slug+"/time"), "Your timer runs on")
	})

	t.Run("starting on another case saves the first timer's time", func(t *testing.T) {
		f.e.clock.Advance(20 * time.Minute)
		wantStatus(t, tab2.post(slug+"/timer", url.Values{"case_id": {f.otherCase}}), http.StatusSeeOther)
		if got := f.e.caseQuery(t, f.a, `SELECT COUNT(*) || '/' || SUM(minutes) FROM time_entries`); got != "1/20" {
			t.Fatalf("entries %s", got)
		}
		if got := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM timers`); got != "1" {
			t.Fatalf("%s timers", got)
		}
	})

	t.Run("stopping in one tab, then the other, saves once", func(t *testing.T) {
		f.e.clock.Advance(45 * time.Minute)
		wantStatus(t, tab1.post(slug+"/timer/stop", nil), http.StatusSeeOther)
		res := tab2.post(slug+"/timer/stop", nil)
		wantStatus(t, res, http.StatusSeeOther)
		if got := f.e.caseQuery(t, f.a, `SELECT COUNT(*) || '/' || SUM(minutes) FROM time_entries`); got != "2/65" {
			t.Fatalf("entries %s", got)
		}
		wantContains(t, tab2.get(res.Header.Get("Location")), "No timer was running")
	})

	t.Run("each person has their own timer", func(t *testing.T) {
		wantStatus(t, f.staff.post(slug+"/timer", url.Values{"case_id": {f.caseID}}), http.StatusSeeOther)
		wantStatus(t, tab1.post(slug+"/timer", url.Values{"case_id": {f.caseID}}), http.StatusSeeOther)
		if got := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM timers`); got != "2" {
			t.Fatalf("%s timers", got)
		}
	})

	t.Run("another agency's case can't be timed", func(t *testing.T) {
		wantStatus(t, f.b.Owner.post("/a/"+f.b.Slug+"/timer", url.Values{"case_id": {f.caseID}}), http.StatusNotFound)
	})
}

func TestTimeEntries(t *testing.T) {
	f := mustTaskFixture(t)
	owner, slug := f.a.Owner, "/a/"+f.a.Slug
	task := f.mustAddTask(t, owner, f.caseID, url.Values{"title": {"Design"}})

	t.Run("durations are read as people type them", func(t *testing.T) {
		for typed, want := range map[string]string{"1:30": "90", "1.5h": "90", "45m": "45", "2h 15m": "135", "20": "20"} {
			wantStatus(t, f.staff.post(f.caseURL("/time"), url.Values{"date": {"2026-11-02"}, "duration": {typed}, "note": {"typed " + typed}, "task_id": {task}, "billable": {"1"}}), http.StatusSeeOther)
			if got := f.e.caseQuery(t, f.a, `SELECT minutes FROM time_entries WHERE note = ?`, "typed "+typed); got != want {
				t.Errorf("%q is %s minutes, want %s", typed, got, want)
			}
		}
	})

	t.Run("a nonsense duration saves nothing", func(t *testing.T) {
		before := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM time_entries`)
		wantStatus(t, f.staff.post(f.caseURL("/time"), url.Values{"date": {"2026-11-02"}, "duration": {"soon"}}), http.StatusUnprocessableEntity)
		if got := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM time_entries`); got != before {
			t.Fatal("saved")
		}
	})

	entry := f.e.caseQuery(t, f.a, `SELECT id FROM time_entries WHERE note = 'typed 1:30'`)

	t.Run("the timesheet shows the week and edits an entry", func(t *testing.T) {
		res := f.staff.get(slug + "/time?week=2026-11-04")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Monday 2 Nov")
		wantContains(t, res, "typed 1:30")
		wantStatus(t, f.staff.get(slug+"/time/"+entry), http.StatusOK)
		wantStatus(t, f.staff.post(slug+"/time/"+entry, url.Values{"date": {"2026-11-03"}, "duration": {"2:00"}, "note": {"edited"}, "billable": {"1"}}), http.StatusSeeOther)
		if got := f.e.caseQuery(t, f.a, `SELECT work_date || '/' || minutes FROM time_entries WHERE id = ?`, entry); got != "2026-11-03/120" {
			t.Fatalf("entry %s", got)
		}
	})

	t.Run("staff can't see or change another's entry; admins can", func(t *testing.T) {
		other, _ := f.e.mustAddUser(t, f.a, "staff")
		wantStatus(t, other.get(slug+"/time/"+entry), http.StatusNotFound)
		wantStatus(t, other.post(slug+"/time/"+entry+"/delete", nil), http.StatusNotFound)
		wantStatus(t, other.get(slug+"/time?person="+f.staffID), http.StatusNotFound)
		wantStatus(t, owner.get(slug+"/time/"+entry), http.StatusOK)
		wantContains(t, owner.get(slug+"/time?week=2026-11-02&person="+f.staffID), "edited")
	})

	t.Run("another agency's entry is 404 and unchanged", func(t *testing.T) {
		b := "/a/" + f.b.Slug + "/time/" + entry
		wantStatus(t, f.b.Owner.get(b), http.StatusNotFound)
		wantStatus(t, f.b.Owner.post(b, url.Values{"date": {"2026-11-04"}, "duration": {"9:00"}}), http.StatusNotFound)
		wantStatus(t, f.b.Owner.post(b+"/delete", nil), http.StatusNotFound)
		if got := f.e.caseQuery(t, f.a, `SELECT work_date || '/' || minutes FROM time_entries WHERE id = ?`, entry); got != "2026-11-03/120" {
			t.Fatalf("entry %s", got)
		}
	})

	t.Run("the report sums by person and downloads as CSV", func(t *testing.T) {
		wantStatus(t, owner.post(slug+"/settings/rates/"+f.staffID, url.Values{"rate": {"60"}}), http.StatusSeeOther)
		res := owner.get(slug + "/time/report?by=person")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Staff Person")
		csv := owner.get(slug + "/time/report.csv?by=client")
		wantStatus(t, csv, http.StatusOK)
		// 120 + 90 + 45 + 135 + 20 minutes = 6.833 h (as an invoice line counts
		// it, to the thousandth) at 60.00 = 409.98
		if !strings.Contains(csv.Body, "6.83,6.83,0.00,409.98,0.00,409.98,EUR") {
			t.Fatalf("csv:\n%s", csv.Body)
		}
		if len(auditEntries(t, f.e.mustTenant(t, f.a.ID), "rate.changed")) != 1 {
			t.Fatal("rate change not audited")
		}
	})
}

func TestInvoiceUnbilledTime(t *testing.T) {
	f := mustTaskFixture(t)
	owner, slug := f.a.Owner, "/a/"+f.a.Slug
	wantStatus(t, owner.post(slug+"/settings/rates/"+f.ownerID, url.Values{"rate": {"50"}}), http.StatusSeeOther)
	wantStatus(t, owner.post(slug+"/settings/rates/"+f.staffID, url.Values{"rate": {"80"}}), http.StatusSeeOther)
	for _, e := range []struct {
		b        *browser
		duration string
		billable string
	}{{owner, "1:00", "1"}, {f.staff, "0:30", "1"}, {f.staff, "2:00", ""}} {
		wantStatus(t, e.b.post(f.caseURL("/time"), url.Values{"date": {"2026-11-02"}, "duration": {e.duration}, "billable": {e.billable}}), http.StatusSeeOther)
	}
	// another client's case: not on client 1's invoice
	wantStatus(t, owner.post("/a/"+f.a.Slug+"/cases/"+f.otherCase+"/time", url.Values{"date": {"2026-11-02"}, "duration": {"3:00"}, "billable": {"1"}}), http.StatusSeeOther)

	t.Run("two concurrent requests make one invoice; each entry is on exactly one", func(t *testing.T) {
		tabs := []*browser{owner, f.e.mustLogin(t, f.a, f.a.OwnerEmail)}
		tabs[1].get(f.caseURL(""))
		codes := make([]int, len(tabs))
		var wg sync.WaitGroup
		for i, b := range tabs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i] = b.post(f.caseURL("/invoice-time"), url.Values{"group": {"person"}}).StatusCode
			}()
		}
		wg.Wait()
		if !(codes[0] == http.StatusSeeOther && codes[1] == http.StatusConflict) && !(codes[1] == http.StatusSeeOther && codes[0] == http.StatusConflict) {
			t.Fatalf("statuses %v, want one 303 and one 409", codes)
		}
		if got := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM invoices`); got != "1" {
			t.Fatalf("%s invoices", got)
		}
		if got := f.e.caseQuery(t, f.a, `SELECT COUNT(*) || '/' || COUNT(DISTINCT invoice_id) FROM time_entries WHERE invoice_id IS NOT NULL`); got != "2/1" {
			t.Fatalf("invoiced entries %s", got)
		}
	})

	inv := f.e.caseQuery(t, f.a, `SELECT id FROM invoices`)

	t.Run("the draft has a line per person at their rates, audited", func(t *testing.T) {
		res := owner.get(slug + "/invoices/" + inv)
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Time by Olive Owner")
		wantContains(t, res, "Time by Staff Person")
		if got := f.e.caseQuery(t, f.a, `SELECT group_concat(quantity_milli || '@' || unit_price, ' ') FROM (SELECT quantity_milli, unit_price FROM invoice_lines WHERE invoice_id = ? ORDER BY position)`, inv); got != "1000@5000 500@8000" {
			t.Fatalf("lines %s", got)
		}
		if len(auditEntries(t, f.e.mustTenant(t, f.a.ID), "time.invoiced")) != 1 {
			t.Fatal("not audited")
		}
	})

	t.Run("invoiced time can't be edited", func(t *testing.T) {
		entry := f.e.caseQuery(t, f.a, `SELECT id FROM time_entries WHERE invoice_id IS NOT NULL LIMIT 1`)
		wantStatus(t, owner.get(slug+"/time/"+entry), http.StatusConflict)
		wantStatus(t, owner.post(slug+"/time/"+entry, url.Values{"date": {"2026-11-02"}, "duration": {"9:00"}}), http.StatusConflict)
	})

	t.Run("another agency can't invoice the time", func(t *testing.T) {
		wantStatus(t, f.b.Owner.post("/a/"+f.b.Slug+"/cases/"+f.caseID+"/invoice-time", nil), http.StatusNotFound)
	})

	t.Run("deleting the draft frees the time; the client's invoice takes both cases' time", func(t *testing.T) {
		wantStatus(t, owner.post(slug+"/invoices/"+inv+"/delete", nil), http.StatusSeeOther)
		if got := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM time_entries WHERE invoice_id IS NOT NULL`); got != "0" {
			t.Fatalf("%s still invoiced", got)
		}
		if len(auditEntries(t, f.e.mustTenant(t, f.a.ID), "time.released")) != 1 {
			t.Fatal("release not audited")
		}
		client := f.e.caseQuery(t, f.a, `SELECT client_id FROM cases WHERE id = ?`, f.caseID)
		wantStatus(t, owner.post(slug+"/clients/"+client+"/invoice-time", url.Values{"group": {"task"}}), http.StatusSeeOther)
		if got := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM time_entries WHERE invoice_id IS NOT NULL`); got != "2" {
			t.Fatalf("%s invoiced, want client 1's 2", got)
		}
		wantContains(t, owner.get(f.caseURL("")), "invoiced 1 h 30 min on a draft invoice")
	})

	t.Run("issuing then voiding the invoice frees its time, audited", func(t *testing.T) {
		inv := f.e.caseQuery(t, f.a, `SELECT invoice_id FROM time_entries WHERE invoice_id IS NOT NULL LIMIT 1`)
		wantStatus(t, owner.post(slug+"/invoices/"+inv+"/issue", nil), http.StatusSeeOther)
		wantStatus(t, owner.post(slug+"/invoices/"+inv+"/void", url.Values{"reason": {"wrong hours"}}), http.StatusSeeOther)
		if got := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM time_entries WHERE invoice_id IS NOT NULL`); got != "0" {
			t.Fatalf("%s entries still invoiced", got)
		}
		if n := len(auditEntries(t, f.e.mustTenant(t, f.a.ID), "time.released")); n != 2 {
			t.Fatalf("%d time.released entries, want 2", n)
		}
		wantContains(t, owner.get(f.caseURL("")), "unbilled again: the invoice was voided")
	})
}

// The shell's header holds a place for the timer, which htmx fills from
// GET /a/:slug/timer: the running case, the time so far and Stop, or a
// form that starts it on one of the person's cases (the case on screen
// first). Another tab sees the same timer; without script the place is a
// link to the same address as a page.
func TestHeaderTimer(t *testing.T) {
	f := mustTaskFixture(t)
	tab1 := f.a.Owner
	tab2 := f.e.mustLogin(t, f.a, f.a.OwnerEmail)
	slug := "/a/" + f.a.Slug
	fragment := func(b *browser, path string) *response {
		b.headers["HX-Request"] = "true"
		defer delete(b.headers, "HX-Request")
		return b.get(path)
	}

	t.Run("every staff page's header has the timer's place; the portal's has none", func(t *testing.T) {
		for _, path := range []string{slug, slug + "/clients", f.caseURL("")} {
			res := tab1.get(path)
			wantContains(t, res, `<div id="shell-timer" class="shell-timer" hx-get="`+slug+`/timer"`)
		}
		wantLacks(t, f.contact.get(slug+"/portal"), `id="shell-timer"`)
	})

	t.Run("not running: the form starts on the case on screen", func(t *testing.T) {
		res := fragment(tab1, slug+"/timer?case="+f.caseID)
		wantStatus(t, res, http.StatusOK)
		wantLacks(t, res, "<html")
		wantContains(t, res, `<option value="`+f.caseID+`" selected>C-0001 Website launch</option>`)
		wantContains(t, res, `action="`+slug+`/timer"`)
		page := tab1.get(slug + "/timer")
		wantStatus(t, page, http.StatusOK)
		wantContains(t, page, "<h1>Your timer</h1>")
	})

	t.Run("started from the header, both tabs show the case and the time so far", func(t *testing.T) {
		res := tab1.post(slug+"/timer", url.Values{"case_id": {f.caseID}, "billable": {"1"}})
		wantStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != f.caseURL("#time") {
			t.Fatalf("went to %s", loc)
		}
		f.e.clock.Advance(75 * time.Minute)
		for _, b := range []*browser{tab1, tab2} {
			res := fragment(b, slug+"/timer")
			wantContains(t, res, `C-0001 Website launch</a>`)
			wantContains(t, res, `aria-label="Time so far">1:15</span>`)
			wantContains(t, res, `action="`+slug+`/timer/stop"`)
		}
	})

	t.Run("stopped in the second tab, the first tab's header offers to start again", func(t *testing.T) {
		wantStatus(t, tab2.post(slug+"/timer/stop", nil), http.StatusSeeOther)
		if got := f.e.caseQuery(t, f.a, `SELECT COUNT(*) || '/' || SUM(minutes) FROM time_entries`); got != "1/75" {
			t.Fatalf("entries %s", got)
		}
		res := fragment(tab1, slug+"/timer")
		wantContains(t, res, "Start a timer on")
		// The case timed is now one of the person's, offered first.
		wantContains(t, res, `<option value="`+f.caseID+`">C-0001 Website launch</option>`)
	})

	t.Run("a case the person may not see is not offered", func(t *testing.T) {
		res := fragment(f.staff, slug+"/timer?case="+f.caseID)
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "C-0001 Website launch") // staff see every case here
		res = fragment(f.b.Owner, "/a/"+f.b.Slug+"/timer?case="+f.caseID)
		wantStatus(t, res, http.StatusOK)
		wantLacks(t, res, "Website launch")
		wantStatus(t, f.b.Owner.get(slug+"/timer"), http.StatusNotFound)
	})
}
