package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestCSRF(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "csrf")
	ctx := context.Background()
	tn := e.mustTenant(t, a.ID)
	other := e.mustLogin(t, a, a.OwnerEmail) // a second session of the same owner

	pending := func() int {
		inv, err := tn.PendingInvites(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return len(inv)
	}
	invite := url.Values{"email": {"new@example.test"}, "role": {"staff"}}
	for name, token := range map[string]string{
		"without a token":                    "",
		"with a forged token":                "forged-token-forged-token-forged-token-xyz",
		"with another session's token":       other.csrf,
		"with a pre-sign-in (anonymous) one": anonToken(t, e),
	} {
		t.Run("a state change "+name+" is refused and changes nothing", func(t *testing.T) {
			before := pending()
			form := url.Values{}
			for k, v := range invite {
				form[k] = v
			}
			form.Set("_csrf", token)
			res := a.Owner.post("/a/"+a.Slug+"/invites", form)
			wantStatus(t, res, http.StatusForbidden)
			if pending() != before {
				t.Fatal("an invite was created")
			}
		})
	}

	t.Run("the token in the X-CSRF-Token header works, as htmx sends it", func(t *testing.T) {
		a.Owner.headers["X-CSRF-Token"] = a.Owner.csrf
		a.Owner.headers["HX-Request"] = "true"
		defer func() { delete(a.Owner.headers, "X-CSRF-Token"); delete(a.Owner.headers, "HX-Request") }()
		form := url.Values{"email": {"htmx@example.test"}, "role": {"staff"}, "_csrf": {""}}
		res := a.Owner.do("POST", "/a/"+a.Slug+"/invites", strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
		wantStatus(t, res, http.StatusNoContent)
		if res.Header.Get("HX-Location") != "/a/"+a.Slug+"/users" {
			t.Errorf("HX-Location = %q", res.Header.Get("HX-Location"))
		}
	})

	t.Run("sign-up without the anonymous token is refused and creates nothing", func(t *testing.T) {
		c := e.newClient()
		res := c.post("/signup", url.Values{"agency_name": {"X"}, "slug": {"no-csrf"}, "owner_name": {"X"}, "email": {"x@example.test"}, "password": {testPassword}})
		wantStatus(t, res, http.StatusForbidden)
		if taken, _ := e.control.SlugTaken(ctx, "no-csrf"); taken {
			t.Fatal("agency created")
		}
	})

	t.Run("the session token changes at sign-in", func(t *testing.T) {
		c := e.newClient()
		c.get("/a/" + a.Slug + "/login")
		before := c.csrf
		c.post("/a/"+a.Slug+"/login", url.Values{"email": {a.OwnerEmail}, "password": {testPassword}})
		c.get("/a/" + a.Slug)
		if c.csrf == before || c.csrf == "" {
			t.Fatalf("CSRF token not rotated: %q", c.csrf)
		}
	})
}

func anonToken(t *testing.T, e *env) string {
	c := e.newClient()
	c.get("/login")
	return c.csrf
}
