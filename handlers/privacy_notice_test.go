package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestPrivacyPolicyNamesTheController(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	visitor := e.newClient()

	t.Run("the shipped policy names the product and no placeholder owner", func(t *testing.T) {
		res := visitor.get("/privacy")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "MintedMind is a client portal and CRM workflow for agencies")
		for _, old := range []string{"Client-MintedMind", "official support channel", "service owner"} {
			wantLacks(t, res, old)
		}
		wantContains(t, res, "has not named the controller yet")
	})

	op := e.mustOperator(t)
	t.Run("the operator names the controller; bad input is refused with messages", func(t *testing.T) {
		op.get("/operator/privacy")
		res := op.post("/operator/privacy/controller", url.Values{"controller_name": {""}, "controller_email": {"not an address"}, "controller_website": {"javascript:alert(1)"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Enter the email address privacy questions go to")
		wantContains(t, res, "starting with https://")
		wantContains(t, visitor.get("/privacy"), "has not named the controller yet")

		res = op.post("/operator/privacy/controller", url.Values{"controller_name": {"Host & Co UAB"}, "controller_email": {"privacy@host.test"},
			"controller_address": {"Gedimino pr. 1\r\nVilnius"}, "controller_website": {"https://host.test"}})
		wantStatus(t, res, http.StatusSeeOther)
		wantContains(t, op.get("/operator/audit"), "named the controller on")
	})

	t.Run("the policy page shows them", func(t *testing.T) {
		res := visitor.get("/privacy")
		wantContains(t, res, "<strong>Host &amp; Co UAB</strong>")
		wantContains(t, res, `<a href="mailto:privacy@host.test">privacy@host.test</a>`)
		wantContains(t, res, "Gedimino pr. 1<br>")
		wantContains(t, res, `<a href="https://host.test" rel="noopener">`)
		wantLacks(t, res, "has not named the controller yet")
	})
}

func TestAgencyPrivacyNotice(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "notice")
	b := e.mustSignup(t, "notice-b")
	base := "/a/" + a.Slug
	contact, _ := e.mustAddUser(t, a, "client")
	staffer, _ := e.mustAddUser(t, a, "staff")
	link := `href="` + base + `/privacy-notice"`

	t.Run("nothing is linked before the agency publishes one", func(t *testing.T) {
		wantLacks(t, e.newClient().get(base+"/login"), link)
		wantLacks(t, contact.get(base+"/portal"), link)
		wantStatus(t, e.newClient().get(base+"/privacy-notice"), http.StatusNotFound)
	})

	t.Run("an admin publishes it; it shows as written, escaped", func(t *testing.T) {
		a.Owner.get(base + "/privacy")
		res := a.Owner.post(base+"/privacy/notice", url.Values{"notice": {"1. Who we are\r\n" + a.Name + " in Vilnius <script>x</script>, write to hello@notice.test.\r\n2. What we keep\r\n- Your cases"}})
		wantStatus(t, res, http.StatusSeeOther)
		res = e.newClient().get(base + "/privacy-notice")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "How "+a.Name+" handles your personal data")
		wantContains(t, res, "<h2>2. What we keep</h2>")
		wantContains(t, res, "<li>Your cases</li>")
		wantContains(t, res, "&lt;script&gt;")
		wantLacks(t, res, "<script>x")
		if len(auditEntries(t, e.mustTenant(t, a.ID), "privacy.notice_published")) != 1 {
			t.Fatal("not audited")
		}
	})

	t.Run("portal sign-in and portal pages link to it; staff pages do not", func(t *testing.T) {
		wantContains(t, e.newClient().get(base+"/login"), link)
		wantContains(t, contact.get(base+"/portal"), link)
		wantContains(t, contact.get(base+"/portal/invoices"), link)
		wantLacks(t, staffer.get(base+"/cases"), link)
		wantContains(t, a.Owner.get(base+"/privacy"), "read it as clients see it")
	})

	t.Run("another agency's admin cannot change it, and their agency has none", func(t *testing.T) {
		tn := e.mustTenant(t, a.ID)
		before, _ := tn.PrivacyNotice(context.Background())
		b.Owner.get("/a/" + b.Slug + "/privacy")
		wantStatus(t, b.Owner.post(base+"/privacy/notice", url.Values{"notice": {"hijacked"}}), http.StatusNotFound)
		if after, _ := tn.PrivacyNotice(context.Background()); after != before {
			t.Fatal("A's notice changed")
		}
		wantStatus(t, e.newClient().get("/a/"+b.Slug+"/privacy-notice"), http.StatusNotFound)
		wantLacks(t, e.newClient().get("/a/"+b.Slug+"/login"), "privacy-notice")
	})

	t.Run("staff cannot publish one", func(t *testing.T) {
		staffer.get(base + "/cases")
		wantStatus(t, staffer.post(base+"/privacy/notice", url.Values{"notice": {"x"}}), http.StatusNotFound)
	})

	t.Run("too long a notice is refused with the text kept", func(t *testing.T) {
		a.Owner.get(base + "/privacy")
		res := a.Owner.post(base+"/privacy/notice", url.Values{"notice": {strings.Repeat("word ", 11000)}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Keep the notice under")
	})

	t.Run("emptied, it is withdrawn", func(t *testing.T) {
		a.Owner.get(base + "/privacy")
		wantStatus(t, a.Owner.post(base+"/privacy/notice", url.Values{"notice": {"  "}}), http.StatusSeeOther)
		wantStatus(t, e.newClient().get(base+"/privacy-notice"), http.StatusNotFound)
		wantLacks(t, contact.get(base+"/portal"), link)
	})
}
