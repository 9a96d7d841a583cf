package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"mintedmind/db/control"
	"mintedmind/jobs"
)

func TestArchivedAgencyRefusesSignInAndOperatorRestores(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "sleepy")
	base := "/a/" + a.Slug
	ret := jobs.NewRetention(e.control, e.pool, e.clock, e.mailer, jobs.DefaultRetention(), e.cfg.BaseURL)
	start := e.clock.Now()
	for _, d := range []int{335, 358, 365} {
		e.clock.Set(start.Add(time.Duration(d) * 24 * time.Hour))
		if _, err := ret.Run(ctx, false); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := e.control.AgencyByID(ctx, a.ID); got.Status != control.AgencyArchived {
		t.Fatalf("status %s", got.Status)
	}
	e.clock.Advance(3 * time.Second) // past the agency cache

	t.Run("sign-in is refused with an explanation", func(t *testing.T) {
		c := e.newClient()
		res := c.get(base + "/login")
		wantStatus(t, res, http.StatusForbidden)
		wantContains(t, res, "archived because it was not used for a long time")
		res = c.post(base+"/login", url.Values{"email": {a.OwnerEmail}, "password": {testPassword}})
		wantStatus(t, res, http.StatusForbidden)
	})

	op := mustOperatorBrowser(t, e, mustCreateOperator(t, e))

	t.Run("the operator sees it archived and can download its archive", func(t *testing.T) {
		res := op.get("/operator/privacy")
		wantContains(t, res, "archived since")
		res = op.get("/operator/agencies/" + a.ID + "/archive.tar.gz")
		wantStatus(t, res, http.StatusOK)
		if files := untar(t, res.Body); files["tenant.db"] == "" {
			t.Fatalf("archive entries %v", keys(files))
		}
	})

	t.Run("restoring an unknown or live agency is refused", func(t *testing.T) {
		other := e.mustSignup(t, "awake")
		wantStatus(t, op.post("/operator/agencies/"+other.ID+"/restore", nil), http.StatusConflict)
		wantStatus(t, op.post("/operator/agencies/not-an-agency/restore", nil), http.StatusNotFound)
	})

	t.Run("the operator restores it and its people sign in again", func(t *testing.T) {
		wantStatus(t, op.post("/operator/agencies/"+a.ID+"/restore", nil), http.StatusSeeOther)
		e.clock.Advance(3 * time.Second)
		c := e.mustLogin(t, a, a.OwnerEmail)
		wantStatus(t, c.get(base), http.StatusOK)
		if len(auditEntries(t, e.mustTenant(t, a.ID), "agency.restored")) != 1 {
			t.Fatal("restore not audited")
		}
	})
}
