package db_test

import (
	"context"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/db"
)

func TestInvites(t *testing.T) {
	ctx := context.Background()
	const ttl = 72 * time.Hour
	invite := func(t *testing.T, tenant *db.Tenant, email string) string {
		t.Helper()
		token, _, err := tenant.CreateInvite(ctx, email, db.RoleStaff, "", ttl, db.Audit{Action: "invite.created"})
		if err != nil {
			t.Fatal(err)
		}
		return token
	}
	accept := func(tenant *db.Tenant, token string) (*db.User, error) {
		return tenant.AcceptInvite(ctx, token, "Invited Person", testHash, db.Audit{Action: "invite.accepted"})
	}

	t.Run("an invite works once", func(t *testing.T) {
		f := mustOpenFixture(t)
		tenant, _ := f.mustOpenAgency(t, "acme")
		token := invite(t, tenant, "New.Person@Example.test")
		u, err := accept(tenant, token)
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "new.person@example.test" || u.Role != db.RoleStaff {
			t.Fatalf("got user %s with role %s", u.Email, u.Role)
		}
		_, err = accept(tenant, token)
		wantCode(t, err, apperr.NotFound)
		_, err = tenant.InviteByToken(ctx, token)
		wantCode(t, err, apperr.NotFound)
	})

	t.Run("an expired invite is refused and creates no user", func(t *testing.T) {
		f := mustOpenFixture(t)
		tenant, _ := f.mustOpenAgency(t, "acme")
		token := invite(t, tenant, "late@example.test")
		f.clock.Advance(ttl)
		_, err := accept(tenant, token)
		wantCode(t, err, apperr.NotFound)
		_, err = tenant.UserByEmail(ctx, "late@example.test")
		wantCode(t, err, apperr.NotFound)
	})

	t.Run("a replaced invite is refused, its replacement works", func(t *testing.T) {
		f := mustOpenFixture(t)
		tenant, _ := f.mustOpenAgency(t, "acme")
		first := invite(t, tenant, "person@example.test")
		second := invite(t, tenant, "person@example.test")
		_, err := accept(tenant, first)
		wantCode(t, err, apperr.NotFound)
		if _, err := accept(tenant, second); err != nil {
			t.Fatal(err)
		}
	})
}

func TestResetPassword(t *testing.T) {
	ctx := context.Background()
	const ttl = time.Hour
	reset := func(tenant *db.Tenant, token string) (*db.User, error) {
		return tenant.ResetPassword(ctx, token, "reset-hash", db.Audit{Action: "password.reset"})
	}
	mustReset := func(t *testing.T, tenant *db.Tenant, userID string) string {
		t.Helper()
		token, err := tenant.CreatePasswordReset(ctx, userID, ttl)
		if err != nil {
			t.Fatal(err)
		}
		return token
	}

	t.Run("a reset works once and ends every session", func(t *testing.T) {
		f := mustOpenFixture(t)
		tenant, owner := f.mustOpenAgency(t, "acme")
		token1, _ := mustSignIn(t, tenant, owner, testTimeouts)
		token2, _ := mustSignIn(t, tenant, owner, testTimeouts)
		token := mustReset(t, tenant, owner.ID)

		u, err := reset(tenant, token)
		if err != nil {
			t.Fatal(err)
		}
		if u.ID != owner.ID {
			t.Fatalf("reset user %s, want %s", u.ID, owner.ID)
		}
		wantNoSession(t, tenant, token1)
		wantNoSession(t, tenant, token2)
		if sessions, err := tenant.UserSessions(ctx, owner.ID); err != nil || len(sessions) != 0 {
			t.Fatalf("UserSessions = %d, %v; want none", len(sessions), err)
		}
		if got, _ := tenant.UserByID(ctx, owner.ID); got.PasswordHash != "reset-hash" {
			t.Fatalf("password hash = %q, want the reset one", got.PasswordHash)
		}
		_, err = reset(tenant, token)
		wantCode(t, err, apperr.NotFound)
	})

	t.Run("using one reset link ends the others", func(t *testing.T) {
		f := mustOpenFixture(t)
		tenant, owner := f.mustOpenAgency(t, "acme")
		first := mustReset(t, tenant, owner.ID)
		second := mustReset(t, tenant, owner.ID)
		if _, err := reset(tenant, second); err != nil {
			t.Fatal(err)
		}
		_, err := reset(tenant, first)
		wantCode(t, err, apperr.NotFound)
	})

	t.Run("an expired reset is refused and changes nothing", func(t *testing.T) {
		f := mustOpenFixture(t)
		tenant, owner := f.mustOpenAgency(t, "acme")
		session, _ := mustSignIn(t, tenant, owner, testTimeouts)
		token := mustReset(t, tenant, owner.ID)
		f.clock.Advance(ttl)
		_, err := tenant.PasswordResetUser(ctx, token)
		wantCode(t, err, apperr.NotFound)
		_, err = reset(tenant, token)
		wantCode(t, err, apperr.NotFound)
		wantSession(t, tenant, session, owner)
		if got, _ := tenant.UserByID(ctx, owner.ID); got.PasswordHash != testHash {
			t.Fatalf("password hash = %q, want it unchanged", got.PasswordHash)
		}
	})
}
