package handlers_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"mintedmind/db/tenant"
)

var unsubscribeHeader = regexp.MustCompile(`^<http://mm\.test(/a/[^/]+/email/unsubscribe/[^>]+)>$`)

// outboxTo counts the outbox emails to an address.
func (e *env) outboxTo(t *testing.T, to string) int {
	t.Helper()
	emails, err := e.control.RecentEmails(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range emails {
		if strings.EqualFold(m.To, to) {
			n++
		}
	}
	return n
}

func TestNotificationEmailHeaders(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	staffCase := "/a/" + f.a.Slug + "/cases/" + f.caseX

	t.Run("a notification comes from the agency via MintedMind, answers to its author and opts out in one click", func(t *testing.T) {
		wantStatus(t, f.staff.post(staffCase+"/notes", url.Values{"body": {"The draft is ready"}, "visible_to_client": {"1"}}), http.StatusSeeOther)
		f.e.flushMail(t)
		msg := f.e.smtp.WaitFor(t, f.contactEmail, 5*time.Second)
		if got, want := msg.Header.Get("From"), `"`+f.a.Name+` via MintedMind" <no-reply@example.test>`; got != want {
			t.Errorf("From = %q, want %q", got, want)
		}
		if got := msg.Header.Get("Reply-To"); !strings.Contains(got, f.staffEmail) {
			t.Errorf("Reply-To = %q, want the author %s", got, f.staffEmail)
		}
		if !unsubscribeHeader.MatchString(msg.Header.Get("List-Unsubscribe")) {
			t.Errorf("List-Unsubscribe = %q", msg.Header.Get("List-Unsubscribe"))
		}
		if got := msg.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
			t.Errorf("List-Unsubscribe-Post = %q", got)
		}
		if !strings.Contains(msg.HTML, "The draft is ready") || !strings.Contains(msg.Body, "The draft is ready") {
			t.Errorf("the message is not in both parts:\n%s\n---\n%s", msg.Body, msg.HTML)
		}
	})

	t.Run("a new invoice's notice to the contacts carries the opt-out", func(t *testing.T) {
		f.mustIssueInvoice(t, f.x)
		f.e.flushMail(t)
		msg := f.e.smtp.WaitFor(t, f.contactEmail, 5*time.Second)
		if !strings.Contains(msg.Subject, "invoice") || !unsubscribeHeader.MatchString(msg.Header.Get("List-Unsubscribe")) ||
			msg.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Errorf("invoice notice %q: List-Unsubscribe %q", msg.Subject, msg.Header.Get("List-Unsubscribe"))
		}
	})

	t.Run("invites and password resets carry no opt-out", func(t *testing.T) {
		res := f.a.Owner.post("/a/"+f.a.Slug+"/clients/"+f.x+"/contacts", url.Values{"email": {"yves@xylo.test"}})
		wantStatus(t, res, http.StatusSeeOther)
		f.e.flushMail(t)
		invite := f.e.smtp.WaitFor(t, "yves@xylo.test", 5*time.Second)
		if h := invite.Header.Get("List-Unsubscribe"); h != "" {
			t.Errorf("an invite has List-Unsubscribe %q", h)
		}
		if got := invite.Header.Get("Reply-To"); !strings.Contains(got, f.a.OwnerEmail) {
			t.Errorf("invite Reply-To = %q, want the inviter %s", got, f.a.OwnerEmail)
		}
		anon := f.e.newClient()
		anon.get("/a/" + f.a.Slug + "/forgot")
		wantStatus(t, anon.post("/a/"+f.a.Slug+"/forgot", url.Values{"email": {f.contactEmail}}), http.StatusOK)
		f.e.flushMail(t)
		reset := f.e.smtp.WaitFor(t, f.contactEmail, 5*time.Second)
		if !strings.Contains(reset.Subject, "password") {
			t.Fatalf("expected the reset email, got %q", reset.Subject)
		}
		for _, h := range []string{"List-Unsubscribe", "List-Unsubscribe-Post", "Reply-To"} {
			if v := reset.Header.Get(h); v != "" {
				t.Errorf("a password reset has %s %q", h, v)
			}
		}
	})
}

func TestOneClickUnsubscribe(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	staffCase := "/a/" + f.a.Slug + "/cases/" + f.caseX
	optOuts := func() string { return f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM email_opt_outs`) }
	share := func(text string) {
		t.Helper()
		wantStatus(t, f.staff.post(staffCase+"/notes", url.Values{"body": {text}, "visible_to_client": {"1"}}), http.StatusSeeOther)
		f.e.flushMail(t)
	}
	share("First update")
	msg := f.e.smtp.WaitFor(t, f.contactEmail, 5*time.Second)
	m := unsubscribeHeader.FindStringSubmatch(msg.Header.Get("List-Unsubscribe"))
	if m == nil {
		t.Fatalf("List-Unsubscribe = %q", msg.Header.Get("List-Unsubscribe"))
	}
	link := m[1]
	token := link[strings.LastIndex(link, "/")+1:]
	oneClick := func(path string) *response {
		return f.e.newClient().do("POST", path, strings.NewReader("List-Unsubscribe=One-Click"), "application/x-www-form-urlencoded")
	}

	t.Run("a forged, altered or another agency's token is refused and changes nothing", func(t *testing.T) {
		before := optOuts()
		payload, sig, _ := strings.Cut(token, ".")
		raw, _ := base64.RawURLEncoding.DecodeString(payload)
		other := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), tenant.EmailCaseUpdates, tenant.EmailClientActivity, 1)))
		b := f.e.mustSignup(t, "elsewhere")
		for name, path := range map[string]string{
			"garbage":        "/a/" + f.a.Slug + "/email/unsubscribe/not-a-token",
			"altered kind":   "/a/" + f.a.Slug + "/email/unsubscribe/" + other + "." + sig,
			"bad signature":  "/a/" + f.a.Slug + "/email/unsubscribe/" + payload + ".AAAA" + sig[4:],
			"another agency": "/a/" + b.Slug + "/email/unsubscribe/" + token,
		} {
			res := oneClick(path)
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("%s: POST status %d, want 404", name, res.StatusCode)
			}
			wantContains(t, res, "This unsubscribe link is not valid.")
			if got := f.e.newClient().get(path); got.StatusCode != http.StatusNotFound {
				t.Errorf("%s: GET status %d, want 404", name, got.StatusCode)
			}
		}
		if after := optOuts(); after != before {
			t.Fatalf("opt-outs %s before, %s after forged tokens", before, after)
		}
		if n := f.e.caseQuery(t, b, `SELECT COUNT(*) FROM email_opt_outs`); n != "0" {
			t.Fatalf("the other agency has %s opt-outs", n)
		}
	})

	t.Run("opening the link asks first and changes nothing", func(t *testing.T) {
		res := f.e.newClient().get(link)
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Stop these emails?")
		wantContains(t, res, f.contactEmail)
		wantContains(t, res, `action="`+link+`"`)
		if n := optOuts(); n != "0" {
			t.Fatalf("opening the page stored %s opt-outs", n)
		}
	})

	t.Run("the one-click POST turns the kind off and the next notification of it is not sent", func(t *testing.T) {
		res := oneClick(link)
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Emails turned off")
		wantStatus(t, oneClick(link), http.StatusOK) // a second click changes nothing
		if n := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM email_opt_outs WHERE kind = ?`, tenant.EmailCaseUpdates); n != "1" {
			t.Fatalf("%s opt-outs of case updates, want 1", n)
		}
		before := f.e.outboxTo(t, f.contactEmail)
		share("Second update")
		if after := f.e.outboxTo(t, f.contactEmail); after != before {
			t.Fatalf("the contact was emailed after opting out (%d emails before, %d after)", before, after)
		}
		// The other kind is untouched: the staff still hear of the client.
		wantStatus(t, f.contact.post("/a/"+f.a.Slug+"/portal/cases/"+f.caseX+"/messages", url.Values{"body": {"Still here"}}), http.StatusSeeOther)
		f.e.flushMail(t)
		if staffMsg := f.e.smtp.WaitFor(t, f.staffEmail, 5*time.Second); staffMsg.Header.Get("List-Unsubscribe") == "" {
			t.Errorf("the staff notification has no List-Unsubscribe")
		}
	})
}

func TestEmailSenderName(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	branding := "/a/" + f.a.Slug + "/settings/branding"
	wantContains(t, f.a.Owner.get(branding), `placeholder="`+f.a.Name+` via MintedMind"`)

	t.Run("a sender name that could pass for an address is refused, nothing stored", func(t *testing.T) {
		for _, bad := range []string{`Boss <boss@evil.test>`, strings.Repeat("n", 81), `"Quoted"`} {
			res := brandingForm(t, f.a.Owner, f.a.Slug, map[string]string{"accent": "#1a7f5a", "sender_name": bad}, "", nil)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, `id="e-sender_name"`)
			if n := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM settings WHERE key IN ('email_sender_name', 'brand_accent')`); n != "0" {
				t.Fatalf("%q stored %s settings", bad, n)
			}
		}
	})

	t.Run("the agency's own sender name is the From of its email", func(t *testing.T) {
		res := brandingForm(t, f.a.Owner, f.a.Slug, map[string]string{"accent": "#1a7f5a", "sender_name": "Xylo Care Team"}, "", nil)
		wantStatus(t, res, http.StatusSeeOther)
		wantContains(t, f.a.Owner.get(branding), `value="Xylo Care Team"`)
		wantStatus(t, f.staff.post("/a/"+f.a.Slug+"/cases/"+f.caseX+"/notes", url.Values{"body": {"Hello"}, "visible_to_client": {"1"}}), http.StatusSeeOther)
		f.e.flushMail(t)
		msg := f.e.smtp.WaitFor(t, f.contactEmail, 5*time.Second)
		if got := msg.Header.Get("From"); got != `"Xylo Care Team" <no-reply@example.test>` {
			t.Errorf("From = %q", got)
		}
		if !strings.Contains(msg.HTML, "#1a7f5a") {
			t.Errorf("the HTML part lacks the agency's accent:\n%s", msg.HTML)
		}
	})
}
