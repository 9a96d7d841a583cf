package app_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

func TestEraseClientDeletesDocumentFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	a, owner := f.mustCreateAgency(t, "erase")
	tn := mustAcquire(t, f.pool, a.ID)
	v := tenant.Viewer{UserID: owner.ID}
	actor := tenant.Actor{ID: owner.ID, Name: owner.Name}
	c, err := tn.CreateClient(ctx, v, tenant.ClientInput{Name: "Erin Erased", Kind: "person"}, tenant.Audit{Action: "client.created"})
	if err != nil {
		t.Fatal(err)
	}
	k, err := tn.CreateCase(ctx, v, actor, tenant.CaseInput{ClientID: c.ID, Title: "Passport copy"})
	if err != nil {
		t.Fatal(err)
	}
	key := uuid.NewString()
	if err := os.WriteFile(filepath.Join(tn.FilesDir(), key), []byte("%PDF-1.4 her passport"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = tn.AddDocuments(ctx, tenant.StaffDocumentAccess(v), actor, k.ID, false, 1<<30,
		[]tenant.DocumentFile{{Name: "passport.pdf", ContentType: "application/pdf", Size: 21, StorageKey: key}}, func(int64) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	er, err := app.EraseClient(ctx, tn, v, c.ID, "Erin Erased", tenant.Audit{Action: "client.erased"})
	if err != nil {
		t.Fatal(err)
	}
	if len(er.Files) != 1 || er.Files[0] != key {
		t.Fatalf("erased files %q, want the document's", er.Files)
	}
	if _, err := os.Stat(filepath.Join(tn.FilesDir(), key)); !os.IsNotExist(err) {
		t.Fatalf("the document's file is still there (%v)", err)
	}
}

func TestPrivacyErasuresLeaveTheDirectory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	a, owner := f.mustCreateAgency(t, "erase-directory")
	tn := mustAcquire(t, f.pool, a.ID)
	v := tenant.Viewer{UserID: owner.ID}
	p := app.Privacy{Control: f.control, Agency: a, Tenant: tn}
	signsInHere := func(email string) bool {
		t.Helper()
		as, err := f.control.AgenciesForEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range as {
			if x.ID == a.ID {
				return true
			}
		}
		return false
	}
	// join accepts an invitation as a sign-up does, with its directory entry.
	join := func(token, email string) *tenant.User {
		t.Helper()
		u, err := tn.AcceptInvite(ctx, token, "Person "+email, "hash", tenant.Audit{Action: "invite.accepted"})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.control.AddToDirectory(ctx, email, a.ID); err != nil {
			t.Fatal(err)
		}
		return u
	}

	t.Run("a client's erasure removes their portal contacts' sign-in", func(t *testing.T) {
		c, err := tn.CreateClient(ctx, v, tenant.ClientInput{Name: "Carla Client", Kind: "person"}, tenant.Audit{Action: "client.created"})
		if err != nil {
			t.Fatal(err)
		}
		token, _, err := tn.CreateContactInvite(ctx, v, c.ID, "carla@example.test", "", time.Hour, tenant.Audit{Action: "contact.invited"})
		if err != nil {
			t.Fatal(err)
		}
		join(token, "carla@example.test")
		if !signsInHere("carla@example.test") {
			t.Fatal("the contact is not in the directory")
		}
		er, err := p.EraseClient(ctx, v, c.ID, "Carla Client", tenant.Audit{Action: "client.erased"})
		if err != nil || len(er.PortalEmails) != 1 {
			t.Fatalf("%+v, %v", er, err)
		}
		if signsInHere("carla@example.test") {
			t.Fatal("the erased contact still signs in here")
		}
	})
	t.Run("a person's erasure removes their sign-in", func(t *testing.T) {
		token, _, err := tn.CreateInvite(ctx, "sam@example.test", tenant.RoleStaff, "", time.Hour, tenant.Audit{Action: "invite.sent"})
		if err != nil {
			t.Fatal(err)
		}
		u := join(token, "sam@example.test")
		if err := tn.RequestDeletion(ctx, u.ID, tenant.Audit{Action: "privacy.deletion_requested"}); err != nil {
			t.Fatal(err)
		}
		if err := p.EraseUser(ctx, u.ID, tenant.Audit{Action: "privacy.deletion_carried_out"}); err != nil {
			t.Fatal(err)
		}
		if signsInHere("sam@example.test") {
			t.Fatal("the erased person still signs in here")
		}
	})
	t.Run("an agency that is not archived is not restored", func(t *testing.T) {
		err := app.RestoreAgency(ctx, f.control, f.pool, a, tenant.Audit{Action: "agency.restored"})
		if !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("%v", err)
		}
	})
}
