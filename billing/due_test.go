package billing

import "testing"

// A due date is the issue date plus the terms, and a typed due date is the
// terms it implies (across month ends and the summer-time change alike).
func TestDueDateAndTerms(t *testing.T) {
	t.Parallel()
	if got := DueDate("2026-01-31", 30); got != "2026-03-02" {
		t.Fatalf("DueDate = %s", got)
	}
	for _, c := range []struct {
		issue, due string
		days       int
		ok         bool
	}{
		{"2026-11-02", "2026-12-02", 30, true},
		{"2026-03-20", "2026-04-03", 14, true},
		{"2026-11-02", "2026-11-02", 0, true},
		{"2026-11-02", "2026-11-01", 0, false},
		{"2026-11-02", "soon", 0, false},
		{"", "2026-11-02", 0, false},
	} {
		days, err := TermsUntil(c.issue, c.due)
		if (err == nil) != c.ok || days != c.days {
			t.Errorf("TermsUntil(%s, %s) = %d, %v", c.issue, c.due, days, err)
		}
		if c.ok && DueDate(c.issue, days) != c.due {
			t.Errorf("round trip of %s → %s", c.issue, c.due)
		}
	}
}
