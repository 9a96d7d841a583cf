package tenant_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// race runs n calls of fn at once, released together, and counts those
// that passed and those refused with a conflict; any other error fails t.
func race(t *testing.T, n int, fn func(i int) error) (passed, refused int, refusal string) {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			err := fn(i)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				passed++
			case apperr.Is(err, apperr.Conflict):
				refused++
				refusal = apperr.MessageOf(err)
			default:
				t.Error(err)
			}
		}()
	}
	close(start)
	wg.Wait()
	return passed, refused, refusal
}

// tinyPlan leaves its limits to the test; its refusals name it and its page.
func tinyPlan(l tenant.Limits) tenant.Limits {
	l.Plan, l.PlanPage = "Tiny", "/a/tiny/plan"
	return l
}

func TestLimitsAreCountedInsideTheWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const racers = 20

	t.Run("of 20 concurrent clients for the last place, one is stored", func(t *testing.T) {
		t.Parallel()
		tn, owner := mustOpenFixture(t).mustOpenAgency(t, "limit-clients")
		mustCaseClient(t, tn, "First", "")
		l := tinyPlan(tenant.Limits{MaxClients: 2})
		passed, refused, msg := race(t, racers, func(i int) error {
			_, err := tn.CreateClientWithin(ctx, everything(owner), tenant.ClientInput{Name: fmt.Sprintf("Racer %d", i), Kind: tenant.ClientPerson}, l, tenant.Audit{Action: "client.created"})
			return err
		})
		if passed != 1 || refused != racers-1 {
			t.Fatalf("%d stored, %d refused", passed, refused)
		}
		if want := "The Tiny plan allows 2 clients; you have 2, so 0 more can be added, not 1. Your owner can move to a larger plan on the Plan page (/a/tiny/plan)."; msg != want {
			t.Fatalf("refusal %q", msg)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM clients`); n != 2 {
			t.Fatalf("%d clients", n)
		}
	})
	t.Run("of 20 concurrent imports for the last places, one is stored", func(t *testing.T) {
		t.Parallel()
		tn, owner := mustOpenFixture(t).mustOpenAgency(t, "limit-imports")
		mustCaseClient(t, tn, "First", "")
		l := tinyPlan(tenant.Limits{MaxClients: 3})
		passed, refused, msg := race(t, racers, func(i int) error {
			rows := []tenant.ImportRow{
				{Row: 2, Input: tenant.ClientInput{Name: fmt.Sprintf("Import %d a", i), Kind: tenant.ClientPerson}},
				{Row: 3, Input: tenant.ClientInput{Name: fmt.Sprintf("Import %d b", i), Kind: tenant.ClientPerson}},
			}
			_, err := tn.ImportClientsWithin(ctx, everything(owner), rows, l, tenant.Audit{Action: "client.imported"})
			return err
		})
		if passed != 1 || refused != racers-1 || !strings.Contains(msg, "you have 3, so 0 more can be added, not 2.") {
			t.Fatalf("%d stored, %d refused: %q", passed, refused, msg)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM clients`); n != 3 {
			t.Fatalf("%d clients", n)
		}
	})
	t.Run("of 20 concurrent staff invitations for the last seat, one is stored", func(t *testing.T) {
		t.Parallel()
		tn, _ := mustOpenFixture(t).mustOpenAgency(t, "limit-seats")
		l := tinyPlan(tenant.Limits{StaffSeats: 2}) // the owner holds one
		passed, refused, msg := race(t, racers, func(i int) error {
			_, _, err := tn.CreateInviteWithin(ctx, fmt.Sprintf("racer-%d@example.test", i), tenant.RoleStaff, "", time.Hour, l, tenant.Audit{Action: "invite.sent"})
			return err
		})
		if passed != 1 || refused != racers-1 || !strings.HasPrefix(msg, "The Tiny plan has 2 staff seats and all are taken (pending invitations included).") {
			t.Fatalf("%d stored, %d refused: %q", passed, refused, msg)
		}
		if u, _ := tn.PlanUsage(ctx); u.Staff != 2 {
			t.Fatalf("%d seats taken", u.Staff)
		}
	})
	t.Run("an expired invitation sent again takes a seat again", func(t *testing.T) {
		t.Parallel()
		f := mustOpenFixture(t)
		tn, _ := f.mustOpenAgency(t, "limit-resend")
		l := tinyPlan(tenant.Limits{StaffSeats: 2})
		_, old, err := tn.CreateInviteWithin(ctx, "old@example.test", tenant.RoleStaff, "", time.Hour, l, tenant.Audit{Action: "invite.sent"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := tn.ResendInviteWithin(ctx, old.ID, time.Hour, l, tenant.Audit{Action: "invite.resent"}); err != nil {
			t.Fatalf("a pending invitation holds its seat: %v", err)
		}
		f.clock.Advance(2 * time.Hour)
		if _, _, err := tn.CreateInviteWithin(ctx, "new@example.test", tenant.RoleStaff, "", time.Hour, l, tenant.Audit{Action: "invite.sent"}); err != nil {
			t.Fatalf("the expired invitation's seat is free: %v", err)
		}
		_, _, err = tn.ResendInviteWithin(ctx, old.ID, time.Hour, l, tenant.Audit{Action: "invite.resent"})
		wantCode(t, err, apperr.Conflict)
	})
	t.Run("of 20 archived clients restored at once for the last place, one is restored", func(t *testing.T) {
		t.Parallel()
		tn, owner := mustOpenFixture(t).mustOpenAgency(t, "limit-restore")
		mustCaseClient(t, tn, "First", "")
		ids := make([]string, racers)
		for i := range ids {
			ids[i] = mustCaseClient(t, tn, fmt.Sprintf("Archived %d", i), "")
			if _, err := tn.SetClientArchived(ctx, everything(owner), ids[i], true, tenant.Audit{Action: "client.archived"}); err != nil {
				t.Fatal(err)
			}
		}
		l := tinyPlan(tenant.Limits{MaxClients: 2})
		passed, refused, msg := race(t, racers, func(i int) error {
			_, err := tn.SetClientArchivedWithin(ctx, everything(owner), ids[i], false, l, tenant.Audit{Action: "client.restored"})
			return err
		})
		if passed != 1 || refused != racers-1 || !strings.HasPrefix(msg, "The Tiny plan allows 2 clients; you have 2, so 0 more can be added, not 1.") {
			t.Fatalf("%d restored, %d refused: %q", passed, refused, msg)
		}
		if u, _ := tn.PlanUsage(ctx); u.Clients != 2 {
			t.Fatalf("%d clients not archived, the plan allows 2", u.Clients)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM audit_log WHERE action = 'client.restored'`); n != 1 {
			t.Fatalf("%d restorations audited", n)
		}
		if _, err := tn.SetClientArchivedWithin(ctx, everything(owner), ids[0], true, l, tenant.Audit{Action: "client.archived"}); err != nil {
			t.Fatalf("archiving is never refused: %v", err)
		}
	})
	t.Run("of 20 disabled team members enabled at once for the last seat, one is enabled", func(t *testing.T) {
		t.Parallel()
		tn, _ := mustOpenFixture(t).mustOpenAgency(t, "limit-enable")
		ids := make([]string, racers)
		for i := range ids {
			token, _, err := tn.CreateInvite(ctx, fmt.Sprintf("member-%d@example.test", i), tenant.RoleStaff, "", time.Hour, tenant.Audit{Action: "invite.sent"})
			if err != nil {
				t.Fatal(err)
			}
			u, err := tn.AcceptInvite(ctx, token, fmt.Sprintf("Member %d", i), testHash, tenant.Audit{Action: "invite.accepted"})
			if err != nil {
				t.Fatal(err)
			}
			if err := tn.SetUserStatus(ctx, u.ID, tenant.UserDisabled, tenant.Audit{Action: "user.disabled"}); err != nil {
				t.Fatal(err)
			}
			ids[i] = u.ID
		}
		l := tinyPlan(tenant.Limits{StaffSeats: 2}) // the owner holds one
		passed, refused, msg := race(t, racers, func(i int) error {
			return tn.SetUserStatusWithin(ctx, ids[i], tenant.UserActive, l, tenant.Audit{Action: "user.enabled"})
		})
		if passed != 1 || refused != racers-1 || !strings.HasPrefix(msg, "The Tiny plan has 2 staff seats and all are taken (pending invitations included).") {
			t.Fatalf("%d enabled, %d refused: %q", passed, refused, msg)
		}
		if u, _ := tn.PlanUsage(ctx); u.Staff != 2 {
			t.Fatalf("%d seats taken", u.Staff)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM users WHERE status = 'active'`); n != 2 {
			t.Fatalf("%d active accounts", n)
		}
	})
	t.Run("the limits are read again inside the write", func(t *testing.T) {
		t.Parallel()
		tn, owner := mustOpenFixture(t).mustOpenAgency(t, "limit-current")
		k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: mustCaseClient(t, tn, "First", ""), Title: "Files"})
		// What the request read before (no limits) is replaced by what the
		// plan says under the write lock.
		stale := tinyPlan(tenant.Limits{})
		stale.Current = func(context.Context) (tenant.Limits, error) {
			return tinyPlan(tenant.Limits{MaxClients: 1, StaffSeats: 1, StorageBytes: 10}), nil
		}
		_, err := tn.CreateClientWithin(ctx, everything(owner), tenant.ClientInput{Name: "Second", Kind: tenant.ClientPerson}, stale, tenant.Audit{Action: "client.created"})
		wantCode(t, err, apperr.Conflict)
		_, _, err = tn.CreateInviteWithin(ctx, "late@example.test", tenant.RoleStaff, "", time.Hour, stale, tenant.Audit{Action: "invite.sent"})
		wantCode(t, err, apperr.Conflict)
		_, err = tn.AddDocumentsWithin(ctx, tenant.StaffDocumentAccess(everything(owner)), actorOf(owner), k.ID, false, stale, []tenant.DocumentFile{docFile("big.pdf", 11)}, sizeText)
		wantCode(t, err, apperr.TooLarge)
		if u, _ := tn.PlanUsage(ctx); u != (tenant.Usage{Staff: 1, Clients: 1}) {
			t.Fatalf("usage %+v after refused writes", u)
		}
	})
	t.Run("no limits: nothing is counted", func(t *testing.T) {
		t.Parallel()
		tn, owner := mustOpenFixture(t).mustOpenAgency(t, "limit-none")
		passed, refused, _ := race(t, racers, func(i int) error {
			_, err := tn.CreateClientWithin(ctx, everything(owner), tenant.ClientInput{Name: fmt.Sprintf("Free %d", i), Kind: tenant.ClientPerson}, tenant.Limits{}, tenant.Audit{Action: "client.created"})
			return err
		})
		if passed != racers || refused != 0 {
			t.Fatalf("%d stored, %d refused", passed, refused)
		}
	})
}
