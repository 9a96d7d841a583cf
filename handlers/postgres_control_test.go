package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mintedmind/db/dbtest"
	"mintedmind/jobs"
)

// TestPostgresControlPlane runs the application's main paths through the
// control database with it on PostgreSQL (-control-db): sign-up (and a
// taken address refused), sign-in on the agency's page and at the root
// (the login directory), an invitation and a password reset mailed
// through the outbox, the operator console, and the jobs. The handlers'
// other tests run on SQLite only, to keep CI's time; the control store's
// own suite covers every query on both engines.
func TestPostgresControlPlane(t *testing.T) {
	server := dbtest.PostgresServer()
	if server == "" {
		t.Skip(dbtest.PostgresEnv + " is not set (TESTING.md)")
	}
	t.Parallel()
	ctx := context.Background()
	e := mustNewEnvOn(t, dbtest.FreshPostgres(t, server))
	if !e.control.Postgres() {
		t.Fatal("the control store is not on PostgreSQL")
	}
	a := e.mustSignup(t, "pg")
	wantStatus(t, a.Owner.get("/a/"+a.Slug), http.StatusOK)

	t.Run("a taken address is refused", func(t *testing.T) {
		c := e.newClient()
		c.get("/signup")
		res := c.post("/signup", url.Values{"agency_name": {"Another"}, "slug": {a.Slug}, "owner_name": {"O"}, "email": {"second-pg@example.test"}, "password": {testPassword}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "already taken")
	})

	t.Run("the owner signs in at the agency and at the root", func(t *testing.T) {
		e.mustLogin(t, a, a.OwnerEmail)
		c := e.newClient()
		c.get("/login")
		res := c.post("/login", url.Values{"email": {a.OwnerEmail}, "password": {testPassword}})
		wantStatus(t, res, http.StatusSeeOther)
		if !strings.Contains(res.Header.Get("Location"), "/a/"+a.Slug) {
			t.Fatalf("root sign-in went to %q", res.Header.Get("Location"))
		}
	})

	t.Run("an invitation and a reset link are mailed once each", func(t *testing.T) {
		_, staffEmail := e.mustAddUser(t, a, "staff")
		invitee := "invitee-pg@invited.example"
		a.Owner.get("/a/" + a.Slug + "/users")
		wantStatus(t, a.Owner.post("/a/"+a.Slug+"/invites", url.Values{"email": {invitee}, "role": {"staff"}}), http.StatusSeeOther)
		if link := e.mailedLink(t, invitee); !strings.Contains(link, "/invite/") {
			t.Fatalf("invite link %q", link)
		}
		anon := e.newClient()
		anon.get("/a/" + a.Slug + "/forgot")
		anon.post("/a/"+a.Slug+"/forgot", url.Values{"email": {staffEmail}})
		if link := e.mailedLink(t, staffEmail); !strings.Contains(link, "/reset/") {
			t.Fatalf("reset link %q", link)
		}
		e.flushMail(t)
		due, err := e.control.DueEmails(ctx, 10)
		if err != nil || len(due) != 0 {
			t.Fatalf("%d emails still due after sending (%v)", len(due), err)
		}
		sent := map[string]int{}
		for _, m := range e.smtp.Messages() {
			for _, to := range m.To {
				sent[to]++
			}
		}
		if sent[invitee] != 1 || sent[staffEmail] != 1 {
			t.Fatalf("emails sent %v, want one to each", sent)
		}
	})

	t.Run("the operator console lists the agency", func(t *testing.T) {
		res := e.mustOperator(t).get("/operator")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, a.Name)
	})

	t.Run("the jobs run and are recorded", func(t *testing.T) {
		r := jobs.NewRunner(e.control, e.pool, e.clock, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Hour)
		r.AddSubscriptions(e.mailer, "http://mm.test", false)
		r.AddBilling(e.mailer, "http://mm.test")
		r.AddRetention(jobs.NewRetention(e.control, e.pool, e.clock, e.mailer, jobs.DefaultRetention(), "http://mm.test"))
		for _, name := range r.Names() {
			run, err := r.Run(ctx, name)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if run.Status != "ok" || run.Counts["cluster_elsewhere"] != 0 {
				t.Fatalf("%s: %s %v", name, run.Status, run.Counts)
			}
		}
		runs, err := e.control.RecentJobRuns(ctx, 50)
		if err != nil || len(runs) != len(r.Names()) {
			t.Fatalf("%d runs recorded (%v), want %d", len(runs), err, len(r.Names()))
		}
	})
}
