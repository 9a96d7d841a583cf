package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestEmailTextsEditing(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	base := "/a/" + f.a.Slug + "/settings/emails"
	stored := func() string {
		return f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM settings WHERE key LIKE 'email_subject:%' OR key LIKE 'email_opening:%'`)
	}

	t.Run("the list and a kind's page show the email as it goes out now", func(t *testing.T) {
		wantContains(t, f.a.Owner.get(base), "A message shared with a client")
		res := f.a.Owner.get(base + "/case-update")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "New message from "+f.a.Name+" on C-0042 Lease renewal")
		wantContains(t, res, `<iframe src="`+base+`/case-update/preview?`)
		wantStatus(t, f.a.Owner.get(base+"/no-such-kind"), http.StatusNotFound)
		wantStatus(t, f.staff.get(base+"/case-update"), http.StatusNotFound)
	})

	t.Run("preview shows unsaved words and stores nothing", func(t *testing.T) {
		res := f.a.Owner.post(base+"/case-update", url.Values{"subject": {"{agency}: news on {case}"}, "opening": {"Dear client,"}, "preview": {"1"}})
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "(not saved yet)")
		wantContains(t, res, f.a.Name+": news on C-0042 Lease renewal")
		wantContains(t, res, "Dear client,")
		if n := stored(); n != "0" {
			t.Fatalf("preview stored %s rows", n)
		}
		frame := f.a.Owner.get(base + "/case-update/preview?" + url.Values{"subject": {"Hi {agency}"}, "opening": {"Dear <client>,"}}.Encode())
		wantStatus(t, frame, http.StatusOK)
		wantContains(t, frame, "Dear &lt;client&gt;,</p>")
		if csp := frame.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'unsafe-inline'") || !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("preview CSP %q", csp)
		}
	})

	t.Run("an unknown placeholder or a two-line subject is refused, nothing stored", func(t *testing.T) {
		for _, form := range []url.Values{
			{"subject": {"News on {invoice}"}, "opening": {""}},
			{"subject": {"Two\nlines"}, "opening": {""}},
			{"subject": {""}, "opening": {strings.Repeat("x", 2001)}},
		} {
			res := f.a.Owner.post(base+"/case-update", form)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, `class="field-error"`)
		}
		if n := stored(); n != "0" {
			t.Fatalf("a refused text stored %s rows", n)
		}
	})

	t.Run("saved words are the subject and opening of the next email of that kind", func(t *testing.T) {
		res := f.a.Owner.post(base+"/case-update", url.Values{"subject": {"{agency}: news on {case} from {from}"}, "opening": {"Dear client,\nthank you for your patience."}})
		wantStatus(t, res, http.StatusSeeOther)
		wantContains(t, f.a.Owner.get(base), "(your own words)")
		wantStatus(t, f.staff.post("/a/"+f.a.Slug+"/cases/"+f.caseX+"/notes", url.Values{"body": {"All signed."}, "visible_to_client": {"1"}}), http.StatusSeeOther)
		f.e.flushMail(t)
		msg := f.e.smtp.WaitFor(t, f.contactEmail, 5*time.Second)
		if want := f.a.Name + ": news on C-0001 Xylo website from Staff Person"; msg.Subject != want {
			t.Errorf("subject %q, want %q", msg.Subject, want)
		}
		if !strings.HasPrefix(msg.Body, "Dear client,\nthank you for your patience.\n\n") || !strings.Contains(msg.Body, "All signed.") {
			t.Errorf("text part:\n%s", msg.Body)
		}
		if !strings.Contains(msg.HTML, "thank you for your patience.</p>") {
			t.Errorf("HTML part lacks the opening:\n%s", msg.HTML)
		}
		// Emptying the fields goes back to the template's words.
		wantStatus(t, f.a.Owner.post(base+"/case-update", url.Values{"subject": {""}, "opening": {""}}), http.StatusSeeOther)
		if n := stored(); n != "0" {
			t.Fatalf("%s rows left after emptying", n)
		}
	})
}
