package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"mintedmind/db/control"
)

func TestOperatorSetup(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	ctx := context.Background()
	first, err := e.control.CreateSetupToken(ctx, control.SetupFirstRun, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	second, _ := e.control.CreateSetupToken(ctx, control.SetupFirstRun, 24*time.Hour)
	form := url.Values{"name": {"Opal"}, "email": {"opal@example.test"}, "password": {testPassword}}

	t.Run("bad input is refused with messages and uses nothing", func(t *testing.T) {
		c := e.newClient()
		c.get("/setup/" + first)
		res := c.post("/setup/"+first, url.Values{"name": {""}, "email": {"nope"}, "password": {"x"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Enter a valid email address")
	})

	c := e.newClient()
	wantStatus(t, c.get("/setup/"+first), http.StatusOK)
	wantStatus(t, c.post("/setup/"+first, form), http.StatusSeeOther)

	t.Run("the link works once", func(t *testing.T) {
		wantStatus(t, c.get("/setup/"+first), http.StatusNotFound)
	})
	t.Run("another first-run link stops working once an operator exists", func(t *testing.T) {
		wantStatus(t, c.get("/setup/"+second), http.StatusNotFound)
		form := url.Values{"name": {"Eve"}, "email": {"eve@example.test"}, "password": {testPassword}}
		wantStatus(t, c.post("/setup/"+second, form), http.StatusNotFound)
		if n, _ := e.control.OperatorCount(ctx); n != 1 {
			t.Fatalf("%d operators", n)
		}
	})
	t.Run("a made-up token is refused", func(t *testing.T) {
		wantStatus(t, c.get("/setup/made-up"), http.StatusNotFound)
	})
	t.Run("a link from the command line adds an operator", func(t *testing.T) {
		cli, _ := e.control.CreateSetupToken(ctx, control.SetupCLI, 24*time.Hour)
		c := e.newClient()
		c.get("/setup/" + cli)
		wantStatus(t, c.post("/setup/"+cli, url.Values{"name": {"Second"}, "email": {"second@example.test"}, "password": {testPassword}}), http.StatusSeeOther)
	})
	t.Run("an expired link is refused", func(t *testing.T) {
		cli, _ := e.control.CreateSetupToken(ctx, control.SetupCLI, time.Hour)
		e.clock.Advance(2 * time.Hour)
		wantStatus(t, e.newClient().get("/setup/"+cli), http.StatusNotFound)
	})

	t.Run("the operator signs in and sees agencies and the outbox", func(t *testing.T) {
		a := e.mustSignup(t, "opview")
		op := e.newClient()
		op.get("/operator/login")
		wantStatus(t, op.post("/operator/login", url.Values{"email": {"opal@example.test"}, "password": {"wrong password"}}), http.StatusUnauthorized)
		wantStatus(t, op.post("/operator/login", url.Values{"email": {"opal@example.test"}, "password": {testPassword}}), http.StatusSeeOther)
		res := op.get("/operator")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, a.Name)
		res = op.get("/operator/outbox")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "welcome") // the kind, not the email (agency_outbox_test.go)
		wantStatus(t, op.post("/operator/logout", nil), http.StatusSeeOther)
		wantStatus(t, op.get("/operator"), http.StatusNotFound)
	})

	t.Run("an agency owner gets 404 from the console", func(t *testing.T) {
		a := e.mustSignup(t, "opdeny")
		wantStatus(t, a.Owner.get("/operator"), http.StatusNotFound)
		wantStatus(t, a.Owner.get("/operator/outbox"), http.StatusNotFound)
	})
}
