package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mintedmind/db/tenant"
)

// TestAgencyTimeZoneDates: the agency's time zone is a setting (an IANA
// name, refused with a message otherwise) and "today" is the date there:
// at 23:30 in Vilnius (21:30 UTC) a new invoice is dated that day and a
// case due that day is not overdue; at 00:30 (22:30 UTC, still the day
// before in UTC) the invoice is dated the new day and the case is overdue.
func TestAgencyTimeZoneDates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustBillingFixture(t)
	b := f.a.Owner
	settings := "/a/" + f.a.Slug + "/settings"
	form := func(zone string) url.Values {
		return url.Values{"staff_visibility": {"all"}, "two_factor_required": {"nobody"}, "archived_documents": {"keep"}, "time_zone": {zone}, "language": {"en"}}
	}
	zone := func(t *testing.T) string {
		t.Helper()
		s, err := f.tn.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return s.TimeZone
	}
	k, err := f.tn.CreateCase(ctx, tenant.Viewer{UserID: f.owner.ID}, tenant.Actor{ID: f.owner.ID, Name: "Owner"},
		tenant.CaseInput{ClientID: f.client.ID, Title: "Due on the 2nd", Priority: tenant.PriorityNormal, DueDate: "2026-12-02"})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("an agency without a setting is UTC", func(t *testing.T) {
		if z := zone(t); z != "UTC" {
			t.Fatalf("zone %q", z)
		}
		wantContains(t, b.get(settings), `name="time_zone" value="UTC"`)
	})
	for _, bad := range []string{"Mars/Olympus", "Local", "Europe/Vilnius; DROP", "../../etc/passwd"} {
		t.Run(bad+" is refused beside its field and nothing is stored", func(t *testing.T) {
			res := b.post(settings, form(bad))
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, "Enter a time zone by its IANA name")
			if z := zone(t); z != "UTC" {
				t.Fatalf("zone %q stored", z)
			}
		})
	}
	t.Run("Europe/Vilnius is saved", func(t *testing.T) {
		wantStatus(t, b.post(settings, form("Europe/Vilnius")), http.StatusSeeOther)
		if z := zone(t); z != "Europe/Vilnius" {
			t.Fatalf("zone %q", z)
		}
		wantContains(t, b.get(settings), `value="Europe/Vilnius"`)
	})
	t.Run("a settings form without the field keeps the zone", func(t *testing.T) {
		wantStatus(t, b.post(settings, url.Values{"staff_visibility": {"all"}, "two_factor_required": {"nobody"}}), http.StatusSeeOther)
		if z := zone(t); z != "Europe/Vilnius" {
			t.Fatalf("zone %q", z)
		}
	})
	casePage := "/a/" + f.a.Slug + "/cases/" + k.ID
	t.Run("at 23:30 in Vilnius it is still the 2nd", func(t *testing.T) {
		f.e.clock.Set(time.Date(2026, 12, 2, 21, 30, 0, 0, time.UTC))
		b := f.e.mustLogin(t, f.a, f.a.OwnerEmail) // a month on: the morning's session is gone
		wantContains(t, b.get(f.inv("/new")), `value="2026-12-02"`)
		if res := b.get(casePage); strings.Contains(res.Body, "<mark>Overdue</mark>") {
			t.Fatal("a case due today is shown overdue")
		}
	})
	t.Run("at 00:30 in Vilnius it is the 3rd though UTC is still on the 2nd", func(t *testing.T) {
		f.e.clock.Set(time.Date(2026, 12, 2, 22, 30, 0, 0, time.UTC))
		b := f.e.mustLogin(t, f.a, f.a.OwnerEmail)
		wantContains(t, b.get(f.inv("/new")), `value="2026-12-03"`)
		wantContains(t, b.get(casePage), "<mark>Overdue</mark>")
		id := f.mustCreateDraft(t, b, f.invoiceForm("issue_date", "2026-12-03"))
		f.mustIssue(t, b, id)
		wantContains(t, b.get(f.inv("/"+id)), `name="paid_on" type="date" value="2026-12-03"`) // a payment recorded now is paid on the 3rd
	})
}
