package db_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/db"
)

// wantSession fails unless token opens a session of user u.
func wantSession(t *testing.T, tenant *db.Tenant, token string, u *db.User) *db.Session {
	t.Helper()
	s, got, err := tenant.SessionByToken(context.Background(), token, testTimeouts.Idle)
	if err != nil {
		t.Fatalf("session refused: %v", err)
	}
	if got.ID != u.ID {
		t.Fatalf("session of %s, want %s", got.ID, u.ID)
	}
	return s
}

// wantNoSession fails unless token is refused as not found.
func wantNoSession(t *testing.T, tenant *db.Tenant, token string) {
	t.Helper()
	_, _, err := tenant.SessionByToken(context.Background(), token, testTimeouts.Idle)
	wantCode(t, err, apperr.NotFound)
}

func TestSessionByToken(t *testing.T) {
	ctx := context.Background()

	t.Run("a fresh session is found with its user", func(t *testing.T) {
		f := mustOpenFixture(t)
		tenant, owner := f.mustOpenAgency(t, "acme")
		token, s := mustSignIn(t, tenant, owner, testTimeouts)
		if got := wantSession(t, tenant, token, owner); got.ID != s.ID || got.CSRFToken != s.CSRFToken {
			t.Fatalf("got session %+v, want %+v", got, s)
		}
	})

	t.Run("an unknown token is not found", func(t *testing.T) {
		f := mustOpenFixture(t)
		tenant, _ := f.mustOpenAgency(t, "acme")
		wantNoSession(t, tenant, "no-such-token")
	})

	t.Run("a session idle for longer than the idle timeout is refused", func(t *testing.T) {
		f := mustOpenFixture(t)
		tenant, owner := f.mustOpenAgency(t, "acme")
		token, s := mustSignIn(t, tenant, owner, testTimeouts)
		f.clock.Advance(testTimeouts.Idle - time.Minute)
		wantSession(t, tenant, token, owner)
		if err := tenant.TouchSession(ctx, s.ID, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(testTimeouts.Idle - time.Minute)
		wantSession(t, tenant, token, owner) // touched: idle counts from there
		f.clock.Advance(2 * time.Minute)
		wantNoSession(t, tenant, token)
	})

	t.Run("an active session is refused after its absolute expiry", func(t *testing.T) {
		f := mustOpenFixture(t)
		tenant, owner := f.mustOpenAgency(t, "acme")
		timeouts := db.SessionTimeouts{Idle: 2 * time.Hour, Absolute: 5 * time.Hour}
		token, s := mustSignIn(t, tenant, owner, timeouts)
		for range 4 {
			f.clock.Advance(time.Hour)
			wantSession(t, tenant, token, owner)
			if err := tenant.TouchSession(ctx, s.ID, ""); err != nil {
				t.Fatal(err)
			}
		}
		f.clock.Advance(time.Hour)
		wantNoSession(t, tenant, token)
	})

	t.Run("a disabled user's session is refused", func(t *testing.T) {
		f := mustOpenFixture(t)
		tenant, owner := f.mustOpenAgency(t, "acme")
		staff := mustAddUser(t, tenant, "staff@example.test", db.RoleStaff)
		token, _ := mustSignIn(t, tenant, staff, testTimeouts)
		if err := tenant.SetUserStatus(ctx, staff.ID, db.UserDisabled, db.Audit{ActorID: owner.ID, Action: "user.disabled"}); err != nil {
			t.Fatal(err)
		}
		wantNoSession(t, tenant, token)
	})

	t.Run("a session outliving its user's disabling is still refused", func(t *testing.T) {
		f := mustOpenFixture(t)
		tenant, _ := f.mustOpenAgency(t, "acme")
		staff := mustAddUser(t, tenant, "staff@example.test", db.RoleStaff)
		token, _ := mustSignIn(t, tenant, staff, testTimeouts)
		// Disable behind SetUserStatus's back, keeping the session row, so the
		// status check itself is what refuses.
		err := tenant.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE users SET status = 'disabled' WHERE id = ?`, staff.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		wantNoSession(t, tenant, token)
	})
}

func TestChangePassword(t *testing.T) {
	ctx := context.Background()

	t.Run("only the given session survives", func(t *testing.T) {
		f := mustOpenFixture(t)
		tenant, owner := f.mustOpenAgency(t, "acme")
		staff := mustAddUser(t, tenant, "staff@example.test", db.RoleStaff)
		token1, _ := mustSignIn(t, tenant, owner, testTimeouts)
		token2, kept := mustSignIn(t, tenant, owner, testTimeouts)
		token3, _ := mustSignIn(t, tenant, owner, testTimeouts)
		staffToken, _ := mustSignIn(t, tenant, staff, testTimeouts)

		if err := tenant.ChangePassword(ctx, owner.ID, "new-hash", kept.ID, db.Audit{ActorID: owner.ID, Action: "password.changed"}); err != nil {
			t.Fatal(err)
		}
		wantNoSession(t, tenant, token1)
		wantSession(t, tenant, token2, owner)
		wantNoSession(t, tenant, token3)
		wantSession(t, tenant, staffToken, staff)
		u, err := tenant.UserByID(ctx, owner.ID)
		if err != nil {
			t.Fatal(err)
		}
		if u.PasswordHash != "new-hash" {
			t.Fatalf("password hash = %q, want the new one", u.PasswordHash)
		}
	})
}

func TestLastOwner(t *testing.T) {
	ctx := context.Background()
	audit := db.Audit{Action: "test"}

	t.Run("the only owner cannot be demoted", func(t *testing.T) {
		f := mustOpenFixture(t)
		tenant, owner := f.mustOpenAgency(t, "acme")
		wantCode(t, tenant.SetRole(ctx, owner.ID, db.RoleAdmin, audit), apperr.Conflict)
		if u, _ := tenant.UserByID(ctx, owner.ID); u.Role != db.RoleOwner {
			t.Fatalf("role = %s after a refused demotion", u.Role)
		}
	})

	t.Run("the only owner cannot be disabled", func(t *testing.T) {
		f := mustOpenFixture(t)
		tenant, owner := f.mustOpenAgency(t, "acme")
		token, _ := mustSignIn(t, tenant, owner, testTimeouts)
		wantCode(t, tenant.SetUserStatus(ctx, owner.ID, db.UserDisabled, audit), apperr.Conflict)
		wantSession(t, tenant, token, owner)
	})

	t.Run("one of two owners can be demoted, then the other is the last", func(t *testing.T) {
		f := mustOpenFixture(t)
		tenant, owner := f.mustOpenAgency(t, "acme")
		second := mustAddUser(t, tenant, "second@example.test", db.RoleOwner)
		if err := tenant.SetRole(ctx, owner.ID, db.RoleAdmin, audit); err != nil {
			t.Fatal(err)
		}
		wantCode(t, tenant.SetRole(ctx, second.ID, db.RoleStaff, audit), apperr.Conflict)
		wantCode(t, tenant.SetUserStatus(ctx, second.ID, db.UserDisabled, audit), apperr.Conflict)
	})

	t.Run("one of two owners can be disabled, then the other is the last", func(t *testing.T) {
		f := mustOpenFixture(t)
		tenant, owner := f.mustOpenAgency(t, "acme")
		second := mustAddUser(t, tenant, "second@example.test", db.RoleOwner)
		if err := tenant.SetUserStatus(ctx, second.ID, db.UserDisabled, audit); err != nil {
			t.Fatal(err)
		}
		// A disabled owner cannot sign in, so it does not count.
		wantCode(t, tenant.SetRole(ctx, owner.ID, db.RoleAdmin, audit), apperr.Conflict)
		wantCode(t, tenant.SetUserStatus(ctx, owner.ID, db.UserDisabled, audit), apperr.Conflict)
	})
}
