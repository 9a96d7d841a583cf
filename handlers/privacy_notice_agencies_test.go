package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mintedmind/db/tenant"
)

func TestPrivacyNoticeIsEachAgencysOwn(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "own-notice")
	b := e.mustSignup(t, "own-notice-b")
	contactA, _ := e.mustAddUser(t, a, "client")
	contactB, _ := e.mustAddUser(t, b, "client")
	publish := func(ag *agency, text string) {
		t.Helper()
		ag.Owner.get("/a/" + ag.Slug + "/privacy")
		wantStatus(t, ag.Owner.post("/a/"+ag.Slug+"/privacy/notice", url.Values{"notice": {text}}), http.StatusSeeOther)
	}
	publish(a, "1. Who we are\nAgency A's own words about your data.")
	publish(b, "1. Who we are\nAgency B keeps this. \"><img src=x onerror=alert(1)><script>alert(2)</script>")
	linkA := `href="/a/` + a.Slug + `/privacy-notice"`
	linkB := `href="/a/` + b.Slug + `/privacy-notice"`

	t.Run("each agency's portal, sign-in and My data link to its own notice only", func(t *testing.T) {
		for _, tc := range []struct {
			name       string
			res        *response
			own, other string
		}{
			{"A's sign-in", e.newClient().get("/a/" + a.Slug + "/login"), linkA, linkB},
			{"B's sign-in", e.newClient().get("/a/" + b.Slug + "/login"), linkB, linkA},
			{"A's portal", contactA.get("/a/" + a.Slug + "/portal"), linkA, linkB},
			{"A's portal invoices", contactA.get("/a/" + a.Slug + "/portal/invoices"), linkA, linkB},
			{"A's contact's My data", contactA.get("/a/" + a.Slug + "/account/data"), linkA, linkB},
			{"B's portal", contactB.get("/a/" + b.Slug + "/portal"), linkB, linkA},
		} {
			wantStatus(t, tc.res, http.StatusOK)
			if !strings.Contains(tc.res.Body, tc.own) || strings.Contains(tc.res.Body, tc.other) {
				t.Errorf("%s: own link %v, the other agency's %v", tc.name, strings.Contains(tc.res.Body, tc.own), strings.Contains(tc.res.Body, tc.other))
			}
		}
	})

	t.Run("a client's invitation page links to its agency's notice", func(t *testing.T) {
		tn := e.mustTenant(t, a.ID)
		owner := mustUser(t, tn, a.OwnerEmail)
		cl, err := tn.CreateClient(context.Background(), tenant.Viewer{UserID: owner.ID}, tenant.ClientInput{Name: "Invited Co", Kind: tenant.ClientCompany}, tenant.Audit{Action: "client.created"})
		if err != nil {
			t.Fatal(err)
		}
		token, _, err := tn.CreateContactInvite(context.Background(), tenant.Viewer{UserID: owner.ID}, cl.ID, "invited@invited.test", "", time.Hour, tenant.Audit{Action: "contact.invited"})
		if err != nil {
			t.Fatal(err)
		}
		res := e.newClient().get("/a/" + a.Slug + "/invite/" + token)
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, linkA)
		wantLacks(t, res, linkB)
	})

	t.Run("each notice page shows its own agency's text, escaped", func(t *testing.T) {
		resA := e.newClient().get("/a/" + a.Slug + "/privacy-notice")
		wantContains(t, resA, "Agency A&#39;s own words")
		wantLacks(t, resA, "Agency B keeps this")
		resB := e.newClient().get("/a/" + b.Slug + "/privacy-notice")
		wantContains(t, resB, "Agency B keeps this")
		wantLacks(t, resB, "Agency A")
		wantLacks(t, resB, "<img")
		wantLacks(t, resB, "<script>alert")
		wantContains(t, resB, "&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;")
	})

	t.Run("staff pages of either agency carry no notice link", func(t *testing.T) {
		wantLacks(t, a.Owner.get("/a/"+a.Slug+"/cases"), "privacy-notice\"")
		wantLacks(t, a.Owner.get("/a/"+a.Slug+"/account/data"), linkA)
	})
}
