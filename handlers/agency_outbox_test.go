package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestOutboxes: the operator console's outbox shows each email's kind,
// agency, recipient domain, status and attempts and nothing it said; the
// agency's owners see their own emails with bodies, minus invite and
// reset links; another agency's owner sees none of them.
func TestOutboxes(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "outbox")
	other := e.mustSignup(t, "outboxother")
	staff, staffEmail := e.mustAddUser(t, a, "staff")
	_ = staff
	invitee := "invitee-outbox@invited.example"
	a.Owner.get("/a/" + a.Slug + "/users")
	wantStatus(t, a.Owner.post("/a/"+a.Slug+"/invites", url.Values{"email": {invitee}, "role": {"staff"}}), http.StatusSeeOther)
	// A password reset for the staff member: a live single-use link.
	anon := e.newClient()
	anon.get("/a/" + a.Slug + "/forgot")
	anon.post("/a/"+a.Slug+"/forgot", url.Values{"email": {staffEmail}})
	link := e.mailedLink(t, invitee)
	if !strings.Contains(link, "/invite/") {
		t.Fatalf("invite link %q", link)
	}
	token := link[strings.LastIndex(link, "/")+1:]

	t.Run("the operator sees delivery records only", func(t *testing.T) {
		res := e.mustOperator(t).get("/operator/outbox")
		wantStatus(t, res, http.StatusOK)
		for _, want := range []string{"invite", a.Name, "invited.example", "example.test"} {
			wantContains(t, res, want)
		}
		for _, never := range []string{token, "/invite/", "/reset/", invitee, "invitee-outbox", "Welcome to", "invited you"} {
			if strings.Contains(res.Body, never) {
				t.Errorf("the operator's outbox shows %q", never)
			}
		}
	})

	t.Run("the owner sees the agency's bodies without single-use links", func(t *testing.T) {
		res := a.Owner.get("/a/" + a.Slug + "/settings/outbox")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, invitee)
		wantContains(t, res, "single-use link, not shown")
		if strings.Contains(res.Body, token) || regexp.MustCompile(`/(invite|reset)/[A-Za-z0-9_-]{8,}`).MatchString(res.Body) {
			t.Errorf("the owner's outbox shows a live single-use link:\n%s", res.Body)
		}
		if strings.Contains(res.Body, other.OwnerEmail) {
			t.Error("the owner's outbox shows another agency's email")
		}
	})

	t.Run("another agency's owner sees none of it", func(t *testing.T) {
		res := other.Owner.get("/a/" + other.Slug + "/settings/outbox")
		wantStatus(t, res, http.StatusOK)
		if strings.Contains(res.Body, invitee) || strings.Contains(res.Body, staffEmail) {
			t.Error("another agency's outbox shows this agency's email")
		}
		wantStatus(t, other.Owner.get("/a/"+a.Slug+"/settings/outbox"), http.StatusNotFound)
	})

	t.Run("staff are refused", func(t *testing.T) {
		res := staff.get("/a/" + a.Slug + "/settings/outbox")
		if res.StatusCode == http.StatusOK {
			t.Fatalf("staff got the outbox")
		}
	})
}
