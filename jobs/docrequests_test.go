package jobs

import (
	"context"
	"html"
	"slices"
	"strings"
	"testing"
	"time"

	"mintedmind/app"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
	"mintedmind/live"
	"mintedmind/mail/mailtest"
)

// TestDocumentReminders: a document asked for with a due date gets one
// email before it, one the day after and one a week after; running the job
// twice on each day sends once per step, nothing is sent before the first
// step, and each reminder is in the case's history and the job runs.
func TestDocumentReminders(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustContactFixture(t, "Agency docs", "docs-a", "contact@docs-a.test")
	control, pool, clk, smtp, log, mailer := f.control, f.pool, f.clk, f.smtp, f.log, f.mailer
	a, owner, tn, v, actor, cl := f.agency, f.owner, f.tn, f.v, f.actor, f.client
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

// TestDocumentReminderAnswersToTheCase: with replies by email on, a
// document reminder answers to reply+TOKEN@the inbound domain, the token
// naming the reminder's case and contact, and a reply to it is added to
// that case's conversation as the contact's message (not to the other
// case of the same client); without the domain it has no Reply-To.
func TestDocumentReminderAnswersToTheCase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustContactFixture(t, "Agency replies", "docs-r", "cora@docs-r.test")
	control, pool, clk, smtp, log, mailer := f.control, f.pool, f.clk, f.smtp, f.log, f.mailer
	tn, v, actor, cl := f.tn, f.v, f.actor, f.client
	other, err := tn.CreateCase(ctx, v, actor, tenant.CaseInput{ClientID: cl.ID, Title: "Other case"})
	if err != nil {
		t.Fatal(err)
	}
	k, err := tn.CreateCase(ctx, v, actor, tenant.CaseInput{ClientID: cl.ID, Title: "Visa"})
	if err != nil {
		t.Fatal(err)
	}
	for _, due := range []string{"2026-12-10", "2026-12-20"} {
		if _, err := tn.AddDocumentRequest(ctx, v, actor, k.ID, tenant.DocumentRequestInput{Name: "Passport copy " + due, DueDate: due}); err != nil {
			t.Fatal(err)
		}
	}
	r := NewRunner(control, pool, clk, log, time.Hour)
	r.AddDocumentReminders(mailer, "http://mm.test")
	seen := 0 // reminders returned before
	reminders := func(day string) []mailtest.Message {
		d, _ := time.Parse("2006-01-02", day)
		clk.Set(d.Add(8 * time.Hour))
		if _, err := r.Run(ctx, JobDocumentReminders); err != nil {
			t.Fatal(err)
		}
		if err := mailer.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		var out []mailtest.Message
		for _, m := range smtp.Messages() {
			if slices.Contains(m.To, "cora@docs-r.test") && strings.Contains(m.Subject, "Reminder") && strings.Contains(m.Body, "Passport copy") {
				out = append(out, m)
			}
		}
		out, seen = out[seen:], len(out)
		return out
	}
	if got := reminders("2026-12-07"); len(got) != 1 || got[0].Header.Get("Reply-To") != "" {
		t.Fatalf("without an inbound domain: %d reminders, Reply-To %q", len(got), got[0].Header.Get("Reply-To"))
	}

	r.UseInboundDomain("in.mm.test")
	got := reminders("2026-12-17")
	if len(got) != 2 {
		t.Fatalf("%d reminders", len(got))
	}
	if got[0].Header.Get("Reply-To") == got[1].Header.Get("Reply-To") {
		t.Fatal("two reminders share one reply address")
	}
	replyTo := got[1].Header.Get("Reply-To")
	local, ok := strings.CutSuffix(strings.Trim(replyTo, "<>"), "@in.mm.test")
	secret, isReply := strings.CutPrefix(local, "reply+")
	if !ok || !isReply {
		t.Fatalf("Reply-To %q", replyTo)
	}
	if tok, u, err := tn.ReplyTokenBySecret(ctx, secret, "cora@docs-r.test"); err != nil || tok.CaseID != k.ID || u.Email != "cora@docs-r.test" {
		t.Fatalf("the token names %+v %+v: %v", tok, u, err)
	}
	in := &app.Inbound{Control: control, Pool: pool, Log: log, Uploads: &app.Uploads{Plans: &app.Plans{Control: control}},
		Mail: &app.CaseMail{Mailer: mailer, InboundDomain: "in.mm.test"}}
	n, err := in.Add(ctx, app.Reply{Token: secret, Sender: "cora@docs-r.test", MessageID: "<passport@docs-r.test>",
		Text: "I will send the passport copy on Monday.\n\nOn Thu, Agency replies wrote:\n> Reminder"})
	if err != nil {
		t.Fatal(err)
	}
	if n.CaseID != k.ID || !n.Note.FromClient || !n.Note.ViaEmail {
		t.Fatalf("the reply: %+v", n)
	}
	for _, c := range []struct {
		caseID string
		want   int
	}{{k.ID, 1}, {other.ID, 0}} {
		var count int
		if err := tn.Read().QueryRow(`SELECT COUNT(*) FROM notes WHERE case_id = ? AND body = 'I will send the passport copy on Monday.' AND from_client = 1 AND via_email = 1`, c.caseID).Scan(&count); err != nil || count != c.want {
			t.Fatalf("case %s has %d of the reply, want %d (%v)", c.caseID, count, c.want, err)
		}
	}
}

// TestDocumentRemindersInTheContactsLanguage: a reminder is written in
// the contact's language: the agency's (Lithuanian) while neither the
// client nor the contact chose one, then the client's (German), then the
// one the contact chose for their pages (English); subject and both parts.
func TestDocumentRemindersInTheContactsLanguage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustContactFixture(t, "Agentūra", "docs-lt", "lina@docs-lt.test")
	tn, v, actor, cl := f.tn, f.v, f.actor, f.client
	if _, err := tn.Write().ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('language', 'lt') ON CONFLICT(key) DO UPDATE SET value = excluded.value`); err != nil {
		t.Fatal(err)
	}
	k, err := tn.CreateCase(ctx, v, actor, tenant.CaseInput{ClientID: cl.ID, Title: "Leidimas gyventi"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.AddDocumentRequest(ctx, v, actor, k.ID, tenant.DocumentRequestInput{Name: "Paso kopija", DueDate: "2026-12-10", Note: "Abi pusės"}); err != nil {
		t.Fatal(err)
	}
	r := NewRunner(f.control, f.pool, f.clk, f.log, time.Hour)
	r.AddDocumentReminders(f.mailer, "http://mm.test")
	caseName := tenant.CaseNumber(k.Number) + " Leidimas gyventi"
	seen := 0
	remind := func(day string) mailtest.Message {
		t.Helper()
		d, _ := time.Parse("2006-01-02", day)
		f.clk.Set(d.Add(8 * time.Hour))
		if _, err := r.Run(ctx, JobDocumentReminders); err != nil {
			t.Fatal(err)
		}
		if err := f.mailer.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		var out []mailtest.Message
		for _, m := range f.smtp.Messages() {
			if slices.Contains(m.To, "lina@docs-lt.test") {
				out = append(out, m)
			}
		}
		if len(out) != seen+1 {
			t.Fatalf("%s: %d emails, want %d", day, len(out), seen+1)
		}
		seen = len(out)
		return out[len(out)-1]
	}
	check := func(m mailtest.Message, lang, subject, body string, english ...string) {
		t.Helper()
		if m.Subject != subject {
			t.Errorf("%s: subject %q, want %q", lang, m.Subject, subject)
		}
		htmlBody := html.UnescapeString(m.HTML)
		for part, in := range map[string]string{"text": m.Body, "HTML": htmlBody} {
			for _, want := range []string{body, "Abi pusės", i18n.T(lang, "email.docreq.turn_off")} {
				if !strings.Contains(in, want) {
					t.Errorf("%s %s lacks %q:\n%s", lang, part, want, in)
				}
			}
			for _, w := range english {
				if strings.Contains(in, w) {
					t.Errorf("%s %s says %q:\n%s", lang, part, w, in)
				}
			}
		}
		if !strings.Contains(m.Body, i18n.T(lang, "email.docreq.send_at")+" http://mm.test/a/docs-lt/portal/cases/"+k.ID) ||
			!strings.Contains(htmlBody, i18n.T(lang, "email.docreq.send")) {
			t.Errorf("%s: no link to the checklist in the language:\n%s", lang, m.Body)
		}
	}
	english := []string{"asked you for", "still waiting", "Turn these emails off", "Send it from the checklist"}

	m := remind("2026-12-07")
	check(m, "lt", i18n.T("lt", "email.docreminder.subject", "Name", "Paso kopija", "Agency", "Agentūra"),
		i18n.T("lt", "email.docreminder.before", "Agency", "Agentūra", "Name", "Paso kopija", "Case", caseName, "Due", "2026-12-10"), english...)

	if _, err := tn.SetClientLanguage(ctx, cl.ID, "de", tenant.Audit{Action: "client.updated"}); err != nil {
		t.Fatal(err)
	}
	m = remind("2026-12-11")
	check(m, "de", i18n.T("de", "email.docreminder.subject_late", "Name", "Paso kopija", "Agency", "Agentūra", "Due", "2026-12-10"),
		i18n.T("de", "email.docreminder.late", "Agency", "Agentūra", "Name", "Paso kopija", "Case", caseName, "Due", "2026-12-10"), english...)

	contact, err := tn.CaseContacts(ctx, k.ID)
	if err != nil || len(contact) != 1 {
		t.Fatalf("contacts %v: %v", contact, err)
	}
	if err := tn.SetLanguage(ctx, contact[0].ID, "en", tenant.Audit{Action: "account.language"}); err != nil {
		t.Fatal(err)
	}
	m = remind("2026-12-17")
	check(m, "en", "Reminder: Paso kopija for Agentūra (was due 2026-12-10)",
		"Agentūra is still waiting for “Paso kopija” on "+caseName+": it was due on 2026-12-10.", i18n.T("lt", "email.docreq.turn_off"), i18n.T("de", "email.docreq.turn_off"))
}
