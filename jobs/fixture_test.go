package jobs

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"mintedmind/app"
	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/mail"
	"mintedmind/mail/mailtest"
)

// contactFixture is an agency with its owner, one company client and that
// client's signed-up portal contact ("Cora Contact"), with a mailer that
// sends through a real in-process SMTP server: what the jobs that email a
// client's contacts (document reminders, quote reminders) start from.
type contactFixture struct {
	control *control.Store
	pool    *tenant.Pool
	clk     *clock.Manual
	log     *slog.Logger
	smtp    *mailtest.Server
	mailer  *mail.Mailer
	agency  *control.Agency
	owner   *tenant.User
	tn      *tenant.Store // the agency's store, held until the test ends
	v       tenant.Viewer // the owner
	actor   tenant.Actor  // the owner
	client  *tenant.Client
}

func mustContactFixture(t *testing.T, agencyName, slug, contactEmail string) *contactFixture {
	t.Helper()
	ctx := context.Background()
	f := &contactFixture{log: slog.New(slog.NewTextHandler(io.Discard, nil)), smtp: mailtest.Start(t)}
	f.control, f.pool, f.clk = mustOpen(t)
	var err error
	if f.mailer, err = mail.New(f.control, mail.Config{URL: f.smtp.URL(), From: "MintedMind <no-reply@example.test>"}, os.DirFS("../views"), f.clk, f.log); err != nil {
		t.Fatal(err)
	}
	if f.agency, f.owner, err = app.CreateAgency(ctx, f.control, f.pool, app.NewAgency{Name: agencyName, Slug: slug, OwnerName: "O", OwnerEmail: "o@" + slug + ".test", OwnerPasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	tn, release, err := f.pool.Acquire(ctx, f.agency.ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(release)
	f.tn = tn
	f.v, f.actor = tenant.Viewer{UserID: f.owner.ID}, tenant.Actor{ID: f.owner.ID, Name: f.owner.Name}
	if f.client, err = tn.CreateClient(ctx, f.v, tenant.ClientInput{Name: "Client", Kind: "company"}, tenant.Audit{Action: "client.created"}); err != nil {
		t.Fatal(err)
	}
	token, _, err := tn.CreateContactInvite(ctx, f.v, f.client.ID, contactEmail, f.owner.ID, time.Hour, tenant.Audit{Action: "invite.created"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.AcceptInvite(ctx, token, "Cora Contact", "not a real hash", tenant.Audit{Action: "invite.accepted"}); err != nil {
		t.Fatal(err)
	}
	return f
}
