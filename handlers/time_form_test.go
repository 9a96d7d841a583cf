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
