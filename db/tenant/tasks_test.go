package tenant_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/tenant"
)

func TestTasks(t *testing.T) {
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "tasks")
	ctx := context.Background()
	v, actor := everything(owner), actorOf(owner)
	cl, contact := mustContact(t, tn, owner, "Acme", "cora@acme.test")
	_, stranger := mustContact(t, tn, owner, "Globex", "gil@globex.test")
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: cl.ID, Title: "Website"})

	a, err := tn.CreateTask(ctx, v, actor, k.ID, tenant.TaskInput{Title: "Kick-off"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := tn.CreateTask(ctx, v, actor, k.ID, tenant.TaskInput{Title: "Send the logo", Shared: true, AssigneeID: contact.ID, DueDate: "2026-11-10"})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("a contact is assignee only of a shared task", func(t *testing.T) {
		_, err := tn.CreateTask(ctx, v, actor, k.ID, tenant.TaskInput{Title: "Private", AssigneeID: contact.ID})
		wantCode(t, err, apperr.Invalid)
		_, err = tn.CreateTask(ctx, v, actor, k.ID, tenant.TaskInput{Title: "Other client's", Shared: true, AssigneeID: stranger.ID})
		wantCode(t, err, apperr.Invalid)
	})

	t.Run("moving keeps the others in order", func(t *testing.T) {
		if err := tn.MoveTask(ctx, v, actor, k.ID, b.ID, 0); err != nil {
			t.Fatal(err)
		}
		list, err := tn.CaseTasks(ctx, v, k.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != b.ID || list[1].ID != a.ID {
			t.Fatalf("order after move: %v", list)
		}
	})

	t.Run("checklist items are added and ticked", func(t *testing.T) {
		if err := tn.AddTaskItem(ctx, v, actor, k.ID, a.ID, "Agenda"); err != nil {
			t.Fatal(err)
		}
		got, _ := tn.Task(ctx, v, k.ID, a.ID)
		if err := tn.SetTaskItemDone(ctx, v, actor, k.ID, a.ID, got.Items[0].ID, true); err != nil {
			t.Fatal(err)
		}
		got, _ = tn.Task(ctx, v, k.ID, a.ID)
		if got.ItemsDone() != 1 {
			t.Fatalf("items done %d", got.ItemsDone())
		}
	})

	t.Run("a client ticks only shared tasks assigned to them", func(t *testing.T) {
		cv := tenant.Viewer{UserID: contact.ID, ClientID: cl.ID}
		wantCode(t, tn.ClientSetTaskDone(ctx, cv, actorOf(contact), k.ID, a.ID, true), apperr.NotFound)
		if err := tn.ClientSetTaskDone(ctx, cv, actorOf(contact), k.ID, b.ID, true); err != nil {
			t.Fatal(err)
		}
		got, _ := tn.Task(ctx, v, k.ID, b.ID)
		if !got.Done() || got.DoneByName != contact.Name {
			t.Fatalf("task after the client's tick: %+v", got)
		}
		other := tenant.Viewer{UserID: stranger.ID, ClientID: "someone-else"}
		wantCode(t, tn.ClientSetTaskDone(ctx, other, actorOf(stranger), k.ID, b.ID, false), apperr.NotFound)
	})

	t.Run("a template applies its tasks with due dates", func(t *testing.T) {
		id, err := tn.SaveTaskTemplate(ctx, "", tenant.TaskTemplateInput{Name: "Launch", CaseLabel: "website", Tasks: "Brief +2\n- Goals\nLogo files +5 [client]\n"})
		if err != nil {
			t.Fatal(err)
		}
		k2 := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: cl.ID, Title: "Shop", Labels: []string{"Website"}})
		list, _ := tn.CaseTasks(ctx, v, k2.ID, false)
		if len(list) != 2 || list[0].Title != "Brief" || len(list[0].Items) != 1 || !list[1].Shared {
			t.Fatalf("tasks from the label's template: %+v", list)
		}
		if want := f.clock.Now().UTC().AddDate(0, 0, 5).Format(tenant.DueDateLayout); list[1].DueDate != want {
			t.Fatalf("due %s, want %s", list[1].DueDate, want)
		}
		if n, err := tn.ApplyTaskTemplate(ctx, v, actor, k.ID, id); err != nil || n != 2 {
			t.Fatalf("apply: %d %v", n, err)
		}
	})
}

func TestTimeBilling(t *testing.T) {
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "time")
	ctx := context.Background()
	v, actor := everything(owner), actorOf(owner)
	cl := mustCaseClient(t, tn, "Acme", "")
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: cl, Title: "Website"})
	if err := tn.SetPersonRate(ctx, owner.ID, 5000, tenant.Audit{Action: "rate.changed"}); err != nil {
		t.Fatal(err)
	}

	t.Run("one timer a person; stopping twice saves once", func(t *testing.T) {
		if _, err := tn.StartTimer(ctx, v, actor, k.ID, "", "design", true); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(30 * time.Minute)
		saved, err := tn.StartTimer(ctx, v, actor, k.ID, "", "second tab", true)
		if err != nil || saved == "" {
			t.Fatalf("restart saved %q, %v", saved, err)
		}
		f.clock.Advance(15 * time.Minute)
		if id, err := tn.StopTimer(ctx, actor); err != nil || id == "" {
			t.Fatalf("stop: %q %v", id, err)
		}
		if id, err := tn.StopTimer(ctx, actor); err != nil || id != "" {
			t.Fatalf("second stop: %q %v", id, err)
		}
		if got := queryInt(t, tn, `SELECT SUM(minutes) FROM time_entries`); got != 45 {
			t.Fatalf("minutes %d, want 45", got)
		}
	})

	build := func(entries []tenant.UnbilledTime) (tenant.InvoiceInput, error) {
		var mins int
		for _, e := range entries {
			mins += e.Minutes
		}
		return tenant.InvoiceInput{ClientID: cl, CaseID: k.ID, Currency: "EUR", IssueDate: "2026-11-02", TermsDays: 14,
			Lines: []billing.Line{{Description: "Time", QuantityMilli: int64(mins) * 1000 / 60, UnitPrice: 5000}}}, nil
	}

	t.Run("two concurrent invoicings bill each entry once", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = tn.InvoiceTime(ctx, v, actor, tenant.TimeScope{CaseID: k.ID}, build, tenant.Audit{Action: "time.invoiced"})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				wantCode(t, err, apperr.Conflict)
			}
		}
		if ok != 1 || queryInt(t, tn, `SELECT COUNT(*) FROM invoices`) != 1 || queryInt(t, tn, `SELECT COUNT(DISTINCT invoice_id) FROM time_entries`) != 1 {
			t.Fatalf("%d succeeded; invoices %d", ok, queryInt(t, tn, `SELECT COUNT(*) FROM invoices`))
		}
	})

	t.Run("invoiced time is locked; deleting the draft frees it", func(t *testing.T) {
		var id, inv string
		if err := tn.Read().QueryRowContext(ctx, `SELECT id, invoice_id FROM time_entries LIMIT 1`).Scan(&id, &inv); err != nil {
			t.Fatal(err)
		}
		wantCode(t, tn.DeleteTime(ctx, v, actor, id, true), apperr.Conflict)
		if err := tn.DeleteDraft(ctx, v, inv, tenant.Audit{Action: "invoice.draft_deleted", ActorID: owner.ID, ActorName: owner.Name}); err != nil {
			t.Fatal(err)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM time_entries WHERE invoice_id IS NOT NULL`); n != 0 {
			t.Fatalf("%d entries still invoiced", n)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM audit_log WHERE action = 'time.released'`); n != 1 {
			t.Fatalf("%d time.released audits", n)
		}
	})

	t.Run("voiding an invoice frees its time", func(t *testing.T) {
		inv, err := tn.InvoiceTime(ctx, v, actor, tenant.TimeScope{ClientID: cl}, build, tenant.Audit{Action: "time.invoiced"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tn.IssueInvoice(ctx, v, actor, "Agency", inv.ID, tenant.Audit{Action: "invoice.issued"}); err != nil {
			t.Fatal(err)
		}
		if err := tn.VoidInvoice(ctx, v, actor, inv.ID, "wrong client", tenant.Audit{Action: "invoice.voided"}); err != nil {
			t.Fatal(err)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM time_entries WHERE invoice_id IS NULL`); n != 2 {
			t.Fatalf("%d entries free, want 2", n)
		}
	})
}
