package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// apiTokenMatrix is the route matrix's rows of the API tokens' settings
// page (routes_api.go), added to routeMatrix here.
var apiTokenMatrix = map[string]matrixRow{
	"GET /a/:slug/settings/api-tokens":             {allowed: []string{admin, owner}},
	"POST /a/:slug/settings/api-tokens":            {allowed: []string{admin, owner}},
	"POST /a/:slug/settings/api-tokens/:id/revoke": {allowed: []string{admin, owner}},
	"GET /a/:slug/settings/api-tokens/reference":   {allowed: []string{admin, owner}},
}

func init() {
	for k, v := range apiTokenMatrix {
		if _, dup := routeMatrix[k]; dup {
			panic("routeMatrix: two rows for " + k)
		}
		routeMatrix[k] = v
	}
}

var apiSecretRE = regexp.MustCompile(`mmk_[0-9a-f]{32}_[A-Za-z0-9_-]+`)

// TestAPITokensPage: an owner makes a token (its secret shown once,
// stored hashed, audited), the list shows its scopes, expiry and last use,
// and revoking it ends it; staff are refused, another agency's token id
// is 404 and changes nothing, bad input is 422 with its message on the
// page and no token made.
func TestAPITokensPage(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "apitok")
	b := e.mustSignup(t, "apitok-other")
	staffer, _ := e.mustAddUser(t, a, "staff")
	base := "/a/" + a.Slug + "/settings/api-tokens"
	count := func(ag *agency) string { return e.caseQuery(t, ag, `SELECT COUNT(*) FROM api_tokens`) }

	res := a.Owner.post(base, url.Values{"name": {"Zapier"}, "scope_clients": {"read"}, "scope_cases": {"write"}, "expires": {"2099-01-31"}})
	wantStatus(t, res, http.StatusOK)
	secret := apiSecretRE.FindString(res.Body)
	if secret == "" || !strings.Contains(res.Body, "shown only this once") {
		t.Fatalf("the new token's secret is not on the page:\n%s", res.Body)
	}
	if got := e.caseQuery(t, a, `SELECT COUNT(*) FROM api_tokens WHERE token_hash = ? OR hint = ?`, secret, secret); got != "0" {
		t.Fatal("the secret is stored as it is")
	}
	if got := e.caseQuery(t, a, `SELECT scopes || '|' || expires_at FROM api_tokens WHERE name = 'Zapier'`); !strings.HasPrefix(got, "cases:write clients:read|") {
		t.Fatalf("stored scopes and expiry: %q", got)
	}
	if got := e.caseQuery(t, a, `SELECT COUNT(*) FROM audit_log WHERE action = 'api_token.created'`); got != "1" {
		t.Fatalf("audit entries of the new token: %s", got)
	}
	id := e.caseQuery(t, a, `SELECT id FROM api_tokens WHERE name = 'Zapier'`)

	t.Run("the list shows last use and never the secret again", func(t *testing.T) {
		if _, err := e.mustTenant(t, a.ID).Write().ExecContext(context.Background(), `UPDATE api_tokens SET last_used_at = 1893456000, last_used_ip = '203.0.113.7' WHERE id = ?`, id); err != nil {
			t.Fatal(err)
		}
		res := a.Owner.get(base)
		wantStatus(t, res, http.StatusOK)
		for _, want := range []string{"Zapier", "cases: read and write, clients: read", "2099-01-31", "2030-01-01 00:00 UTC", "203.0.113.7"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("the list lacks %q", want)
			}
		}
		if strings.Contains(res.Body, secret) {
			t.Error("the secret is shown again")
		}
		if !strings.Contains(a.Owner.get("/a/"+a.Slug+"/settings").Body, `href="`+base+`"`) {
			t.Error("the settings navigation has no link to API tokens")
		}
	})

	t.Run("bad input is 422 with its message and makes nothing", func(t *testing.T) {
		for _, tc := range []struct {
			form url.Values
			msg  string
		}{
			{url.Values{"name": {""}, "scope_cases": {"read"}}, "Name the token after what will use it."},
			{url.Values{"name": {"No scopes"}}, "Give the token at least one area to read or write."},
			{url.Values{"name": {"Bad scope"}, "scope_cases": {"admin"}}, "Choose read or write for the areas the token may use."},
			{url.Values{"name": {"Past"}, "scope_cases": {"read"}, "expires": {"2001-01-01"}}, "Choose a day after today, or no expiry."},
			{url.Values{"name": {"Not a date"}, "scope_cases": {"read"}, "expires": {"soon"}}, "Give the expiry as a date"},
		} {
			res := a.Owner.post(base, tc.form)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			if !strings.Contains(res.Body, tc.msg) {
				t.Errorf("%v: the page lacks %q", tc.form, tc.msg)
			}
			if apiSecretRE.MatchString(res.Body) {
				t.Errorf("%v: a secret on a refused form", tc.form)
			}
		}
		if got := count(a); got != "1" {
			t.Fatalf("tokens after refused forms: %s", got)
		}
	})

	t.Run("staff are refused", func(t *testing.T) {
		wantStatus(t, staffer.get(base), http.StatusNotFound)
		wantStatus(t, staffer.post(base, url.Values{"name": {"Mine"}, "scope_cases": {"write"}}), http.StatusNotFound)
		wantStatus(t, staffer.post(base+"/"+id+"/revoke", nil), http.StatusNotFound)
		if got := count(a); got != "1" {
			t.Fatalf("tokens after staff posts: %s", got)
		}
	})

	t.Run("another agency's owner cannot revoke it", func(t *testing.T) {
		wantStatus(t, b.Owner.post("/a/"+b.Slug+"/settings/api-tokens/"+id+"/revoke", nil), http.StatusNotFound)
		if got := e.caseQuery(t, a, `SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL`); got != "1" {
			t.Fatal("another agency revoked the token")
		}
	})

	t.Run("revoking ends it, once", func(t *testing.T) {
		wantStatus(t, a.Owner.post(base+"/"+id+"/revoke", nil), http.StatusSeeOther)
		if got := e.caseQuery(t, a, `SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NOT NULL`); got != "1" {
			t.Fatal("not revoked")
		}
		if res := a.Owner.get(base); !strings.Contains(res.Body, "revoked ") {
			t.Error("the list does not say it is revoked")
		}
		wantStatus(t, a.Owner.post(base+"/"+id+"/revoke", nil), http.StatusNotFound)
		if got := e.caseQuery(t, a, `SELECT COUNT(*) FROM audit_log WHERE action = 'api_token.revoked'`); got != "1" {
			t.Fatalf("audit entries of the revoke: %s", got)
		}
	})
}
