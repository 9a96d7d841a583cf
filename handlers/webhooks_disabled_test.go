package handlers_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"mintedmind/db/tenant"
	"mintedmind/jobs"
	"mintedmind/mail/mailtest"
	"mintedmind/webhook"
)

// TestWebhookDisabledAfterFailures: a real receiver answering 500 gets
// every delivery until the endpoint's 15th failure in a row, not 14 and
// not 16; that attempt disables the endpoint, audits it and emails its
// agency's owner and admin (each in their language) once, staff nothing;
// a second run and an attempt recorded late (a run that had loaded the
// endpoint before) change and send nothing more; resuming it on its page
// counts its failures from zero.
func TestWebhookDisabledAfterFailures(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "hookfail")
	_, adminEmail := e.mustAddUser(t, a, tenant.RoleAdmin)
	_, staffEmail := e.mustAddUser(t, a, tenant.RoleStaff)
	ctx := t.Context()
	tn := e.mustTenant(t, a.ID)
	admin, err := tn.UserByEmail(ctx, adminEmail)
	if err != nil {
		t.Fatal(err)
	}
	if err := tn.SetLanguage(ctx, admin.ID, "de", tenant.Audit{Action: "account.language"}); err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()
	ep, err := tn.CreateWebhookEndpoint(ctx, srv.URL+"/hooks", "Our CRM", []string{"client.created"}, tenant.Audit{Action: "webhook.created"})
	if err != nil {
		t.Fatal(err)
	}
	ownerID := e.mustUserID(t, a, a.OwnerEmail)
	for _, name := range []string{"First", "Second"} { // two deliveries: each run fails twice
		if _, err := tn.CreateClient(ctx, tenant.Viewer{UserID: ownerID}, tenant.ClientInput{Name: name, Kind: tenant.ClientCompany}, tenant.Audit{Action: "client.created"}); err != nil {
			t.Fatal(err)
		}
	}
	count := func(q string) string { return e.caseQuery(t, a, q) }
	runner := jobs.NewRunner(e.control, e.pool, e.clock, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Hour)
	runner.AddWebhooks(&webhook.Sender{Checker: webhook.Checker{Dev: true, AllowIP: func(ip netip.Addr) bool { return ip.IsLoopback() }}},
		e.mailer, e.cfg.BaseURL)
	disabledMail := func() []mailtest.Message {
		t.Helper()
		e.flushMail(t)
		var out []mailtest.Message
		for _, m := range e.smtp.Messages() {
			if strings.Contains(m.Body, ep.URL) {
				out = append(out, m)
			}
		}
		return out
	}
	run := func() map[string]int64 {
		t.Helper()
		r, err := runner.Run(ctx, jobs.JobWebhooks)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := strconv.Atoi(count(`SELECT max(attempts) FROM webhook_deliveries`))
		e.clock.Advance(tenant.WebhookBackoff(n) + time.Second) // past the wait of every delivery
		return r.Counts
	}

	for i := 1; i <= 7; i++ {
		if c := run(); c["failed"] != 2 || c["disabled"] != 0 {
			t.Fatalf("run %d: %v", i, c)
		}
	}
	if got := count(`SELECT enabled || '|' || failures FROM webhook_endpoints`); got != "1|14" {
		t.Fatalf("after 14 failures: %s, want still enabled", got)
	}
	if got := count(`SELECT count(*) FROM audit_log WHERE action = 'webhook.disabled'`); got != "0" {
		t.Fatalf("disabled audited after 14 failures: %s", got)
	}
	if m := disabledMail(); len(m) != 0 {
		t.Fatalf("emailed after 14 failures: %d", len(m))
	}

	if c := run(); c["failed"] != 1 || c["disabled"] != 1 || c["send_errors"] != 0 {
		t.Fatalf("the 15th failure's run: %v", c)
	}
	if got := count(`SELECT enabled || '|' || failures FROM webhook_endpoints`); got != "0|15" || hits.Load() != 15 {
		t.Fatalf("after the 15th failure: %s, %d posts; want disabled at 15, the second delivery of that run left waiting", got, hits.Load())
	}
	if got := count(`SELECT count(*) || '|' || max(target) || '|' || max(detail) FROM audit_log WHERE action = 'webhook.disabled'`); got != "1|"+ep.ID+"|after 15 failed attempts in a row" {
		t.Fatalf("audit of the disable: %s", got)
	}
	mails := disabledMail()
	if len(mails) != 2 {
		t.Fatalf("emails about the disable: %d, want the owner's and the admin's", len(mails))
	}
	link := e.cfg.BaseURL + "/a/" + a.Slug + "/settings/webhooks/" + ep.ID
	for _, tc := range []struct{ to, status, subject string }{
		{a.OwnerEmail, "HTTP status 500", "Webhook endpoint disabled: "},
		{adminEmail, "HTTP-Status 500", "Webhook-Endpunkt deaktiviert: "},
	} {
		var m *mailtest.Message
		for i := range mails {
			if strings.EqualFold(mails[i].To[0], tc.to) {
				m = &mails[i]
			}
		}
		if m == nil {
			t.Fatalf("no email to %s", tc.to)
		}
		for _, want := range []string{ep.URL, "Our CRM", ": 15\n", tc.status, "answered 500", link} {
			if !strings.Contains(m.Body, want) {
				t.Errorf("the email to %s lacks %q:\n%s", tc.to, want, m.Body)
			}
		}
		if !strings.HasPrefix(m.Subject, tc.subject) || !strings.Contains(m.HTML, `href="`+link+`"`) {
			t.Errorf("the email to %s: subject %q, html:\n%s", tc.to, m.Subject, m.HTML)
		}
	}
	for _, m := range e.smtp.Messages() {
		if strings.EqualFold(m.To[0], staffEmail) && strings.Contains(m.Body, ep.URL) {
			t.Error("staff were emailed about the disabled endpoint")
		}
	}

	t.Run("a second run sends and emails nothing", func(t *testing.T) {
		if c := run(); c["failed"] != 0 || c["disabled"] != 0 || hits.Load() != 15 {
			t.Fatalf("second run: %v, %d posts", c, hits.Load())
		}
		if m := disabledMail(); len(m) != 2 {
			t.Fatalf("emails about the disable after another run: %d", len(m))
		}
	})

	t.Run("an attempt recorded late disables nothing again", func(t *testing.T) {
		ds, err := tn.WebhookDeliveries(ctx, ep.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		again, err := tn.RecordWebhookAttempt(ctx, ds[0], 500, false)
		if err != nil || again {
			t.Fatalf("a late failure on a disabled endpoint: disabled again %v, %v", again, err)
		}
		if got := count(`SELECT count(*) FROM audit_log WHERE action = 'webhook.disabled'`); got != "1" {
			t.Fatalf("audit entries of the disable: %s", got)
		}
	})

	t.Run("resuming on the page counts from zero", func(t *testing.T) {
		base := "/a/" + a.Slug + "/settings/webhooks/" + ep.ID
		owner := e.mustLogin(t, a, a.OwnerEmail) // a day has passed: the first session is over
		if page := owner.get(base); !strings.Contains(page.Body, "disabled after repeated failures") {
			t.Fatalf("the endpoint's page does not say disabled:\n%s", page.Body)
		}
		wantStatus(t, owner.post(base+"/resume", url.Values{}), http.StatusSeeOther)
		if got := count(`SELECT enabled || '|' || failures FROM webhook_endpoints`); got != "1|0" {
			t.Fatalf("after resuming: %s", got)
		}
		e.clock.Advance(tenant.WebhookBackoff(10)) // past the late attempt's wait too
		if c := run(); c["failed"] != 2 || c["disabled"] != 0 {
			t.Fatalf("the run after resuming: %v", c)
		}
		if got := count(`SELECT enabled || '|' || failures FROM webhook_endpoints`); got != "1|2" || hits.Load() != 17 {
			t.Fatalf("after resuming and one run: %s, %d posts", got, hits.Load())
		}
	})
}
