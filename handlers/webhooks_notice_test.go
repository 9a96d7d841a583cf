package handlers_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"mintedmind/db/tenant"
	"mintedmind/jobs"
	"mintedmind/webhook"
)

// TestWebhookDisabledNoticeRetried: when the email telling the admins that
// an endpoint was disabled cannot be queued (the outbox refuses it), the
// failure is recorded on the endpoint and its page says so; each run of
// the job tries again, and once the outbox takes it the owner gets it once
// and the page no longer shows the failure.
func TestWebhookDisabledNoticeRetried(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "hooknotice")
	ctx := t.Context()
	tn := e.mustTenant(t, a.ID)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadGateway) }))
	defer srv.Close()
	ep, err := tn.CreateWebhookEndpoint(ctx, srv.URL+"/hooks", "Notice CRM", []string{"client.created"}, tenant.Audit{Action: "webhook.created"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.Write().Exec(`UPDATE webhook_endpoints SET failures = ? WHERE id = ?`, tenant.WebhookMaxFailures-1, ep.ID); err != nil {
		t.Fatal(err)
	}
	mustClientCreated(t, e, a, "Noticed Ltd")
	runner := jobs.NewRunner(e.control, e.pool, e.clock, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Hour)
	runner.AddWebhooks(&webhook.Sender{Checker: webhook.Checker{Dev: true, AllowIP: func(ip netip.Addr) bool { return ip.IsLoopback() }}},
		e.mailer, e.cfg.BaseURL)
	run := func() map[string]int64 {
		t.Helper()
		r, err := runner.Run(ctx, jobs.JobWebhooks)
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Minute)
		return r.Counts
	}
	mails := func() int {
		t.Helper()
		e.flushMail(t)
		n := 0
		for _, m := range e.smtp.Messages() {
			if strings.Contains(m.Body, ep.URL) {
				n++
			}
		}
		return n
	}
	page := "/a/" + a.Slug + "/settings/webhooks/" + ep.ID
	notice := func() string {
		return e.caseQuery(t, a, `SELECT notice_error FROM webhook_endpoints WHERE id = ?`, ep.ID)
	}

	if _, err := e.control.Write().Exec(`CREATE TRIGGER outbox_refused BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'outbox refused'); END`); err != nil {
		t.Fatal(err)
	}
	if c := run(); c["disabled"] != 1 || c["send_errors"] != 1 {
		t.Fatalf("the disabling run: %v", c)
	}
	if got := notice(); !strings.Contains(got, "outbox refused") {
		t.Fatalf("the failure is not recorded: %q", got)
	}
	body := a.Owner.get(page).Body
	if !strings.Contains(body, "could not be sent") || !strings.Contains(body, "outbox refused") {
		t.Fatalf("the endpoint's page does not show the failed email:\n%s", body)
	}
	if c := run(); c["send_errors"] != 1 || c["disabled"] != 0 {
		t.Fatalf("the retry while the outbox refuses: %v", c)
	}
	if mails() != 0 {
		t.Fatal("an email went out while the outbox refused it")
	}

	if _, err := e.control.Write().Exec(`DROP TRIGGER outbox_refused`); err != nil {
		t.Fatal(err)
	}
	if c := run(); c["send_errors"] != 0 {
		t.Fatalf("the retry once the outbox takes it: %v", c)
	}
	if n := mails(); n != 1 || notice() != "" {
		t.Fatalf("after the retry: %d emails, notice %q; want the owner's one email and no failure", n, notice())
	}
	if strings.Contains(a.Owner.get(page).Body, "could not be sent") {
		t.Fatal("the page still shows the failure")
	}
	run()
	if n := mails(); n != 1 {
		t.Fatalf("emails after another run: %d", n)
	}
}

// TestWebhookDisabledNoticeRetryReachesOnlyTheOthers: when the email about
// a disabled endpoint reaches the owner but cannot be queued for an admin,
// the retry emails the admin alone: each gets it once.
func TestWebhookDisabledNoticeRetryReachesOnlyTheOthers(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "hookpartial")
	_, adminEmail := e.mustAddUser(t, a, tenant.RoleAdmin)
	ctx := t.Context()
	tn := e.mustTenant(t, a.ID)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadGateway) }))
	defer srv.Close()
	ep, err := tn.CreateWebhookEndpoint(ctx, srv.URL+"/hooks", "Partial CRM", []string{"client.created"}, tenant.Audit{Action: "webhook.created"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.Write().Exec(`UPDATE webhook_endpoints SET failures = ? WHERE id = ?`, tenant.WebhookMaxFailures-1, ep.ID); err != nil {
		t.Fatal(err)
	}
	mustClientCreated(t, e, a, "Partly Noticed Ltd")
	runner := jobs.NewRunner(e.control, e.pool, e.clock, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Hour)
	runner.AddWebhooks(&webhook.Sender{Checker: webhook.Checker{Dev: true, AllowIP: func(ip netip.Addr) bool { return ip.IsLoopback() }}},
		e.mailer, e.cfg.BaseURL)
	run := func() map[string]int64 {
		t.Helper()
		r, err := runner.Run(ctx, jobs.JobWebhooks)
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Minute)
		return r.Counts
	}
	mailsTo := func() map[string]int {
		t.Helper()
		e.flushMail(t)
		n := map[string]int{}
		for _, m := range e.smtp.Messages() {
			if strings.Contains(m.Body, ep.URL) {
				for _, to := range m.To {
					n[to]++
				}
			}
		}
		return n
	}

	// The outbox refuses the admin's email only (a trigger takes no bound parameter).
	if _, err := e.control.Write().Exec(`CREATE TRIGGER outbox_refused BEFORE INSERT ON outbox WHEN NEW.to_addr = '` + adminEmail + `' BEGIN SELECT RAISE(ABORT, 'outbox refused'); END`); err != nil {
		t.Fatal(err)
	}
	if c := run(); c["disabled"] != 1 || c["send_errors"] != 1 {
		t.Fatalf("the disabling run: %v", c)
	}
	if got := mailsTo(); got[a.OwnerEmail] != 1 || got[adminEmail] != 0 {
		t.Fatalf("after the first try: %v; want the owner's one email", got)
	}
	if _, err := e.control.Write().Exec(`DROP TRIGGER outbox_refused`); err != nil {
		t.Fatal(err)
	}
	if c := run(); c["send_errors"] != 0 {
		t.Fatalf("the retry: %v", c)
	}
	run()
	if got := mailsTo(); got[a.OwnerEmail] != 1 || got[adminEmail] != 1 {
		t.Fatalf("after the retry: %v; want one email each", got)
	}
}
