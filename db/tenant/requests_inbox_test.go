package tenant_test

import (
	"context"
	"testing"

	"mintedmind/db/tenant"
)

// The inbox counts open client requests nobody is assigned to, and only
// those: many unassigned cases opened by staff (which once made the count
// read every one of them on every staff page) are not requests.
func TestInboxCountsOpenUnassignedRequestsOnly(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "inbox-count")
	staff := mustAddUser(t, tn, "staff@inbox-count.test", "staff")
	client := mustCaseClient(t, tn, "Inbox client", "")
	ctx := context.Background()
	for range 30 {
		mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: client, Title: "Opened by staff"})
	}
	request := func(title, assignee, status string) string {
		k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: client, Title: title, AssigneeID: assignee})
		if _, err := tn.Write().ExecContext(ctx, `UPDATE cases SET origin = 'client', status = ? WHERE id = ?`, status, k.ID); err != nil {
			t.Fatal(err)
		}
		return k.ID
	}
	waiting := request("Waiting", "", "new")
	request("Taken", staff.ID, "in_progress")
	request("Done", "", "resolved")
	request("Closed", "", "closed")

	got, err := tn.Inbox(ctx, everything(owner))
	if err != nil {
		t.Fatal(err)
	}
	if got.Requests != 1 {
		t.Errorf("the inbox counts %d requests, want 1 (the open, unassigned one)", got.Requests)
	}
	list, err := tn.UnassignedRequests(ctx, everything(owner), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].CaseID != waiting {
		t.Errorf("unassigned requests %+v, want only %s", list, waiting)
	}
	// A restricted staff member sees none of them: not assigned, not responsible.
	if got, err := tn.Inbox(ctx, tenant.Viewer{UserID: staff.ID, OwnOnly: true}); err != nil || got.Requests != 0 {
		t.Errorf("a restricted staff member's inbox counts %d requests (%v), want 0", got.Requests, err)
	}
}
