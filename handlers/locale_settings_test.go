package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSettingsPagesWithDataThroughThePseudoLocale renders the settings
// pages the pseudo-locale test sees empty (tax presets, task templates,
// request types, API tokens) with rows in them, and each refused form, in the
// pseudo-locale: no English outside the catalogues, the refusals
// included. TestSettingsPagesInLithuanian reads the same pages' words.
func TestSettingsPagesWithDataThroughThePseudoLocale(t *testing.T) {
	t.Parallel()
	f := mustPseudoFixture(t)
	b := f.a.Owner
	s := "/a/" + f.a.Slug + "/settings"
	data := []string{"Atvirkštinis", "dizainas", "Pastaba sąskaitai", "Svetainės keitimas", "Puslapio adresas", "Skubumas", "Žemas", "Aukštas", "Naujas puslapis", "Tekstai", "Dizainas"}
	wantStatus(t, b.post(s+"/tax/presets", url.Values{"name": {"Atvirkštinis"}, "vat_rate": {"0"}, "note": {"Pastaba sąskaitai"}}), http.StatusSeeOther)
	wantStatus(t, b.post(s+"/tasks", url.Values{"name": {"Naujas puslapis"}, "case_label": {"Dizainas"}, "tasks": {"Tekstai +3\n- Dizainas"}}), http.StatusSeeOther)
	wantStatus(t, b.post(s+"/requests", url.Values{"name": {"Svetainės keitimas"}, "field_0_label": {"Puslapio adresas"}, "field_0_kind": {"text"}, "field_0_required": {"1"},
		"field_1_label": {"Skubumas"}, "field_1_kind": {"choice"}, "field_1_choices": {"Žemas\nAukštas"}}), http.StatusSeeOther)
	wantStatus(t, b.post(s+"/requests", url.Values{"name": {"Dizainas"}}), http.StatusSeeOther)
	clean := func(t *testing.T, what string, res *response, status int) {
		t.Helper()
		wantStatus(t, res, status)
		if english := pseudoEnglish(res.Body, append(data, f.a.Name)...); len(english) > 0 {
			t.Errorf("%s: English outside the catalogues:\n\t%s", what, strings.Join(english, "\n\t"))
		}
	}
	for _, p := range []string{"/tax", "/tasks", "/requests"} {
		res := b.get(s + p)
		clean(t, p, res, http.StatusOK)
		for _, want := range map[string][]string{"/tax": {"Atvirkštinis"}, "/tasks": {"Naujas puslapis"}, "/requests": {"Svetainės keitimas"}}[p] {
			wantContains(t, res, want) // the rows are there
		}
	}
	data = append(data, "Apskaita", "Senas raktas")
	wantStatus(t, b.post(s+"/api-tokens", url.Values{"name": {"Apskaita"}, "scope_clients": {"read"}, "scope_invoices": {"write"}}), http.StatusOK)
	secret := b.post(s+"/api-tokens", url.Values{"name": {"Senas raktas"}, "scope_cases": {"read"}, "expires": {"2030-01-01"}})
	for _, name := range []string{"Apskaita", "Senas raktas"} { // the end of its secret beside its name
		data = append(data, "…"+f.e.caseQuery(t, f.a, `SELECT hint FROM api_tokens WHERE name = ?`, name))
	}
	clean(t, "a new token's secret", secret, http.StatusOK)
	old := f.e.caseQuery(t, f.a, `SELECT id FROM api_tokens WHERE name = 'Senas raktas'`)
	wantStatus(t, b.post(s+"/api-tokens/"+old+"/revoke", nil), http.StatusSeeOther)
	clean(t, "/api-tokens", b.get(s+"/api-tokens"), http.StatusOK)
	tpl := f.e.caseQuery(t, f.a, `SELECT id FROM task_templates`)
	rt := f.e.caseQuery(t, f.a, `SELECT id FROM request_types WHERE name = 'Svetainės keitimas'`)
	clean(t, "a template's edit page", b.get(s+"/tasks/"+tpl), http.StatusOK)
	clean(t, "a request type's edit page", b.get(s+"/requests/"+rt), http.StatusOK)
	for _, c := range []struct {
		what, path string
		form       url.Values
	}{
		{"a token without a name or scopes", "/api-tokens", url.Values{"name": {""}}},
		{"a time zone that is none", "", url.Values{"staff_visibility": {"all"}, "two_factor_required": {"nobody"}, "time_zone": {"Mars/Olympus"}}},
		{"a preset without a name", "/tax/presets", url.Values{"name": {""}, "vat_rate": {"101"}}},
		{"a default rate above 100", "/tax", url.Values{"default_vat_rate": {"101"}}},
		{"a template without a name or tasks", "/tasks", url.Values{"name": {""}, "tasks": {""}}},
		{"a request type without a name, a choice without options", "/requests", url.Values{"name": {""}, "field_0_label": {"Skubumas"}, "field_0_kind": {"choice"}}},
	} {
		clean(t, c.what, b.post(s+c.path, c.form), http.StatusUnprocessableEntity)
	}
}

// TestSettingsPagesInLithuanian: in a Lithuanian agency the settings
// pages read in Lithuanian words, with none of their English left.
func TestSettingsPagesInLithuanian(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "lt-settings")
	s := "/a/" + a.Slug + "/settings"
	wantStatus(t, a.Owner.post(s, url.Values{"staff_visibility": {"all"}, "two_factor_required": {"nobody"}, "language": {"lt"}}), http.StatusSeeOther)
	for _, c := range []struct{ path, lithuanian, english string }{
		{"", "Agentūros nustatymai", "What staff members can see"},
		{"/tax", "Mokesčių šablonai", "Add a tax preset"},
		{"/tasks", "Užduočių šablonai", "Save the template"},
		{"/requests", "Užklausų tipai", "Add a request type"},
		{"/api-tokens", "API prieigos raktai", "Make a token"},
		{"/emails", "Su klientu pasidalyta žinutė", "A message shared with a client"},
		{"/branding", "Akcento spalva", "Accent colour"},
		{"/billing", "Jūsų rekvizitai sąskaitose", "Your details on invoices"},
		{"/outbox", "Siunčiamieji", "The emails your agency sent"},
	} {
		res := a.Owner.get(s + c.path)
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, c.lithuanian)
		if strings.Contains(res.Body, c.english) {
			t.Errorf("settings%s still says %q", c.path, c.english)
		}
	}
}
