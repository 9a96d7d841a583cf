package jobs

import (
	"context"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"mintedmind/app"
	"mintedmind/db/tenant"
	"mintedmind/live"
	"mintedmind/mail"
	"mintedmind/mail/mailtest"
)

// TestDocumentReminders: a document asked for with a due date gets one
// email before it, one the day after and one a week after; running the job
// twice on each day sends once per step, nothing is sent before the first
// step, and each reminder is in the case's history and the job runs.
func TestDocumentReminders(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	control, pool, clk := mustOpen(t)
	smtp := mailtest.Start(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	mailer, err := mail.New(control, mail.Config{URL: smtp.URL(), From: "MintedMind <no-reply@example.test>"}, os.DirFS("../views"), clk, log)
	if err != nil {
		t.Fatal(err)
	}
	a, owner, err := app.CreateAgency(ctx, control, pool, app.NewAgency{Name: "Agency docs", Slug: "docs-a", OwnerName: "O", OwnerEmail: "o@docs-a.test", OwnerPasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	tn, release, err := pool.Acquire(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	v, actor := tenant.Viewer{UserID: owner.ID}, tenant.Actor{ID: owner.ID, Name: owner.Name}
	cl, err := tn.CreateClient(ctx, v, tenant.ClientInput{Name: "Client", Kind: "company"}, tenant.Audit{Action: "client.created"})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := tn.CreateContactInvite(ctx, v, cl.ID, "contact@docs-a.test", owner.ID, time.Hour, tenant.Audit{Action: "invite.created"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.AcceptInvite(ctx, token, "Cora Contact", "not a real hash", tenant.Audit{Action: "invite.accepted"}); err != nil {
		t.Fatal(err)
	}
	k, err := tn.CreateCase(ctx, v, actor, tenant.CaseInput{ClientID: cl.ID, Title: "Visa"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.AddDocumentRequest(ctx, v, actor, k.ID, tenant.DocumentRequestInput{Name: "Passport copy", DueDate: "2026-12-10"}); err != nil {
		t.Fatal(err)
	}
	// Sent, and so not reminded of.
	sent, err := tn.AddDocumentRequest(ctx, v, actor, k.ID, tenant.DocumentRequestInput{Name: "Signed brief", DueDate: "2026-12-10"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.Write().Exec(`UPDATE document_requests SET status = 'sent' WHERE id = ?`, sent.ID); err != nil {
		t.Fatal(err)
	}
	r := NewRunner(control, pool, clk, log, time.Hour)
	r.AddDocumentReminders(mailer, "http://mm.test")
	broker := live.New(live.Config{})
	r.UseLive(broker)
	owners, err := broker.Subscribe(a.ID, "owner-session", "", live.Viewer{UserID: owner.ID})
	if err != nil {
		t.Fatal(err)
	}
	// notices are the live notices the job published (synchronously,
	// before Run returned): one per reminder, staff-only, of case k.
	notices := func() (n int) {
		for {
			select {
			case e := <-owners.Events():
				if e.CaseID != k.ID || e.Shared || e.Kind != live.KindEvent {
					t.Fatalf("notice %+v", e)
				}
				n++
			default:
				return n
			}
		}
	}
	emails := func() []string {
		if err := mailer.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range smtp.Messages() {
			if slices.Contains(m.To, "contact@docs-a.test") && strings.Contains(m.Subject, "Reminder") {
				out = append(out, m.Subject)
			}
		}
		return out
	}
	for _, step := range []struct {
		day  string
		want int // reminders in all, after this day's two runs
	}{{"2026-12-01", 0}, {"2026-12-07", 1}, {"2026-12-09", 1}, {"2026-12-11", 2}, {"2026-12-12", 2}, {"2026-12-20", 3}, {"2026-12-30", 3}} {
		d, _ := time.Parse("2006-01-02", step.day)
		clk.Set(d.Add(8 * time.Hour))
		first, err := r.Run(ctx, JobDocumentReminders)
		if err != nil {
			t.Fatal(err)
		}
		second, err := r.Run(ctx, JobDocumentReminders)
		if err != nil || second.Counts["reminders"] != 0 || second.Counts["emails"] != 0 {
			t.Fatalf("%s: the second run sent again: %v %v", step.day, second.Counts, err)
		}
		if first.Counts["emails"] != first.Counts["reminders"] {
			t.Fatalf("%s: %v", step.day, first.Counts)
		}
		if n := notices(); int64(n) != first.Counts["reminders"] {
			t.Fatalf("%s: %d live notices for %d reminders", step.day, n, first.Counts["reminders"])
		}
		if got := emails(); len(got) != step.want {
			t.Fatalf("%s: %d reminders, want %d: %v", step.day, len(got), step.want, got)
		}
	}
	got := emails()
	for _, m := range smtp.Messages() {
		if slices.Contains(m.To, "contact@docs-a.test") && strings.Contains(m.Subject, "Reminder") &&
			(!strings.HasPrefix(m.Header.Get("List-Unsubscribe"), "<http://mm.test/a/docs-a/email/unsubscribe/") || m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click") {
			t.Fatalf("a reminder without the one-click opt-out: %q %q", m.Header.Get("List-Unsubscribe"), m.Header.Get("List-Unsubscribe-Post"))
		}
	}
	if !strings.Contains(got[0], "Passport copy") || strings.Contains(got[0], "was due") || !strings.Contains(got[2], "was due 2026-12-10") {
		t.Fatalf("%v", got)
	}
	var events int
	if err := tn.Read().QueryRow(`SELECT COUNT(*) FROM case_events WHERE kind = ? AND field = ? AND visible_to_client = 0`, tenant.EventDocRequest, tenant.DocRequestReminded).Scan(&events); err != nil || events != 3 {
		t.Fatalf("%d reminder events, %v", events, err)
	}
	runs, err := control.RecentJobRuns(ctx, 50)
	if err != nil {
		t.Fatal(err)
	}
	var recorded int
	for _, run := range runs {
		if run.Job == JobDocumentReminders {
			recorded++
		}
	}
	if recorded != 14 {
		t.Fatalf("%d runs recorded, want 14", recorded)
	}
}
