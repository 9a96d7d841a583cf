package tenant_test

import (
	"context"
	"testing"
	"time"
)

// TestClockStepsAndSessions steps the clock the way NTP or a resumed
// virtual machine does (issue 26 point 5): a jump back of an hour or
// forward of a day is no time passing, so it neither ends every session
// at once (idle 2 h, absolute 7 days) nor lets the clean-up delete them;
// time that really passes still ends them.
func TestClockStepsAndSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "clock-steps")
	staff := mustAddUser(t, tn, "staff@clock-steps.test", "staff")
	tokenOwner, _ := mustSignIn(t, tn, owner, testTimeouts)
	tokenStaff, _ := mustSignIn(t, tn, staff, testTimeouts)
	live := func(t *testing.T, token string) bool {
		t.Helper()
		_, _, err := tn.SessionByToken(ctx, token, testTimeouts.Idle)
		return err == nil
	}
	count := func(t *testing.T) int {
		t.Helper()
		var n int
		if err := tn.Read().QueryRow(`SELECT COUNT(*) FROM sessions`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	t.Run("a step back of an hour keeps every session", func(t *testing.T) {
		f.clock.Jump(-time.Hour)
		if !live(t, tokenOwner) || !live(t, tokenStaff) {
			t.Fatal("a session ended when the clock went back")
		}
		if _, err := tn.DeleteExpiredSessions(ctx, testTimeouts.Idle); err != nil || count(t) != 2 {
			t.Fatalf("%d sessions after the clean-up: %v", count(t), err)
		}
	})
	t.Run("a step forward of a day keeps every session", func(t *testing.T) {
		f.clock.Jump(24 * time.Hour)
		if !live(t, tokenOwner) || !live(t, tokenStaff) {
			t.Fatal("every session ended when the clock jumped a day")
		}
		if _, err := tn.DeleteExpiredSessions(ctx, testTimeouts.Idle); err != nil || count(t) != 2 {
			t.Fatalf("%d sessions after the clean-up: %v", count(t), err)
		}
	})
	// The hour the clock went back is not discounted: it lengthens each
	// session by that hour at most, the safe way round.
	t.Run("time that passes still ends an idle session", func(t *testing.T) {
		s, _, err := tn.SessionByToken(ctx, tokenOwner, testTimeouts.Idle)
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(2 * time.Hour)
		if err := tn.TouchSession(ctx, s.ID, "192.0.2.1"); err != nil { // the owner keeps working
			t.Fatal(err)
		}
		f.clock.Advance(90 * time.Minute) // the staff member was idle 3.5 h: 2 h and the hour the clock went back, and more
		if !live(t, tokenOwner) {
			t.Fatal("the busy session ended")
		}
		if live(t, tokenStaff) {
			t.Fatal("the idle session is still live")
		}
		if _, err := tn.DeleteExpiredSessions(ctx, testTimeouts.Idle); err != nil || count(t) != 1 {
			t.Fatalf("%d sessions after the clean-up, want 1: %v", count(t), err)
		}
	})
	t.Run("the absolute limit still holds: 7 days of time passed (and the hour the clock went back)", func(t *testing.T) {
		// The clock reads sign-in + 8 days at the end: 7 days, plus the day it
		// jumped forward.
		end := testStart.Add(8 * 24 * time.Hour)
		f.clock.Set(end.Add(-time.Minute))
		if _, _, err := tn.SessionByToken(ctx, tokenOwner, 1000*time.Hour); err != nil {
			t.Fatalf("ended before its time: %v", err)
		}
		f.clock.Set(end)
		if _, _, err := tn.SessionByToken(ctx, tokenOwner, 1000*time.Hour); err == nil {
			t.Fatal("a session outlived its absolute limit")
		}
	})
}
