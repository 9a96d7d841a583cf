package tenant_test

import (
	"context"
	"testing"

	"mintedmind/db/tenant"
)

// Disabling an account deletes its sessions, so enabling it again does not
// bring back a session signed in before the disabling.
func TestDisablingDeletesSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "acme")
	staff := mustAddUser(t, tn, "staff@example.test", tenant.RoleStaff)
	token, _ := mustSignIn(t, tn, staff, testTimeouts)
	mustSignIn(t, tn, staff, testTimeouts)
	for _, status := range []string{tenant.UserDisabled, tenant.UserActive} {
		if err := tn.SetUserStatus(ctx, staff.ID, status, tenant.Audit{ActorID: owner.ID, Action: "user." + status}); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("the account has no session left", func(t *testing.T) {
		sessions, err := tn.UserSessions(ctx, staff.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(sessions) != 0 {
			t.Errorf("%d sessions after disabling, want none", len(sessions))
		}
	})
	t.Run("enabled again, the old cookie signs nobody in", func(t *testing.T) {
		wantNoSession(t, tn, token)
	})
}
