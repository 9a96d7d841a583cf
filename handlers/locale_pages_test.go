package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestPortalInLithuanian: an agency whose default language is
// Lithuanian shows its client contacts the portal in Lithuanian: the
// document's language, the navigation, the home page's headings, the
// invoice list's columns and amounts, and the cookie banner.
func TestPortalInLithuanian(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	f.mustIssueInvoice(t, f.x)
	res := f.a.Owner.post("/a/"+f.a.Slug+"/settings", url.Values{"staff_visibility": {"all"}, "two_factor_required": {"nobody"}, "language": {"lt"}})
	wantStatus(t, res, http.StatusSeeOther)

	home := f.contact.get(f.portal(""))
	wantStatus(t, home, http.StatusOK)
	for _, s := range []string{`<html lang="lt">`, "<h1>Sveiki, Xena Contact</h1>", "Jūsų atviros bylos", "Apmokėtinos sąskaitos", ">Sąskaitos</a>", ">Prašymai</a>",
		"Atsijungti", "Būtinieji slapukai leidžia likti prisijungus", ">Leisti statistiką</button>", "<th>Liko mokėti</th>", "\u00a0€</td>"} {
		wantContains(t, home, s)
	}
	for _, english := range []string{"Your open cases", "Invoices to pay", ">Sign out<", "Allow analytics", "Still owed"} {
		if strings.Contains(home.Body, english) {
			t.Errorf("the Lithuanian portal shows %q", english)
		}
	}
	invoices := f.contact.get(f.portal("/invoices"))
	wantContains(t, invoices, "<h1>Sąskaitos</h1>")
	wantContains(t, invoices, "<h2>Apmokėti</h2>")
	kase := f.contact.get(f.portal("/cases/" + f.caseX))
	wantStatus(t, kase, http.StatusOK)
	for _, s := range []string{`<h2 id="h-conversation">Pokalbis</h2>`, "<h2>Dokumentai</h2>", "<h2>Istorija</h2>", ">Nauja</span>", ">Įkelti</button>"} {
		wantContains(t, kase, s)
	}
	cookies := f.contact.get("/a/" + f.a.Slug + "/cookies")
	wantContains(t, cookies, "<h1>Slapukai</h1>")
	wantContains(t, cookies, "Leidžia likti prisijungus prie agentūros")
	wantContains(t, cookies, "Išsaugoti pasirinkimą")

	t.Run("the staff side of another language keeps its own", func(t *testing.T) {
		res := f.a.Owner.post("/a/"+f.a.Slug+"/settings", url.Values{"staff_visibility": {"all"}, "two_factor_required": {"nobody"}, "language": {"de"}})
		wantStatus(t, res, http.StatusSeeOther)
		home := f.contact.get(f.portal(""))
		wantContains(t, home, `<html lang="de">`)
		wantContains(t, home, "Ihre offenen Vorgänge")
		wantContains(t, home, ">Rechnungen</a>")
	})
}

// TestLoginLanguage: the sign-in page of a visitor who is not signed in
// follows Accept-Language when the app has the language (else the
// agency's default, English here), the switcher's link changes it and a
// cookie keeps the choice for the next pages, and the form's messages
// are in the page's language.
func TestLoginLanguage(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "lang")
	login := "/a/" + a.Slug + "/login"
	visitor := func(accept string) *browser {
		b := e.newClient()
		if accept != "" {
			b.headers["Accept-Language"] = accept
		}
		return b
	}
	for _, c := range []struct{ accept, lang, heading, button string }{
		{"lt-LT,lt;q=0.9,en;q=0.5", "lt", "Prisijungimas prie ", ">Prisijungti</button>"},
		{"de-DE,de;q=0.9", "de", "Bei ", ">Anmelden</button>"},
		{"fr-FR,fr;q=0.9", "en", "Sign in to ", ">Sign in</button>"},
		{"", "en", "Sign in to ", ">Sign in</button>"},
	} {
		t.Run("Accept-Language "+c.accept, func(t *testing.T) {
			res := visitor(c.accept).get(login)
			wantStatus(t, res, http.StatusOK)
			wantContains(t, res, `<html lang="`+c.lang+`">`)
			wantContains(t, res, "<h1>"+c.heading)
			wantContains(t, res, c.button)
			wantContains(t, res, `class="lang-switcher"`)
		})
	}
	t.Run("a wrong password is told in Lithuanian", func(t *testing.T) {
		b := visitor("lt")
		b.get(login)
		res := b.post(login, url.Values{"email": {a.OwnerEmail}, "password": {"wrong password"}})
		wantContains(t, res, "Toks el. paštas ir slaptažodis neatitinka jokios paskyros.")
	})
	t.Run("the switcher's choice outlasts Accept-Language", func(t *testing.T) {
		b := visitor("lt")
		res := b.get(login + "?lang=de")
		wantContains(t, res, `<html lang="de">`)
		wantContains(t, res, `<strong lang="de">Deutsch</strong>`)
		wantContains(t, res, `href="`+login+`?lang=lt"`)
		res = b.get("/a/" + a.Slug + "/forgot")
		wantContains(t, res, `<html lang="de">`)
		wantContains(t, res, "Passwort vergessen?")
	})
	t.Run("a language the app lacks is not kept", func(t *testing.T) {
		b := visitor("")
		res := b.get(login + "?lang=xx")
		wantContains(t, res, `<html lang="en">`)
		for _, ck := range res.Cookies() {
			if strings.HasSuffix(ck.Name, "mm_lang") {
				t.Fatalf("cookie %s=%s set", ck.Name, ck.Value)
			}
		}
	})
	t.Run("a signed-in person's pages ignore Accept-Language", func(t *testing.T) {
		a.Owner.headers["Accept-Language"] = "lt"
		defer delete(a.Owner.headers, "Accept-Language")
		res := a.Owner.get("/a/" + a.Slug)
		wantContains(t, res, `<html lang="en">`)
		if strings.Contains(res.Body, `class="lang-switcher"`) {
			t.Fatal("a signed-in page has the visitors' switcher")
		}
	})
}

// TestSettingsMessagesInTheAgencyLanguage: a refused time zone is told
// in the page's language.
func TestSettingsMessagesInTheAgencyLanguage(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "lang-settings")
	settings := "/a/" + a.Slug + "/settings"
	wantStatus(t, a.Owner.post(settings, url.Values{"staff_visibility": {"all"}, "two_factor_required": {"nobody"}, "language": {"lt"}}), http.StatusSeeOther)
	res := a.Owner.post(settings, url.Values{"staff_visibility": {"all"}, "two_factor_required": {"nobody"}, "language": {"lt"}, "time_zone": {"Mars/Olympus"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantContains(t, res, "Įveskite laiko juostą jos IANA pavadinimu")
	wantContains(t, res, "Pataisykite toliau pažymėtus laukus.")
}

// TestPersonChoosesTheirLanguage: a person's choice on the account page
// comes before the agency's default (a contact's portal in German in a
// Lithuanian agency); back to the agency's default with ""; a language
// the app lacks is refused beside the field with nothing stored; the
// choice is audited.
func TestPersonChoosesTheirLanguage(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	account := "/a/" + f.a.Slug + "/account"
	wantStatus(t, f.a.Owner.post("/a/"+f.a.Slug+"/settings", url.Values{"staff_visibility": {"all"}, "two_factor_required": {"nobody"}, "language": {"lt"}}), http.StatusSeeOther)
	stored := func(t *testing.T) string {
		t.Helper()
		var lang string
		if err := f.e.mustTenant(t, f.a.ID).Read().QueryRow(`SELECT language FROM users WHERE email = ?`, f.contactEmail).Scan(&lang); err != nil {
			t.Fatal(err)
		}
		return lang
	}
	wantContains(t, f.contact.get(account), `<option value="" selected>Agentūros kalba</option>`)

	f.contact.get(account)
	res := f.contact.post(account+"/language", url.Values{"language": {"de"}})
	wantStatus(t, res, http.StatusSeeOther)
	if stored(t) != "de" {
		t.Fatalf("stored %q", stored(t))
	}
	page := f.contact.get(account)
	wantContains(t, page, "Sprache gespeichert.")
	wantContains(t, page, `<option value="de" lang="de" selected>Deutsch</option>`)
	home := f.contact.get(f.portal(""))
	wantContains(t, home, `<html lang="de">`)
	wantContains(t, home, "Ihre offenen Vorgänge")
	if owner := f.a.Owner.get("/a/" + f.a.Slug); !strings.Contains(owner.Body, `<html lang="lt">`) {
		t.Fatal("the owner, who chose nothing, is not in the agency's language")
	}

	t.Run("a language the app lacks is refused and nothing stored", func(t *testing.T) {
		res := f.contact.post(account+"/language", url.Values{"language": {"xx"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Wählen Sie eine der aufgeführten Sprachen.")
		if stored(t) != "de" {
			t.Fatalf("stored %q", stored(t))
		}
	})
	t.Run("the agency's language again", func(t *testing.T) {
		wantStatus(t, f.contact.post(account+"/language", url.Values{"language": {""}}), http.StatusSeeOther)
		if stored(t) != "" {
			t.Fatalf("stored %q", stored(t))
		}
		wantContains(t, f.contact.get(f.portal("")), "Jūsų atviros bylos")
	})
	t.Run("the choice is in the audit log", func(t *testing.T) {
		var n int
		f.e.mustTenant(t, f.a.ID).Read().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'account.language'`).Scan(&n)
		if n != 2 {
			t.Fatalf("%d audit entries", n)
		}
	})
}
