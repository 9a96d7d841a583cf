package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestInvitePageThroughThePseudoLocale opens a team invitation's and a
// portal invitation's link in an agency whose language is the
// pseudo-locale, and the refused form (no name, a short password): no
// English outside the catalogues. The audit log then names both
// invitations in catalogue words too.
func TestInvitePageThroughThePseudoLocale(t *testing.T) {
	t.Parallel()
	f := mustPseudoFixture(t)
	slug := "/a/" + f.a.Slug
	clean := func(t *testing.T, what string, res *response, status int) {
		t.Helper()
		wantStatus(t, res, status)
		if english := pseudoEnglish(res.Body, f.a.Name); len(english) > 0 {
			t.Errorf("%s: English outside the catalogues:\n\t%s", what, strings.Join(english, "\n\t"))
		}
	}
	wantStatus(t, f.a.Owner.post(slug+"/invites", url.Values{"email": {"naujas@kuke.test"}, "role": {"staff"}}), http.StatusSeeOther)
	wantStatus(t, f.a.Owner.post(slug+"/clients/"+f.client+"/contacts", url.Values{"email": {"antras@kuke.test"}}), http.StatusSeeOther)
	for _, email := range []string{"naujas@kuke.test", "antras@kuke.test"} {
		link := f.e.mailedLink(t, email)
		c := f.e.newClient()
		res := c.get(link)
		wantContains(t, res, email)
		clean(t, "the invitation of "+email, res, http.StatusOK)
		clean(t, "a refused form for "+email, c.post(link, url.Values{"name": {""}, "password": {"short"}}), http.StatusUnprocessableEntity)
	}
	clean(t, "the audit log", f.a.Owner.get(slug+"/audit"), http.StatusOK)
}

// TestAuditLogInLithuanian: a Lithuanian agency's audit log names its
// actions and writes its sentences in Lithuanian, the saved settings'
// detail in words too, with the links where the language puts them.
func TestAuditLogInLithuanian(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "lt-audit")
	wantStatus(t, a.Owner.post("/a/"+a.Slug+"/settings", url.Values{"staff_visibility": {"own"}, "two_factor_required": {"nobody"}, "language": {"lt"}}), http.StatusSeeOther)
	res := a.Owner.get("/a/" + a.Slug + "/audit")
	wantStatus(t, res, http.StatusOK)
	for _, want := range []string{"Veiksmų žurnalas", "Visi veiksmai", "Nustatymai pakeisti", "Agentūra sukurta", "</a> sukūrė agentūrą",
		"</a> pakeitė agentūros nustatymus: darbuotojai mato: tik savo klientus; dviejų veiksnių prisijungimas privalomas: niekam; archyvuotų bylų dokumentai: saugomi; laiko juosta: UTC; kalba: Lietuvių"} {
		wantContains(t, res, want)
	}
	for _, english := range []string{"created the agency", "Settings changed", "staff see", "What happened"} {
		if strings.Contains(res.Body, english) {
			t.Errorf("the audit log still says %q", english)
		}
	}
}
