package tenant_test

// Rules found unguarded by the curated mutants (issue 27, mutants/):
// tasks a contact may tick, time invoiced once and locked, calendar feeds.

import (
	"context"
	"testing"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// A task shared with a client and given to one of its contacts stays out
// of that contact's reach once its case moves to another client: the
// contact no longer sees the case, so the task is not found and stays open
// (mutant tasks-contact-ticks-another-clients-task).
func TestClientTaskTicksOnlyItsClientsCases(t *testing.T) {
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "moved")
	ctx := context.Background()
	v, actor := everything(owner), actorOf(owner)
	acme, cora := mustContact(t, tn, owner, "Acme", "cora@acme.test")
	globex, _ := mustContact(t, tn, owner, "Globex", "gil@globex.test")
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: acme.ID, Title: "Website"})
	task, err := tn.CreateTask(ctx, v, actor, k.ID, tenant.TaskInput{Title: "Send the logo", Shared: true, AssigneeID: cora.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.UpdateCase(ctx, v, actor, k.ID, 0, tenant.CaseChange{ClientID: &globex.ID}); err != nil {
		t.Fatal(err)
	}
	cv := tenant.Viewer{UserID: cora.ID, ClientID: acme.ID}
	wantCode(t, tn.ClientSetTaskDone(ctx, cv, actorOf(cora), k.ID, task.ID, true), apperr.NotFound)
	got, err := tn.Task(ctx, v, k.ID, task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Done() {
		t.Fatalf("a contact of the case's former client ticked its task: %+v", got)
	}
}

// A contact ticks only a task shared with their client. The store never
// gives an internal task to a contact (TestTasks), so the task is unshared
// here behind its back, as an import or an older version could leave it:
// the tick is still refused (mutant tasks-contact-ticks-unshared).
func TestClientTaskTicksOnlySharedTasks(t *testing.T) {
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "unshared")
	ctx := context.Background()
	v, actor := everything(owner), actorOf(owner)
	acme, cora := mustContact(t, tn, owner, "Acme", "cora@acme.test")
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: acme.ID, Title: "Website"})
	task, err := tn.CreateTask(ctx, v, actor, k.ID, tenant.TaskInput{Title: "Send the logo", Shared: true, AssigneeID: cora.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.Write().ExecContext(ctx, `UPDATE tasks SET shared = 0 WHERE id = ?`, task.ID); err != nil {
		t.Fatal(err)
	}
	cv := tenant.Viewer{UserID: cora.ID, ClientID: acme.ID}
	wantCode(t, tn.ClientSetTaskDone(ctx, cv, actorOf(cora), k.ID, task.ID, true), apperr.NotFound)
	if got, err := tn.Task(ctx, v, k.ID, task.ID); err != nil || got.Done() {
		t.Fatalf("an internal task after the contact's tick: %+v %v", got, err)
	}
}

// Time is invoiced once: once on a draft it is no longer unbilled, is not
// offered again, and its change is refused; time logged afterwards is
// invoiced alone (mutants time-unbilled-includes-invoiced,
// time-invoiced-editable).
func TestTimeInvoicedOnceAndLocked(t *testing.T) {
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "timeonce")
	ctx := context.Background()
	v, actor := everything(owner), actorOf(owner)
	cl := mustCaseClient(t, tn, "Acme", "")
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: cl, Title: "Website"})
	if err := tn.SetPersonRate(ctx, owner.ID, 6000, tenant.Audit{Action: "rate.changed"}); err != nil {
		t.Fatal(err)
	}
	first, err := tn.LogTime(ctx, v, actor, tenant.TimeInput{CaseID: k.ID, Date: "2026-11-02", Minutes: 90, Note: "design", Billable: true})
	if err != nil {
		t.Fatal(err)
	}
	build := func(entries []tenant.UnbilledTime) (tenant.InvoiceInput, error) {
		var mins int
		for _, e := range entries {
			mins += e.Minutes
		}
		return tenant.InvoiceInput{ClientID: cl, CaseID: k.ID, Currency: "EUR", IssueDate: "2026-11-03", TermsDays: 14,
			Lines: []billing.Line{{Description: "Time", QuantityMilli: int64(mins) * 1000 / 60, UnitPrice: 6000}}}, nil
	}
	scope := tenant.TimeScope{CaseID: k.ID}
	inv, err := tn.InvoiceTime(ctx, v, actor, scope, build, tenant.Audit{Action: "time.invoiced"})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("invoiced time is no longer unbilled", func(t *testing.T) {
		left, err := tn.UnbilledTime(ctx, v, scope)
		if err != nil {
			t.Fatal(err)
		}
		if len(left) != 0 {
			t.Fatalf("unbilled after invoicing: %+v", left)
		}
		_, err = tn.InvoiceTime(ctx, v, actor, scope, build, tenant.Audit{Action: "time.invoiced"})
		wantCode(t, err, apperr.Conflict)
	})

	t.Run("an invoiced entry's change is refused and nothing changes", func(t *testing.T) {
		err := tn.UpdateTime(ctx, v, actor, first, true, tenant.TimeInput{Date: "2026-11-02", Minutes: 30, Note: "less", Billable: true})
		wantCode(t, err, apperr.Conflict)
		if n := queryInt(t, tn, `SELECT minutes FROM time_entries WHERE id = ?`, first); n != 90 {
			t.Fatalf("minutes %d after a refused change, want 90", n)
		}
	})

	t.Run("time logged afterwards is invoiced alone", func(t *testing.T) {
		second, err := tn.LogTime(ctx, v, actor, tenant.TimeInput{CaseID: k.ID, Date: "2026-11-04", Minutes: 30, Note: "fixes", Billable: true})
		if err != nil {
			t.Fatal(err)
		}
		left, err := tn.UnbilledTime(ctx, v, scope)
		if err != nil {
			t.Fatal(err)
		}
		if len(left) != 1 || left[0].ID != second {
			t.Fatalf("unbilled %+v, want only the new entry", left)
		}
		again, err := tn.InvoiceTime(ctx, v, actor, scope, build, tenant.Audit{Action: "time.invoiced"})
		if err != nil {
			t.Fatal(err)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM time_entries WHERE invoice_id = ?`, again.ID); n != 1 {
			t.Fatalf("%d entries on the second invoice, want 1", n)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM time_entries WHERE invoice_id = ?`, inv.ID); n != 1 {
			t.Fatalf("%d entries on the first invoice, want 1", n)
		}
	})

	t.Run("an entry not invoiced is editable", func(t *testing.T) {
		third, err := tn.LogTime(ctx, v, actor, tenant.TimeInput{CaseID: k.ID, Date: "2026-11-05", Minutes: 15, Billable: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := tn.UpdateTime(ctx, v, actor, third, true, tenant.TimeInput{Date: "2026-11-05", Minutes: 20, Billable: true}); err != nil {
			t.Fatal(err)
		}
		if n := queryInt(t, tn, `SELECT minutes FROM time_entries WHERE id = ?`, third); n != 20 {
			t.Fatalf("minutes %d, want 20", n)
		}
	})
}

// A calendar feed opens only while its person is active staff, and the
// agency's feed only while they are an owner or admin (mutants
// calendar-feed-after-demotion, calendar-feed-of-disabled-person).
func TestCalendarFeedFollowsItsPerson(t *testing.T) {
	f := mustOpenFixture(t)
	tn, _ := f.mustOpenAgency(t, "feeds")
	ctx := context.Background()
	admin := mustAddUser(t, tn, "ada@feeds.test", tenant.RoleAdmin)
	agencyFeed, err := tn.NewCalendarFeed(ctx, admin.ID, tenant.FeedAgency, tenant.Audit{Action: "calendar.feed_created"})
	if err != nil {
		t.Fatal(err)
	}
	personFeed, err := tn.NewCalendarFeed(ctx, admin.ID, tenant.FeedPerson, tenant.Audit{Action: "calendar.feed_created"})
	if err != nil {
		t.Fatal(err)
	}
	for token, scope := range map[string]string{agencyFeed: tenant.FeedAgency, personFeed: tenant.FeedPerson} {
		if u, got, err := tn.CalendarFeedUser(ctx, token); err != nil || u.ID != admin.ID || got != scope {
			t.Fatalf("%s feed: %v %q %v", scope, u, got, err)
		}
	}
	if _, _, err := tn.CalendarFeedUser(ctx, personFeed+"x"); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("another token: %v, want not found", err)
	}

	if err := tn.SetRole(ctx, admin.ID, tenant.RoleStaff, tenant.Audit{Action: "user.role_changed"}); err != nil {
		t.Fatal(err)
	}
	_, _, err = tn.CalendarFeedUser(ctx, agencyFeed)
	wantCode(t, err, apperr.NotFound)
	if _, _, err := tn.CalendarFeedUser(ctx, personFeed); err != nil {
		t.Fatalf("the person's own feed after the role change: %v", err)
	}

	if err := tn.SetUserStatus(ctx, admin.ID, tenant.UserDisabled, tenant.Audit{Action: "user.disabled"}); err != nil {
		t.Fatal(err)
	}
	_, _, err = tn.CalendarFeedUser(ctx, personFeed)
	wantCode(t, err, apperr.NotFound)
}
