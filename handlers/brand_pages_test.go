package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mintedmind/files/filestest"
)

// TestBrandOnPublicAgencyPages: the agency's logo, name and colour are on
// the pages people see before they are signed in: sign-in, forgotten
// password, the reset link's page and the invite link's page; and the
// stylesheet carries the colour for both themes and the header.
func TestBrandOnPublicAgencyPages(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "brand-pages")
	a.Owner.get("/a/" + a.Slug + "/settings/branding")
	wantStatus(t, brandingForm(t, a.Owner, a.Slug, map[string]string{"accent": "#b3261e"}, "logo.png", filestest.PNG(120, 40)), http.StatusSeeOther)

	// An invite and a reset, the real way: their links come by email.
	wantStatus(t, a.Owner.post("/a/"+a.Slug+"/invites", url.Values{"email": {"new-staff@example.test"}, "role": {"staff"}}), http.StatusSeeOther)
	invite := e.mailedLink(t, "new-staff@example.test")
	anon := e.newClient()
	anon.get("/a/" + a.Slug + "/forgot")
	anon.post("/a/"+a.Slug+"/forgot", url.Values{"email": {a.OwnerEmail}}) // answers the same whether or not the address is known
	reset := e.mailedLink(t, a.OwnerEmail)

	for name, path := range map[string]string{"sign-in": "/a/" + a.Slug + "/login", "forgotten password": "/a/" + a.Slug + "/forgot", "reset": reset, "invite": invite} {
		b := e.newClient()
		res := b.get(path)
		if res.StatusCode == http.StatusSeeOther { // a link's token is taken out of the address
			res = b.get(res.Header.Get("Location"))
		}
		wantStatus(t, res, http.StatusOK)
		for _, want := range []string{`href="/a/` + a.Slug + `/brand.css?v=b3261e"`, `class="brand-logo"`, "<strong>" + a.Name + "</strong>"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("the %s page (%s) lacks %s", name, path, want)
			}
		}
	}
	css := anon.get("/a/" + a.Slug + "/brand.css?v=b3261e")
	for _, want := range []string{":root:not([data-theme=dark]), [data-theme=light]", "@media (prefers-color-scheme: dark)", "[data-theme=dark] {",
		"--mm-brand: #b3261e;", ".site-header, .app-header { border-top: 4px solid var(--mm-brand); }"} {
		wantContains(t, css, want)
	}
}
