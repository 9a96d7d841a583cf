package tenant_test

import (
	"context"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

func TestInvites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const ttl = 72 * time.Hour
	invite := func(t *testing.T, tn *tenant.Store, email string) string {
		t.Helper()
		token, _, err := tn.CreateInvite(ctx, email, tenant.RoleStaff, "", ttl, tenant.Audit{Action: "invite.created"})
		if err != nil {
			t.Fatal(err)
		}
		return token
	}
	accept := func(tn *tenant.Store, token string) (*tenant.User, error) {
		return tn.AcceptInvite(ctx, token, "Invited Person", testHash, tenant.Audit{Action: "invite.accepted"})
	}

	t.Run("an invite works once", func(t *testing.T) {
		t.Parallel()
		f := mustOpenFixture(t)
		tn, _ := f.mustOpenAgency(t, "acme")
		token := invite(t, tn, "New.Person@Example.test")
		u, err := accept(tn, token)
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "new.person@example.test" || u.Role != tenant.RoleStaff {
			t.Fatalf("got user %s with role %s", u.Email, u.Role)
		}
		_, err = accept(tn, token)
		wantCode(t, err, apperr.NotFound)
		_, err = tn.InviteByToken(ctx, token)
		wantCode(t, err, apperr.NotFound)
	})

	t.Run("an expired invite is refused and creates no user", func(t *testing.T) {
		t.Parallel()
		f := mustOpenFixture(t)
		tn, _ := f.mustOpenAgency(t, "acme")
		token := invite(t, tn, "late@example.test")
		f.clock.Advance(ttl)
		_, err := accept(tn, token)
		wantCode(t, err, apperr.NotFound)
		_, err = tn.UserByEmail(ctx, "late@example.test")
		wantCode(t, err, apperr.NotFound)
	})

	t.Run("a replaced invite is refused, its replacement works", func(t *testing.T) {
		t.Parallel()
		f := mustOpenFixture(t)
		tn, _ := f.mustOpenAgency(t, "acme")
		first := invite(t, tn, "person@example.test")
		second := invite(t, tn, "person@example.test")
		_, err := accept(tn, first)
		wantCode(t, err, apperr.NotFound)
		if _, err := accept(tn, second); err != nil {
			t.Fatal(err)
		}
	})
}

func TestResetPassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const ttl = time.Hour
	reset := func(tn *tenant.Store, token string) (*tenant.User, error) {
		return tn.ResetPassword(ctx, token, "reset-hash", tenant.Audit{Action: "password.reset"})
	}
	mustReset := func(t *testing.T, tn *tenant.Store, userID string) string {
		t.Helper()
		token, err := tn.CreatePasswordReset(ctx, userID, ttl)
		if err != nil {
			t.Fatal(err)
		}
		return token
	}

	t.Run("a reset works once and ends every session", func(t *testing.T) {
		t.Parallel()
		f := mustOpenFixture(t)
		tn, owner := f.mustOpenAgency(t, "acme")
		token1, _ := mustSignIn(t, tn, owner, testTimeouts)
		token2, _ := mustSignIn(t, tn, owner, testTimeouts)
		token := mustReset(t, tn, owner.ID)

		u, err := reset(tn, token)
		if err != nil {
			t.Fatal(err)
		}
		if u.ID != owner.ID {
			t.Fatalf("reset user %s, want %s", u.ID, owner.ID)
		}
		wantNoSession(t, tn, token1)
		wantNoSession(t, tn, token2)
		if sessions, err := tn.UserSessions(ctx, owner.ID); err != nil || len(sessions) != 0 {
			t.Fatalf("UserSessions = %d, %v; want none", len(sessions), err)
		}
		if got, _ := tn.UserByID(ctx, owner.ID); got.PasswordHash != "reset-hash" {
			t.Fatalf("password hash = %q, want the reset one", got.PasswordHash)
		}
		_, err = reset(tn, token)
		wantCode(t, err, apperr.NotFound)
	})

	t.Run("using one reset link ends the others", func(t *testing.T) {
		t.Parallel()
		f := mustOpenFixture(t)
		tn, owner := f.mustOpenAgency(t, "acme")
		first := mustReset(t, tn, owner.ID)
		second := mustReset(t, tn, owner.ID)
		if _, err := reset(tn, second); err != nil {
			t.Fatal(err)
		}
		_, err := reset(tn, first)
		wantCode(t, err, apperr.NotFound)
	})

	t.Run("an expired reset is refused and changes nothing", func(t *testing.T) {
		t.Parallel()
		f := mustOpenFixture(t)
		tn, owner := f.mustOpenAgency(t, "acme")
		session, _ := mustSignIn(t, tn, owner, testTimeouts)
		token := mustReset(t, tn, owner.ID)
		f.clock.Advance(ttl)
		_, err := tn.PasswordResetUser(ctx, token)
		wantCode(t, err, apperr.NotFound)
		_, err = reset(tn, token)
		wantCode(t, err, apperr.NotFound)
		wantSession(t, tn, session, owner)
		if got, _ := tn.UserByID(ctx, owner.ID); got.PasswordHash != testHash {
			t.Fatalf("password hash = %q, want it unchanged", got.PasswordHash)
		}
	})

	t.Run("the link of a person disabled after it was sent is refused and changes nothing", func(t *testing.T) {
		t.Parallel()
		f := mustOpenFixture(t)
		tn, _ := f.mustOpenAgency(t, "acme")
		staff := mustAddUser(t, tn, "staff@example.com", tenant.RoleStaff)
		token := mustReset(t, tn, staff.ID)
		if err := tn.SetUserStatus(ctx, staff.ID, tenant.UserDisabled, tenant.Audit{Action: "user.disabled"}); err != nil {
			t.Fatal(err)
		}
		_, err := tn.PasswordResetUser(ctx, token)
		wantCode(t, err, apperr.NotFound)
		_, err = reset(tn, token)
		wantCode(t, err, apperr.NotFound)
		if got, _ := tn.UserByID(ctx, staff.ID); got.PasswordHash != testHash || got.Status != tenant.UserDisabled {
			t.Fatalf("user = %q, %q; want the old hash and still disabled", got.PasswordHash, got.Status)
		}
	})
}
