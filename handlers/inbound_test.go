package handlers_test

import (
	"context"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	"mintedmind/db/tenant"
	"mintedmind/handlers"
)

// inboundDomain is the test's domain for replies by email.
const inboundDomain = "in.mm.test"

// withInbound turns replies by email on.
func withInbound(c *handlers.Config) { c.InboundDomain = inboundDomain }

// replySecret is the reply token of an email's Reply-To, which must be
// reply+TOKEN@inboundDomain.
func replySecret(t *testing.T, replyTo string) string {
	t.Helper()
	a, err := mail.ParseAddress(replyTo)
	if err != nil {
		t.Fatalf("Reply-To %q: %v", replyTo, err)
	}
	local, domain, _ := strings.Cut(a.Address, "@")
	secret, ok := strings.CutPrefix(local, "reply+")
	if !ok || domain != inboundDomain || len(local) > 64 {
		t.Fatalf("Reply-To %q is not reply+TOKEN@%s within 64 characters", replyTo, inboundDomain)
	}
	return secret
}

// TestNotificationReplyTo: with an inbound domain, a notification about a
// case answers to reply+TOKEN@domain, the token naming that case and that
// recipient, on the agency's notice to the contact and on the client's to
// the staff.
func TestNotificationReplyTo(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t, withInbound)
	ctx := context.Background()
	tn := f.e.mustTenant(t, f.a.ID)

	wantStatus(t, f.staff.post("/a/"+f.a.Slug+"/cases/"+f.caseX+"/notes", url.Values{"body": {"The draft is ready"}, "visible_to_client": {"1"}}), http.StatusSeeOther)
	f.e.flushMail(t)
	msg := f.e.smtp.WaitFor(t, f.contactEmail, 5*time.Second)
	secret := replySecret(t, msg.Header.Get("Reply-To"))
	if got := tenant.AgencyOfReplyToken(secret); got != f.a.ID {
		t.Fatalf("the token names agency %q, want %q", got, f.a.ID)
	}
	k, u, err := tn.ReplyTokenBySecret(ctx, secret, f.contactEmail)
	if err != nil || k.CaseID != f.caseX || u.Email != f.contactEmail {
		t.Fatalf("token %+v user %+v: %v", k, u, err)
	}

	wantStatus(t, f.contact.post(f.portal("/cases/"+f.caseX+"/messages"), url.Values{"body": {"Looks good"}}), http.StatusSeeOther)
	f.e.flushMail(t)
	msg = f.e.smtp.WaitFor(t, f.staffEmail, 5*time.Second)
	k, u, err = tn.ReplyTokenBySecret(ctx, replySecret(t, msg.Header.Get("Reply-To")), f.staffEmail)
	if err != nil || k.CaseID != f.caseX || u.Email != f.staffEmail {
		t.Fatalf("token %+v user %+v: %v", k, u, err)
	}
}
