package i18n

import (
	"testing"
	"time"
)

// TestTodayAcrossDaylightSaving: the local date around midnight in the
// week summer time starts, in Vilnius (29 March 2026, UTC+2 → UTC+3) and
// New York (8 March 2026, UTC−5 → UTC−4): the same local 00:30 and 23:30
// are a different UTC hour before and after the change.
func TestTodayAcrossDaylightSaving(t *testing.T) {
	for _, c := range []struct {
		zone string
		utc  time.Time
		want string
	}{
		{"Europe/Vilnius", time.Date(2026, 3, 28, 21, 30, 0, 0, time.UTC), "2026-03-28"},  // 23:30 EET
		{"Europe/Vilnius", time.Date(2026, 3, 28, 22, 30, 0, 0, time.UTC), "2026-03-29"},  // 00:30 EET
		{"Europe/Vilnius", time.Date(2026, 3, 29, 20, 30, 0, 0, time.UTC), "2026-03-29"},  // 23:30 EEST
		{"Europe/Vilnius", time.Date(2026, 3, 29, 21, 30, 0, 0, time.UTC), "2026-03-30"},  // 00:30 EEST
		{"Europe/Vilnius", time.Date(2026, 10, 24, 21, 30, 0, 0, time.UTC), "2026-10-25"}, // 00:30 EEST, the night summer time ends
		{"Europe/Vilnius", time.Date(2026, 10, 25, 22, 30, 0, 0, time.UTC), "2026-10-26"}, // 00:30 EET
		{"America/New_York", time.Date(2026, 3, 8, 4, 30, 0, 0, time.UTC), "2026-03-07"},  // 23:30 EST
		{"America/New_York", time.Date(2026, 3, 8, 5, 30, 0, 0, time.UTC), "2026-03-08"},  // 00:30 EST
		{"America/New_York", time.Date(2026, 3, 9, 3, 30, 0, 0, time.UTC), "2026-03-08"},  // 23:30 EDT
		{"America/New_York", time.Date(2026, 3, 9, 4, 30, 0, 0, time.UTC), "2026-03-09"},  // 00:30 EDT
	} {
		if got := Today(c.utc, c.zone); got != c.want {
			t.Errorf("%s at %v UTC: %s, want %s", c.zone, c.utc, got, c.want)
		}
	}
}
