package handlers_test

import (
	"net/http"
	"net/url"
	"testing"
)

// A hand entry the case won't take comes back as the case page (422) with
// the form as sent, open, and each message beside its field; nothing is
// stored.
func TestTimeEntryFormErrors(t *testing.T) {
	f := mustTaskFixture(t)
	for _, tc := range []struct {
		name  string
		form  url.Values
		field string
		msg   string
	}{
		{"no duration", url.Values{"date": {"2026-11-02"}, "duration": {"soon"}, "note": {"kept note"}}, "e-time-duration", "Enter how long"},
		{"a bad day", url.Values{"date": {"2 Nov"}, "duration": {"1:00"}, "note": {"kept note"}}, "e-time-date", "Enter the day as YYYY-MM-DD."},
		{"another case's task", url.Values{"date": {"2026-11-02"}, "duration": {"1:00"}, "task_id": {"0b0e6a5e-0000-4000-8000-000000000000"}, "note": {"kept note"}}, "e-time-task", "Choose one of the case"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := f.staff.post(f.caseURL("/time"), tc.form)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, `<small id="`+tc.field+`" class="field-error">`+tc.msg)
			wantContains(t, res, `aria-describedby="`+tc.field+`"`)
			wantContains(t, res, `value="kept note"`)
			wantContains(t, res, `<details open>`)
			if got := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM time_entries`); got != "0" {
				t.Fatalf("%s time entries stored, want 0", got)
			}
		})
	}

	t.Run("another agency's case is still a 404", func(t *testing.T) {
		wantStatus(t, f.b.Owner.post("/a/"+f.b.Slug+"/cases/"+f.caseID+"/time", url.Values{"duration": {"soon"}}), http.StatusNotFound)
	})
}

// An edit from the timesheet the entry won't take comes back as the edit
// page (422) with the form as sent and each message beside its field; an
// invoiced entry's edit is refused (409) with why; neither changes it.
func TestTimeEditFormErrors(t *testing.T) {
	f := mustTaskFixture(t)
	slug := "/a/" + f.a.Slug
	wantStatus(t, f.staff.post(f.caseURL("/time"), url.Values{"date": {"2026-11-02"}, "duration": {"1:30"}, "note": {"design"}, "billable": {"1"}}), http.StatusSeeOther)
	entry := f.e.caseQuery(t, f.a, `SELECT id FROM time_entries`)
	stored := func() string {
		return f.e.caseQuery(t, f.a, `SELECT work_date || '/' || minutes || '/' || note FROM time_entries WHERE id = ?`, entry)
	}
	for _, tc := range []struct {
		name, field, msg string
		form             url.Values
	}{
		{"no duration", "duration", "Enter how long", url.Values{"date": {"2026-11-03"}, "duration": {"later"}, "note": {"kept note"}}},
		{"a bad day", "date", "Enter the day as YYYY-MM-DD.", url.Values{"date": {"3 Nov"}, "duration": {"2:00"}, "note": {"kept note"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := f.staff.post(slug+"/time/"+entry, tc.form)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, "<h1>Edit time</h1>")
			wantContains(t, res, `class="field-error">`+tc.msg)
			wantContains(t, res, `value="kept note"`)
			if got := stored(); got != "2026-11-02/90/design" {
				t.Fatalf("entry %s", got)
			}
		})
	}

	t.Run("an invoiced entry says why it can't change", func(t *testing.T) {
		wantStatus(t, f.a.Owner.post(slug+"/settings/rates/"+f.staffID, url.Values{"rate": {"80"}}), http.StatusSeeOther)
		wantStatus(t, f.a.Owner.post(f.caseURL("/invoice-time"), url.Values{"group": {"person"}}), http.StatusSeeOther)
		res := f.staff.post(slug+"/time/"+entry, url.Values{"date": {"2026-11-03"}, "duration": {"2:00"}})
		wantStatus(t, res, http.StatusConflict)
		wantContains(t, res, "This time is on a draft invoice and can&#39;t be changed")
		wantStatus(t, f.staff.post(slug+"/time/"+entry+"/delete", nil), http.StatusConflict)
		if got := stored(); got != "2026-11-02/90/design" {
			t.Fatalf("entry %s", got)
		}
	})
}
