package handlers_test

import (
	"net/http"
	"testing"
)

func TestSignupThenDashboard(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "smoke")
	res := a.Owner.get("/a/" + a.Slug)
	wantStatus(t, res, http.StatusOK)
	wantContains(t, res, "Welcome, Olive Owner")
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control = %q", res.Header.Get("Cache-Control"))
	}
}
