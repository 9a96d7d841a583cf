package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"mintedmind/db/tenant"
)

// teamFixture is an agency with a staff member, an admin, and a client
// "Acme" with a portal contact, and another agency B.
type teamFixture struct {
	e            *env
	a, b         *agency
	tn           *tenant.Store
	admin        *browser
	acme         *tenant.Client
	contact      *tenant.User
	contactEmail string
}

func mustTeamFixture(t *testing.T) *teamFixture {
	f := &teamFixture{e: mustNewEnv(t)}
	f.a = f.e.mustSignup(t, "team")
	f.b = f.e.mustSignup(t, "team-b")
	f.tn = f.e.mustTenant(t, f.a.ID)
	f.admin, _ = f.e.mustAddUser(t, f.a, "admin")
	_, f.contactEmail = f.e.mustAddUser(t, f.a, "client")
	f.contact = mustUser(t, f.tn, f.contactEmail)
	var err error
	if f.acme, err = f.tn.Client(context.Background(), tenant.Viewer{UserID: mustUser(t, f.tn, f.a.OwnerEmail).ID}, f.contact.ClientID); err != nil {
		t.Fatal(err)
	}
	return f
}

// state is every invite and user row, to prove a refused request changed nothing.
func (f *teamFixture) state(t *testing.T) string {
	t.Helper()
	var sb strings.Builder
	for _, q := range []string{
		`SELECT id || '|' || email || '|' || role || '|' || COALESCE(client_id, '') || '|' || expires_at || '|' || COALESCE(revoked_at, '') || '|' || token_hash FROM invites ORDER BY id`,
		`SELECT id || '|' || role || '|' || status || '|' || COALESCE(client_id, '') FROM users ORDER BY id`,
	} {
		rows, err := f.tn.Read().QueryContext(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			sb.WriteString(s + "\n")
		}
		rows.Close()
	}
	return sb.String()
}

func TestTeamPageIsStaffOnly(t *testing.T) {
	t.Parallel()
	f := mustTeamFixture(t)
	base := "/a/" + f.a.Slug

	t.Run("the team page lists staff, not client contacts, and offers no client role", func(t *testing.T) {
		res := f.a.Owner.get(base + "/users")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, f.a.OwnerEmail)
		wantLacks(t, res, f.contactEmail)
		wantLacks(t, res, `<option value="client"`)
		wantContains(t, res, "invited from their client")
	})

	t.Run("a client invite from the team page is refused and stores nothing", func(t *testing.T) {
		before := f.state(t)
		res := f.a.Owner.post(base+"/invites", url.Values{"email": {"orphan@example.test"}, "role": {"client"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Choose a role you are allowed to give.")
		if f.state(t) != before {
			t.Fatal("something changed")
		}
	})

	t.Run("a contact cannot be made owner, or disabled, from the team's routes", func(t *testing.T) {
		before := f.state(t)
		wantStatus(t, f.a.Owner.post(base+"/users/"+f.contact.ID+"/role", url.Values{"role": {"owner"}}), http.StatusNotFound)
		wantStatus(t, f.a.Owner.post(base+"/users/"+f.contact.ID+"/disable", nil), http.StatusNotFound)
		if f.state(t) != before {
			t.Fatal("the contact changed")
		}
	})

	t.Run("a staff member cannot be made a client", func(t *testing.T) {
		_, email := f.e.mustAddUser(t, f.a, "staff")
		u := mustUser(t, f.tn, email)
		res := f.a.Owner.post(base+"/users/"+u.ID+"/role", url.Values{"role": {"client"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if mustUser(t, f.tn, email).Role != tenant.RoleStaff {
			t.Fatal("the role changed")
		}
	})
}

var invitePath = regexp.MustCompile(`/a/[^/]+/invite/[A-Za-z0-9_-]+`)

// inviteLink waits for the next email to to and returns its invite link's path.
func (f *teamFixture) inviteLink(t *testing.T, to string) string {
	t.Helper()
	f.e.flushMail(t)
	m := invitePath.FindString(f.e.smtp.WaitFor(t, to, 5*time.Second).Body)
	if m == "" {
		t.Fatalf("no invite link in the email to %s", to)
	}
	return m
}

func TestStaffInvitationsResent(t *testing.T) {
	t.Parallel()
	f := mustTeamFixture(t)
	base := "/a/" + f.a.Slug
	f.a.Owner.get(base + "/users")
	wantStatus(t, f.a.Owner.post(base+"/invites", url.Values{"email": {"newbie@example.test"}, "role": {"staff"}}), http.StatusSeeOther)
	first := f.inviteLink(t, "newbie@example.test")
	invites, err := f.tn.TeamInvites(context.Background())
	if err != nil || len(invites) != 1 {
		t.Fatalf("invites %v (%v)", invites, err)
	}
	id := invites[0].ID

	t.Run("an expired invitation shows and is sent again with a new link", func(t *testing.T) {
		f.e.clock.Advance(f.e.cfg.InviteTTL + time.Hour)
		// Every session has ended by now: sign in again.
		f.a.Owner = f.e.mustLogin(t, f.a, f.a.OwnerEmail)
		f.b.Owner = f.e.mustLogin(t, f.b, f.b.OwnerEmail)
		f.admin = f.e.mustLogin(t, f.a, mustUserEmailOfRole(t, f.tn, tenant.RoleAdmin))
		wantStatus(t, f.e.newClient().get(first), http.StatusNotFound)
		res := f.a.Owner.get(base + "/users")
		wantContains(t, res, "expired")
		wantContains(t, res, base+"/invites/"+id+"/resend")
		wantStatus(t, f.a.Owner.post(base+"/invites/"+id+"/resend", nil), http.StatusSeeOther)
		second := f.inviteLink(t, "newbie@example.test")
		if second == first {
			t.Fatal("the same link was sent again")
		}
		wantStatus(t, f.e.newClient().get(second), http.StatusOK)
		if len(auditEntries(t, f.tn, "invite.resent")) != 1 {
			t.Fatal("no audit entry")
		}
	})

	t.Run("an admin cannot resend an owner's invitation", func(t *testing.T) {
		_, inv, err := f.tn.CreateInvite(context.Background(), "co-owner@example.test", tenant.RoleOwner, "", time.Hour, tenant.Audit{Action: "invite.sent"})
		if err != nil {
			t.Fatal(err)
		}
		ownerInvite := inv.ID
		f.admin.get(base + "/users")
		before := f.state(t)
		wantStatus(t, f.admin.post(base+"/invites/"+ownerInvite+"/resend", nil), http.StatusForbidden)
		if f.state(t) != before {
			t.Fatal("the invite changed")
		}
	})

	t.Run("a contact's invitation is not the team's to resend or withdraw", func(t *testing.T) {
		_, inv, err := f.tn.CreateContactInvite(context.Background(), tenant.Viewer{UserID: mustUser(t, f.tn, f.a.OwnerEmail).ID}, f.acme.ID, "dora@acme.test", "", time.Hour, tenant.Audit{Action: "contact.invited"})
		if err != nil {
			t.Fatal(err)
		}
		before := f.state(t)
		wantStatus(t, f.a.Owner.post(base+"/invites/"+inv.ID+"/resend", nil), http.StatusNotFound)
		wantStatus(t, f.a.Owner.post(base+"/invites/"+inv.ID+"/revoke", nil), http.StatusNotFound)
		if f.state(t) != before {
			t.Fatal("the contact's invite changed")
		}
	})

	t.Run("another agency's owner gets 404 and changes nothing", func(t *testing.T) {
		before := f.state(t)
		f.b.Owner.get("/a/" + f.b.Slug + "/users")
		wantStatus(t, f.b.Owner.post("/a/"+f.b.Slug+"/invites/"+id+"/resend", nil), http.StatusNotFound)
		wantStatus(t, f.b.Owner.post(base+"/invites/"+id+"/resend", nil), http.StatusNotFound)
		if f.state(t) != before {
			t.Fatal("something changed")
		}
	})
}

func TestContactsOnTheClientsPortalTab(t *testing.T) {
	t.Parallel()
	f := mustTeamFixture(t)
	base := "/a/" + f.a.Slug
	clientURL := base + "/clients/" + f.acme.ID
	staffer, _ := f.e.mustAddUser(t, f.a, "staff")

	staffer.get(clientURL + "?tab=portal")
	wantStatus(t, staffer.post(clientURL+"/contacts", url.Values{"email": {"erin@acme.test"}}), http.StatusSeeOther)
	first := f.inviteLink(t, "erin@acme.test")
	invites, _ := f.tn.ClientInvites(context.Background(), f.acme.ID)
	if len(invites) != 1 {
		t.Fatalf("%d invites", len(invites))
	}
	id := invites[0].ID

	t.Run("the tab lists the contact and the invitation with their actions", func(t *testing.T) {
		res := staffer.get(clientURL + "?tab=portal")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, f.contactEmail)
		wantContains(t, res, clientURL+"/contacts/"+f.contact.ID+"/disable")
		wantContains(t, res, "erin@acme.test")
		wantContains(t, res, clientURL+"/invites/"+id+"/resend")
		wantContains(t, res, clientURL+"/invites/"+id+"/revoke")
	})

	t.Run("staff send the invitation again: a new link, the old one dead", func(t *testing.T) {
		wantStatus(t, staffer.post(clientURL+"/invites/"+id+"/resend", nil), http.StatusSeeOther)
		second := f.inviteLink(t, "erin@acme.test")
		if second == first {
			t.Fatal("the same link")
		}
		wantStatus(t, f.e.newClient().get(first), http.StatusNotFound)
		wantStatus(t, f.e.newClient().get(second), http.StatusOK)
	})

	t.Run("another agency's staff get 404 for every contact action and change nothing", func(t *testing.T) {
		before := f.state(t)
		b := f.b.Owner
		b.get("/a/" + f.b.Slug + "/clients")
		for _, p := range []string{"/invites/" + id + "/resend", "/invites/" + id + "/revoke", "/contacts/" + f.contact.ID + "/disable"} {
			b.get("/a/" + f.b.Slug + "/clients") // B's own token again: A's 404 page carries an anonymous one
			wantStatus(t, b.post("/a/"+f.b.Slug+"/clients/"+f.acme.ID+p, nil), http.StatusNotFound)
			wantStatus(t, b.post(clientURL+p, nil), http.StatusNotFound)
		}
		if f.state(t) != before {
			t.Fatal("something changed")
		}
	})

	t.Run("an invitation or contact of another client is not found under this one", func(t *testing.T) {
		_, otherEmail := f.e.mustAddUser(t, f.a, "client")
		other := mustUser(t, f.tn, otherEmail)
		before := f.state(t)
		wantStatus(t, staffer.post(base+"/clients/"+other.ClientID+"/invites/"+id+"/revoke", nil), http.StatusNotFound)
		wantStatus(t, staffer.post(clientURL+"/contacts/"+other.ID+"/disable", nil), http.StatusNotFound)
		if f.state(t) != before {
			t.Fatal("something changed")
		}
	})

	t.Run("staff withdraw it", func(t *testing.T) {
		wantStatus(t, staffer.post(clientURL+"/invites/"+id+"/revoke", nil), http.StatusSeeOther)
		wantLacks(t, staffer.get(clientURL+"?tab=portal"), "erin@acme.test")
	})

	t.Run("staff disable a contact, who is signed out, and enable them again", func(t *testing.T) {
		contact := f.e.mustLogin(t, f.a, f.contactEmail)
		wantStatus(t, staffer.post(clientURL+"/contacts/"+f.contact.ID+"/disable", nil), http.StatusSeeOther)
		wantStatus(t, contact.get(base+"/portal"), http.StatusSeeOther)
		if len(auditEntries(t, f.tn, "contact.disabled")) != 1 {
			t.Fatal("no audit entry")
		}
		wantStatus(t, staffer.post(clientURL+"/contacts/"+f.contact.ID+"/enable", nil), http.StatusSeeOther)
		f.e.mustLogin(t, f.a, f.contactEmail)
	})
}

// mustUserEmailOfRole is the email of the agency's first user of role.
func mustUserEmailOfRole(t *testing.T, tn *tenant.Store, role string) string {
	t.Helper()
	users, err := tn.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Role == role {
			return u.Email
		}
	}
	t.Fatalf("no %s", role)
	return ""
}
