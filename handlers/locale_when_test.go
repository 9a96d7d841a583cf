package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestTimesShownInTheAgencyZone: a message written at 22:30 UTC on
// 2 November is 00:30 on the 3rd in Vilnius; a Vilnius agency's case
// history, conversation, audit log and its client's portal show the local
// date and name the zone, and an agency left in UTC shows UTC.
func TestTimesShownInTheAgencyZone(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	settings := func(zone string) url.Values {
		return url.Values{"staff_visibility": {"all"}, "two_factor_required": {"nobody"}, "archived_documents": {"keep"}, "time_zone": {zone}, "language": {"en"}}
	}
	f.e.clock.Set(time.Date(2026, 11, 2, 22, 30, 0, 0, time.UTC))
	// 13 hours on: the morning's sessions are gone
	f.staff, f.contact, f.a.Owner = f.e.mustLogin(t, f.a, f.staffEmail), f.e.mustLogin(t, f.a, f.contactEmail), f.e.mustLogin(t, f.a, f.a.OwnerEmail)
	wantStatus(t, f.contact.post(f.portal("/cases/"+f.caseX+"/messages"), url.Values{"body": {"Written near midnight."}}), http.StatusSeeOther)
	staffCase := "/a/" + f.a.Slug + "/cases/" + f.caseX
	const utc, local = "2026-11-02 22:30 UTC", "2026-11-03 00:30 EET"

	t.Run("UTC agency", func(t *testing.T) {
		wantContains(t, f.staff.get(staffCase), utc)
		wantContains(t, f.contact.get(f.portal("/cases/"+f.caseX)), utc)
	})
	wantStatus(t, f.a.Owner.post("/a/"+f.a.Slug+"/settings", settings("Europe/Vilnius")), http.StatusSeeOther)
	t.Run("Vilnius agency", func(t *testing.T) {
		pages := map[string]*browser{
			staffCase:                     f.staff,   // history and conversation
			f.portal("/cases/" + f.caseX): f.contact, // the client's conversation
			f.portal(""):                  f.contact, // the client's latest updates
			"/a/" + f.a.Slug + "/audit":   f.a.Owner, // settings.updated, written at 22:30 UTC
		}
		for path, b := range pages {
			res := b.get(path)
			wantStatus(t, res, http.StatusOK)
			if !strings.Contains(res.Body, local) {
				t.Errorf("%s does not show %q", path, local)
			}
			if strings.Contains(res.Body, utc) {
				t.Errorf("%s still shows the UTC time %q", path, utc)
			}
		}
	})
}
