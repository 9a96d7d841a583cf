package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mintedmind/handlers"
)

func TestAgencyIsolation(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "iso-a")
	b := e.mustSignup(t, "iso-b")
	ctx := context.Background()
	_, staffEmail := e.mustAddUser(t, a, "staff")
	victim, err := e.mustTenant(t, a.ID).UserByEmail(ctx, staffEmail)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("B's owner gets 404 for every protected page and action of A", func(t *testing.T) {
		for _, r := range handlers.Routes {
			if !strings.HasPrefix(r.Path, "/a/:slug") || r.Access == handlers.AgencyPublic {
				continue
			}
			path := strings.NewReplacer(":slug", a.Slug, ":id", victim.ID).Replace(r.Path)
			var res *response
			if r.Method == "GET" {
				res = b.Owner.get(path)
			} else {
				res = b.Owner.post(path, url.Values{"role": {"owner"}, "email": {"x@example.test"}})
			}
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("%s %s: status %d, want 404", r.Method, path, res.StatusCode)
			}
		}
		got, err := e.mustTenant(t, a.ID).UserByID(ctx, victim.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Role != "staff" || got.Status != "active" {
			t.Errorf("victim changed to %s/%s", got.Role, got.Status)
		}
	})

	t.Run("A's session cookie under B's path is refused", func(t *testing.T) {
		stolen := e.newClient()
		stolen.setCookie("mm_session", a.Owner.cookie("mm_session"))
		wantStatus(t, stolen.get("/a/"+b.Slug+"/users"), http.StatusNotFound)
		wantStatus(t, stolen.get("/a/"+b.Slug), http.StatusNotFound)
	})

	t.Run("A's token relabelled as B's agency is not a session in B", func(t *testing.T) {
		_, token, _ := strings.Cut(a.Owner.cookie("mm_session"), ".")
		forged := e.newClient()
		forged.setCookie("mm_session", b.ID+"."+token)
		res := forged.get("/a/" + b.Slug + "/users")
		wantStatus(t, res, http.StatusSeeOther)
		if !strings.HasPrefix(res.Header.Get("Location"), "/a/"+b.Slug+"/login") {
			t.Errorf("Location %q", res.Header.Get("Location"))
		}
	})

	t.Run("an unknown agency is 404", func(t *testing.T) {
		wantStatus(t, a.Owner.get("/a/no-such-agency/login"), http.StatusNotFound)
		wantStatus(t, a.Owner.get("/a/..%2F..%2Fetc/login"), http.StatusNotFound)
	})
}
