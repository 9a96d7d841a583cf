package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestTeamManagement(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "team")
	ctx := context.Background()
	tn := e.mustTenant(t, a.ID)
	owner, _ := tn.UserByEmail(ctx, a.OwnerEmail)
	admin, adminEmail := e.mustAddUser(t, a, "admin")
	adminUser, _ := tn.UserByEmail(ctx, adminEmail)
	_, staffEmail := e.mustAddUser(t, a, "staff")
	staffUser, _ := tn.UserByEmail(ctx, staffEmail)

	t.Run("the last owner cannot be demoted", func(t *testing.T) {
		res := a.Owner.post("/a/"+a.Slug+"/users/"+owner.ID+"/role", url.Values{"role": {"admin"}})
		wantStatus(t, res, http.StatusConflict)
		if u, _ := tn.UserByID(ctx, owner.ID); u.Role != "owner" {
			t.Fatal("demoted")
		}
	})
	t.Run("nobody can disable their own account", func(t *testing.T) {
		wantStatus(t, a.Owner.post("/a/"+a.Slug+"/users/"+owner.ID+"/disable", nil), http.StatusUnprocessableEntity)
	})
	t.Run("an admin cannot touch an owner", func(t *testing.T) {
		wantStatus(t, admin.post("/a/"+a.Slug+"/users/"+owner.ID+"/disable", nil), http.StatusForbidden)
		wantStatus(t, admin.post("/a/"+a.Slug+"/users/"+owner.ID+"/role", url.Values{"role": {"staff"}}), http.StatusForbidden)
	})
	t.Run("an admin cannot make an owner", func(t *testing.T) {
		wantStatus(t, admin.post("/a/"+a.Slug+"/users/"+staffUser.ID+"/role", url.Values{"role": {"owner"}}), http.StatusUnprocessableEntity)
		if u, _ := tn.UserByID(ctx, staffUser.ID); u.Role != "staff" {
			t.Fatal("promoted")
		}
	})
	t.Run("a made-up role is refused", func(t *testing.T) {
		wantStatus(t, a.Owner.post("/a/"+a.Slug+"/users/"+staffUser.ID+"/role", url.Values{"role": {"superuser"}}), http.StatusUnprocessableEntity)
	})
	t.Run("an unknown user is 404", func(t *testing.T) {
		wantStatus(t, a.Owner.post("/a/"+a.Slug+"/users/00000000-0000-0000-0000-000000000000/role", url.Values{"role": {"staff"}}), http.StatusNotFound)
	})
	t.Run("the owner promotes an admin to owner, then steps down", func(t *testing.T) {
		wantStatus(t, a.Owner.post("/a/"+a.Slug+"/users/"+adminUser.ID+"/role", url.Values{"role": {"owner"}}), http.StatusSeeOther)
		wantStatus(t, a.Owner.post("/a/"+a.Slug+"/users/"+owner.ID+"/role", url.Values{"role": {"admin"}}), http.StatusSeeOther)
		if u, _ := tn.UserByID(ctx, owner.ID); u.Role != "admin" {
			t.Fatal("not stepped down")
		}
	})
	t.Run("role changes are audited with before and after", func(t *testing.T) {
		res := admin.get("/a/" + a.Slug + "/audit?action=user.role_changed")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "admin → owner")
	})
	t.Run("the audit log filters and pages", func(t *testing.T) {
		res := admin.get("/a/" + a.Slug + "/audit?from=2020-01-01&to=2099-12-31&actor=" + adminUser.ID)
		wantStatus(t, res, http.StatusOK)
		wantStatus(t, admin.get("/a/"+a.Slug+"/audit?from=yesterday"), http.StatusUnprocessableEntity)
		admin.headers["HX-Request"] = "true"
		res = admin.get("/a/" + a.Slug + "/audit?action=signin")
		delete(admin.headers, "HX-Request")
		wantStatus(t, res, http.StatusOK)
		if res.Header.Get("Vary") == "" || len(res.Body) == 0 || strings.Contains(res.Body, "<html") {
			t.Fatalf("htmx request did not get a fragment: %.200s", res.Body)
		}
	})
}
