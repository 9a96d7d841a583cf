package tenant_test

import (
	"context"
	"testing"
	"time"

	"mintedmind/db/tenant"
)

// TestAgencyTimeZoneSetting: the time zone and language are stored
// settings (UTC and English when unset, an unknown name is not stored),
// and Store.Today is the date in that zone through the injected clock, on
// both sides of midnight in Vilnius.
func TestAgencyTimeZoneSetting(t *testing.T) {
	f := mustOpenFixture(t)
	ctx := context.Background()
	tn, _ := f.mustOpenAgency(t, "zone")
	s, err := tn.Settings(ctx)
	if err != nil || s.TimeZone != "UTC" || s.Language != "en" {
		t.Fatalf("defaults %+v %v", s, err)
	}
	for _, bad := range []string{"Mars/Olympus", "Local", "", " Europe/Vilnius"} {
		if tenant.ValidTimeZone(bad) {
			t.Errorf("%q is taken as a time zone", bad)
		}
	}
	if err := tn.SaveSettings(ctx, tenant.Settings{TimeZone: "Mars/Olympus", Language: "xx"}, tenant.Audit{Action: "settings.changed"}); err != nil {
		t.Fatal(err)
	}
	if s, _ := tn.Settings(ctx); s.TimeZone != "UTC" || s.Language != "en" {
		t.Fatalf("stored %+v", s)
	}
	if err := tn.SaveSettings(ctx, tenant.Settings{TimeZone: "Europe/Vilnius", Language: "lt"}, tenant.Audit{Action: "settings.changed"}); err != nil {
		t.Fatal(err)
	}
	if s, _ := tn.Settings(ctx); s.TimeZone != "Europe/Vilnius" || s.Language != "lt" {
		t.Fatalf("stored %+v", s)
	}
	for _, c := range []struct {
		utc  time.Time
		want string
	}{
		{time.Date(2026, 12, 2, 21, 30, 0, 0, time.UTC), "2026-12-02"}, // 23:30 in Vilnius
		{time.Date(2026, 12, 2, 22, 30, 0, 0, time.UTC), "2026-12-03"}, // 00:30 in Vilnius
		{time.Date(2026, 7, 2, 20, 30, 0, 0, time.UTC), "2026-07-02"},  // 23:30 in summer (UTC+3)
		{time.Date(2026, 7, 2, 21, 30, 0, 0, time.UTC), "2026-07-03"},  // 00:30 in summer
	} {
		f.clock.Set(c.utc)
		if got, err := tn.Today(ctx); err != nil || got != c.want {
			t.Errorf("at %v UTC today is %q (%v), want %s", c.utc, got, err, c.want)
		}
	}
}
