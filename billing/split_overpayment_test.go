package billing

import "testing"

// A payment pays what is still owed, never more and never below zero; the
// rest is the overpayment kept (mutant overpayment-split-takes-all).
func TestSplitOverpayment(t *testing.T) {
	for _, c := range []struct{ owed, amount, applied, kept int64 }{
		{7000, 12000, 7000, 5000},
		{12000, 12000, 12000, 0},
		{12000, 5000, 5000, 0},
		{0, 12000, 0, 12000},
		{-100, 12000, 0, 12000},
	} {
		applied, kept := SplitOverpayment(c.owed, c.amount)
		if applied != c.applied || kept != c.kept {
			t.Errorf("owed %d, paid %d: applied %d and kept %d, want %d and %d", c.owed, c.amount, applied, kept, c.applied, c.kept)
		}
	}
}
