package tenant_test

import (
	"context"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/auth"
	"mintedmind/db/tenant"
)

// mustContact makes a portal contact of a new client through the contact
// invite, as the client's Portal tab does.
func mustContact(t *testing.T, tn *tenant.Store, owner *tenant.User, clientName, email string) (*tenant.Client, *tenant.User) {
	t.Helper()
	ctx := context.Background()
	v := tenant.Viewer{UserID: owner.ID}
	cl, err := tn.CreateClient(ctx, v, tenant.ClientInput{Name: clientName, Kind: tenant.ClientCompany}, tenant.Audit{Action: "client.created"})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := tn.CreateContactInvite(ctx, v, cl.ID, email, owner.ID, time.Hour, tenant.Audit{Action: "contact.invited"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := tn.AcceptInvite(ctx, token, "Contact "+email, testHash, tenant.Audit{Action: "invite.accepted"})
	if err != nil {
		t.Fatal(err)
	}
	return cl, u
}

func TestTeamAndContactsApart(t *testing.T) {
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "apart")
	ctx := context.Background()
	v := tenant.Viewer{UserID: owner.ID}
	cl, contact := mustContact(t, tn, owner, "Acme", "cora@acme.test")
	staffer := mustAddUser(t, tn, "sam@agency.test", tenant.RoleStaff)

	t.Run("the team cannot invite a client contact", func(t *testing.T) {
		before := queryInt(t, tn, `SELECT COUNT(*) FROM invites`)
		_, _, err := tn.CreateInvite(ctx, "orphan@example.test", tenant.RoleClient, owner.ID, time.Hour, tenant.Audit{Action: "invite.sent"})
		wantCode(t, err, apperr.Invalid)
		if queryInt(t, tn, `SELECT COUNT(*) FROM invites`) != before {
			t.Fatal("an invite was stored")
		}
		_, _, err = tn.CreateInvite(ctx, "nobody@example.test", "emperor", owner.ID, time.Hour, tenant.Audit{Action: "invite.sent"})
		wantCode(t, err, apperr.Invalid)
	})

	t.Run("a contact cannot be given a team role, nor a team member the client role", func(t *testing.T) {
		for _, role := range []string{tenant.RoleOwner, tenant.RoleAdmin, tenant.RoleStaff} {
			wantCode(t, tn.SetRole(ctx, contact.ID, role, tenant.Audit{Action: "user.role_changed"}), apperr.Conflict)
		}
		wantCode(t, tn.SetRole(ctx, staffer.ID, tenant.RoleClient, tenant.Audit{Action: "user.role_changed"}), apperr.Conflict)
		if got := queryInt(t, tn, `SELECT COUNT(*) FROM users WHERE role = 'client' AND id = ?`, contact.ID); got != 1 {
			t.Fatal("the contact's role changed")
		}
		if got := queryInt(t, tn, `SELECT COUNT(*) FROM users WHERE role = 'staff' AND id = ?`, staffer.ID); got != 1 {
			t.Fatal("the staff member's role changed")
		}
		if err := tn.SetRole(ctx, staffer.ID, tenant.RoleAdmin, tenant.Audit{Action: "user.role_changed"}); err != nil {
			t.Fatalf("staff to admin: %v", err)
		}
	})

	t.Run("an old client invite tied to no client creates no account", func(t *testing.T) {
		// As the team page's "Client" invite stored them.
		token := "legacy-token-0123456789abcdefghijklmnopqrstuvw"
		if _, err := tn.Write().ExecContext(ctx, `INSERT INTO invites (id, email, role, token_hash, created_at, expires_at) VALUES ('legacy', 'lost@example.test', 'client', ?, ?, ?)`,
			auth.HashToken(token), f.clock.Now().Unix(), f.clock.Now().Add(time.Hour).Unix()); err != nil {
			t.Fatal(err)
		}
		_, err := tn.AcceptInvite(ctx, token, "Lost Person", testHash, tenant.Audit{Action: "invite.accepted"})
		wantCode(t, err, apperr.NotFound)
		if queryInt(t, tn, `SELECT COUNT(*) FROM users WHERE email = 'lost@example.test'`) != 0 {
			t.Fatal("an account was made")
		}
		// It shows on the team's list, to be withdrawn, and cannot be sent again.
		if _, _, err := tn.ResendInvite(ctx, "legacy", time.Hour, tenant.Audit{Action: "invite.resent"}); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("resend: %v", err)
		}
		if err := tn.RevokeInvite(ctx, "legacy", tenant.Audit{Action: "invite.revoked"}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("team invites and client invites are listed and handled apart", func(t *testing.T) {
		_, staffInv, err := tn.CreateInvite(ctx, "new@agency.test", tenant.RoleStaff, owner.ID, time.Hour, tenant.Audit{Action: "invite.sent"})
		if err != nil {
			t.Fatal(err)
		}
		_, contactInv, err := tn.CreateContactInvite(ctx, v, cl.ID, "dan@acme.test", owner.ID, time.Hour, tenant.Audit{Action: "contact.invited"})
		if err != nil {
			t.Fatal(err)
		}
		team, err := tn.TeamInvites(ctx)
		if err != nil || len(team) != 1 || team[0].ID != staffInv.ID {
			t.Fatalf("team invites %v (%v)", team, err)
		}
		contacts, err := tn.ClientInvites(ctx, cl.ID)
		if err != nil || len(contacts) != 1 || contacts[0].ID != contactInv.ID {
			t.Fatalf("client invites %v (%v)", contacts, err)
		}
		// The team's actions do not reach a contact's invite.
		wantCode(t, tn.RevokeInvite(ctx, contactInv.ID, tenant.Audit{Action: "invite.revoked"}), apperr.NotFound)
		_, _, err = tn.ResendInvite(ctx, contactInv.ID, time.Hour, tenant.Audit{Action: "invite.resent"})
		wantCode(t, err, apperr.NotFound)
		// Nor a client's actions another client's invite, or the team's.
		other, _ := mustContact(t, tn, owner, "Other Co", "olga@other.test")
		wantCode(t, tn.RevokeContactInvite(ctx, v, other.ID, contactInv.ID, tenant.Audit{Action: "contact.invite_revoked"}), apperr.NotFound)
		_, _, err = tn.ResendContactInvite(ctx, v, cl.ID, staffInv.ID, time.Hour, tenant.Audit{Action: "contact.invite_resent"})
		wantCode(t, err, apperr.NotFound)
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM invites WHERE id IN (?, ?) AND revoked_at IS NULL`, staffInv.ID, contactInv.ID); n != 2 {
			t.Fatalf("%d of the two invites left pending", n)
		}
	})

	t.Run("a resent invite has a new link, also after it expired", func(t *testing.T) {
		oldToken, inv, err := tn.CreateContactInvite(ctx, v, cl.ID, "eve@acme.test", owner.ID, time.Hour, tenant.Audit{Action: "contact.invited"})
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(2 * time.Hour)
		list, _ := tn.ClientInvites(ctx, cl.ID)
		expired := false
		for _, i := range list {
			expired = expired || (i.ID == inv.ID && i.Expired)
		}
		if !expired {
			t.Fatal("the expired invite is not listed as expired")
		}
		newToken, again, err := tn.ResendContactInvite(ctx, v, cl.ID, inv.ID, 24*time.Hour, tenant.Audit{Action: "contact.invite_resent"})
		if err != nil {
			t.Fatal(err)
		}
		if !again.ExpiresAt.After(f.clock.Now()) {
			t.Fatalf("expires %v", again.ExpiresAt)
		}
		if _, err := tn.InviteByToken(ctx, oldToken); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("the old link still works: %v", err)
		}
		if got, err := tn.InviteByToken(ctx, newToken); err != nil || got.ClientID != cl.ID {
			t.Fatalf("the new link: %v %v", got, err)
		}
		if n := len(auditActions(t, tn, "contact.invite_resent")); n != 1 {
			t.Fatalf("%d audit entries", n)
		}
	})

	t.Run("a staff member limited to their own clients cannot touch another's", func(t *testing.T) {
		own := tenant.Viewer{UserID: staffer.ID, OwnOnly: true}
		_, _, err := tn.CreateContactInvite(ctx, own, cl.ID, "x@acme.test", staffer.ID, time.Hour, tenant.Audit{Action: "contact.invited"})
		wantCode(t, err, apperr.NotFound)
		wantCode(t, tn.SetContactStatus(ctx, own, cl.ID, contact.ID, tenant.UserDisabled, tenant.Audit{Action: "contact.disabled"}), apperr.NotFound)
	})

	t.Run("a contact's account is disabled from its own client only", func(t *testing.T) {
		other, _ := mustContact(t, tn, owner, "Third Co", "tom@third.test")
		wantCode(t, tn.SetContactStatus(ctx, v, other.ID, contact.ID, tenant.UserDisabled, tenant.Audit{Action: "contact.disabled"}), apperr.NotFound)
		wantCode(t, tn.SetContactStatus(ctx, v, cl.ID, staffer.ID, tenant.UserDisabled, tenant.Audit{Action: "contact.disabled"}), apperr.NotFound)
		mustSignIn(t, tn, contact, testTimeouts)
		if err := tn.SetContactStatus(ctx, v, cl.ID, contact.ID, tenant.UserDisabled, tenant.Audit{Action: "contact.disabled"}); err != nil {
			t.Fatal(err)
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM sessions WHERE user_id = ?`, contact.ID) != 0 {
			t.Fatal("the disabled contact kept a session")
		}
		if err := tn.SetContactStatus(ctx, v, cl.ID, contact.ID, tenant.UserActive, tenant.Audit{Action: "contact.enabled"}); err != nil {
			t.Fatal(err)
		}
	})
}

// auditActions lists the audit entries of action.
func auditActions(t *testing.T, tn *tenant.Store, action string) []tenant.Audit {
	t.Helper()
	entries, err := tn.AuditLog(context.Background(), tenant.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}
