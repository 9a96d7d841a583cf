package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
)

// TestSignupTakesTheBrowsersZoneAndLanguage: a new agency's time zone is
// the one the sign-up form carried (app.js fills in the browser's), UTC
// when it is empty or not an IANA name; its default language is the
// sign-up page's (here from Accept-Language).
func TestSignupTakesTheBrowsersZoneAndLanguage(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	form := e.newClient().get("/signup")
	wantContains(t, form, `name="time_zone" value="" data-browser-zone`)
	for _, c := range []struct{ slug, zone, accept, wantZone, wantLang string }{
		{"zone-vilnius", "Europe/Vilnius", "lt-LT,lt;q=0.9", "Europe/Vilnius", "lt"},
		{"zone-new-york", "America/New_York", "", "America/New_York", "en"},
		{"zone-none", "", "de", "UTC", "de"},
		{"zone-bogus", "Mars/Olympus", "", "UTC", "en"},
	} {
		t.Run(c.slug, func(t *testing.T) {
			b := e.newClient()
			if c.accept != "" {
				b.headers["Accept-Language"] = c.accept
			}
			b.get("/signup")
			res := b.post("/signup", url.Values{"agency_name": {"Agency " + c.slug}, "slug": {c.slug}, "owner_name": {"Olga"}, "email": {c.slug + "@example.test"},
				"password": {testPassword}, "time_zone": {c.zone}})
			wantStatus(t, res, http.StatusSeeOther)
			a, err := e.control.AgencyBySlug(context.Background(), c.slug)
			if err != nil {
				t.Fatal(err)
			}
			s, err := e.mustTenant(t, a.ID).Settings(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if s.TimeZone != c.wantZone || s.Language != c.wantLang {
				t.Fatalf("zone %q language %q, want %q %q", s.TimeZone, s.Language, c.wantZone, c.wantLang)
			}
		})
	}
}
