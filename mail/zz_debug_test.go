package mail_test

import (
	"context"
	"testing"
	"time"

	"mintedmind/mail"
	"mintedmind/mail/mailtest"
)

func TestZZDebug(t *testing.T) {
	srv := mailtest.Start(t)
	f := mustNewMailer(t, srv.URL())
	data := mail.InviteData{AgencyName: "Acme Legal", Role: "client", Link: "https://portal.example.com/a/acme/invite/abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz0123456789", ExpiresAt: start.Add(72 * time.Hour)}
	f.mailer.Queue(context.Background(), agencyID, "Bob Example <bob@example.com>", "invite", data)
	f.flush(t)
	m := srv.WaitFor(t, "bob@example.com", time.Second)
	t.Logf("%+v\n-----\n%s\n----\n%s\n", m.To, m.Data, m.Body)
	f2 := mustNewMailer(t, "")
	f2.queueReset(t, "x@example.com")
	f2.flush(t)
	t.Log(f2.log.String())
}
