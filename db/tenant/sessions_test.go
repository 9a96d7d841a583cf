package tenant_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/auth"
	"mintedmind/db/tenant"
)

// wantSession fails unless token opens a session of user u.
func wantSession(t *testing.T, tn *tenant.Store, token string, u *tenant.User) *auth.Session {
	t.Helper()
	s, got, err := tn.SessionByToken(context.Background(), token, testTimeouts.Idle)
	if err != nil {
		t.Fatalf("session refused: %v", err)
	}
	if got.ID != u.ID {
		t.Fatalf("session of %s, want %s", got.ID, u.ID)
	}
	return s
}

// wantNoSession fails unless token is refused as not found.
func wantNoSession(t *testing.T, tn *tenant.Store, token string) {
	t.Helper()
	_, _, err := tn.SessionByToken(context.Background(), token, testTimeouts.Idle)
	wantCode(t, err, apperr.NotFound)
}

func TestSessionByToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("a fresh session is found with its user", func(t *testing.T) {
		t.Parallel()
		f := mustOpenFixture(t)
		tn, owner := f.mustOpenAgency(t, "acme")
		token, s := mustSignIn(t, tn, owner, testTimeouts)
		if got := wantSession(t, tn, token, owner); got.ID != s.ID || got.CSRFToken != s.CSRFToken {
			t.Fatalf("got session %+v, want %+v", got, s)
		}
	})

	t.Run("an unknown token is not found", func(t *testing.T) {
		t.Parallel()
		f := mustOpenFixture(t)
		tn, _ := f.mustOpenAgency(t, "acme")
		wantNoSession(t, tn, "no-such-token")
	})

	t.Run("a session idle for longer than the idle timeout is refused", func(t *testing.T) {
		t.Parallel()
		f := mustOpenFixture(t)
		tn, owner := f.mustOpenAgency(t, "acme")
		token, s := mustSignIn(t, tn, owner, testTimeouts)
		f.clock.Advance(testTimeouts.Idle - time.Minute)
		wantSession(t, tn, token, owner)
		if err := tn.TouchSession(ctx, s.ID, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(testTimeouts.Idle - time.Minute)
		wantSession(t, tn, token, owner) // touched: idle counts from there
		f.clock.Advance(2 * time.Minute)
		wantNoSession(t, tn, token)
	})

	t.Run("an active session is refused after its absolute expiry", func(t *testing.T) {
		t.Parallel()
		f := mustOpenFixture(t)
		tn, owner := f.mustOpenAgency(t, "acme")
		timeouts := auth.SessionTimeouts{Idle: 2 * time.Hour, Absolute: 5 * time.Hour}
		token, s := mustSignIn(t, tn, owner, timeouts)
		for range 4 {
			f.clock.Advance(time.Hour)
			wantSession(t, tn, token, owner)
			if err := tn.TouchSession(ctx, s.ID, ""); err != nil {
				t.Fatal(err)
			}
		}
		f.clock.Advance(time.Hour)
		wantNoSession(t, tn, token)
	})

	t.Run("a disabled user's session is refused", func(t *testing.T) {
		t.Parallel()
		f := mustOpenFixture(t)
		tn, owner := f.mustOpenAgency(t, "acme")
		staff := mustAddUser(t, tn, "staff@example.test", tenant.RoleStaff)
		token, _ := mustSignIn(t, tn, staff, testTimeouts)
		if err := tn.SetUserStatus(ctx, staff.ID, tenant.UserDisabled, tenant.Audit{ActorID: owner.ID, Action: "user.disabled"}); err != nil {
			t.Fatal(err)
		}
		wantNoSession(t, tn, token)
	})

	t.Run("a session outliving its user's disabling is still refused", func(t *testing.T) {
		t.Parallel()
		f := mustOpenFixture(t)
		tn, _ := f.mustOpenAgency(t, "acme")
		staff := mustAddUser(t, tn, "staff@example.test", tenant.RoleStaff)
		token, _ := mustSignIn(t, tn, staff, testTimeouts)
		// Disable behind SetUserStatus's back, keeping the session row, so the
		// status check itself is what refuses.
		err := tn.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE users SET status = 'disabled' WHERE id = ?`, staff.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		wantNoSession(t, tn, token)
	})
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("only the given session survives", func(t *testing.T) {
		t.Parallel()
		f := mustOpenFixture(t)
		tn, owner := f.mustOpenAgency(t, "acme")
		staff := mustAddUser(t, tn, "staff@example.test", tenant.RoleStaff)
		token1, _ := mustSignIn(t, tn, owner, testTimeouts)
		token2, kept := mustSignIn(t, tn, owner, testTimeouts)
		token3, _ := mustSignIn(t, tn, owner, testTimeouts)
		staffToken, _ := mustSignIn(t, tn, staff, testTimeouts)

		if err := tn.ChangePassword(ctx, owner.ID, "new-hash", kept.ID, tenant.Audit{ActorID: owner.ID, Action: "password.changed"}); err != nil {
			t.Fatal(err)
		}
		wantNoSession(t, tn, token1)
		wantSession(t, tn, token2, owner)
		wantNoSession(t, tn, token3)
		wantSession(t, tn, staffToken, staff)
		u, err := tn.UserByID(ctx, owner.ID)
		if err != nil {
			t.Fatal(err)
		}
		if u.PasswordHash != "new-hash" {
			t.Fatalf("password hash = %q, want the new one", u.PasswordHash)
		}
	})
}

func TestLastOwner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	audit := tenant.Audit{Action: "test"}

	t.Run("the only owner cannot be demoted", func(t *testing.T) {
		t.Parallel()
		f := mustOpenFixture(t)
		tn, owner := f.mustOpenAgency(t, "acme")
		wantCode(t, tn.SetRole(ctx, owner.ID, tenant.RoleAdmin, audit), apperr.Conflict)
		if u, _ := tn.UserByID(ctx, owner.ID); u.Role != tenant.RoleOwner {
			t.Fatalf("role = %s after a refused demotion", u.Role)
		}
	})

	t.Run("the only owner cannot be disabled", func(t *testing.T) {
		t.Parallel()
		f := mustOpenFixture(t)
		tn, owner := f.mustOpenAgency(t, "acme")
		token, _ := mustSignIn(t, tn, owner, testTimeouts)
		wantCode(t, tn.SetUserStatus(ctx, owner.ID, tenant.UserDisabled, audit), apperr.Conflict)
		wantSession(t, tn, token, owner)
	})

	t.Run("one of two owners can be demoted, then the other is the last", func(t *testing.T) {
		t.Parallel()
		f := mustOpenFixture(t)
		tn, owner := f.mustOpenAgency(t, "acme")
		second := mustAddUser(t, tn, "second@example.test", tenant.RoleOwner)
		if err := tn.SetRole(ctx, owner.ID, tenant.RoleAdmin, audit); err != nil {
			t.Fatal(err)
		}
		wantCode(t, tn.SetRole(ctx, second.ID, tenant.RoleStaff, audit), apperr.Conflict)
		wantCode(t, tn.SetUserStatus(ctx, second.ID, tenant.UserDisabled, audit), apperr.Conflict)
	})

	t.Run("one of two owners can be disabled, then the other is the last", func(t *testing.T) {
		t.Parallel()
		f := mustOpenFixture(t)
		tn, owner := f.mustOpenAgency(t, "acme")
		second := mustAddUser(t, tn, "second@example.test", tenant.RoleOwner)
		if err := tn.SetUserStatus(ctx, second.ID, tenant.UserDisabled, audit); err != nil {
			t.Fatal(err)
		}
		// A disabled owner cannot sign in, so it does not count.
		wantCode(t, tn.SetRole(ctx, owner.ID, tenant.RoleAdmin, audit), apperr.Conflict)
		wantCode(t, tn.SetUserStatus(ctx, owner.ID, tenant.UserDisabled, audit), apperr.Conflict)
	})
}

// TestRevokeAndEndOtherSessions: a person ends only their own sessions.
// Revoking another person's session id is not found and leaves it open;
// ending "every other session" keeps the one in use and other people's.
func TestRevokeAndEndOtherSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "acme")
	staff := mustAddUser(t, tn, "staff@example.test", tenant.RoleStaff)
	here, hereS := mustSignIn(t, tn, owner, testTimeouts)
	elsewhere, elsewhereS := mustSignIn(t, tn, owner, testTimeouts)
	third, _ := mustSignIn(t, tn, owner, testTimeouts)
	staffToken, staffS := mustSignIn(t, tn, staff, testTimeouts)
	audit := tenant.Audit{ActorID: owner.ID, Action: "session.revoked"}

	t.Run("another person's session is not found, and stays", func(t *testing.T) {
		wantCode(t, tn.RevokeSession(ctx, owner.ID, staffS.ID, audit), apperr.NotFound)
		wantSession(t, tn, staffToken, staff)
	})
	t.Run("one's own session is revoked, and only it", func(t *testing.T) {
		if err := tn.RevokeSession(ctx, owner.ID, elsewhereS.ID, audit); err != nil {
			t.Fatal(err)
		}
		wantNoSession(t, tn, elsewhere)
		wantSession(t, tn, here, owner)
		wantCode(t, tn.RevokeSession(ctx, owner.ID, elsewhereS.ID, audit), apperr.NotFound) // already gone
	})
	t.Run("ending the others keeps this one and other people's", func(t *testing.T) {
		n, err := tn.EndOtherSessions(ctx, owner.ID, hereS.ID, tenant.Audit{ActorID: owner.ID, Action: "session.others_ended"})
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("ended %d sessions, want 1 (the third)", n)
		}
		wantNoSession(t, tn, third)
		wantSession(t, tn, here, owner)
		wantSession(t, tn, staffToken, staff)
	})
}
