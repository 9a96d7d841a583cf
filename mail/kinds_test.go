package mail_test

import (
	"context"
	"strings"
	"testing"

	"mintedmind/mail"
	"mintedmind/mail/mailtest"
)

func TestAgencyEmailTexts(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	f := mustNewMailer(t, srv.URL())
	own := map[string]mail.Text{"case-update": {Subject: "{agency}: news on {case} from {from}", Opening: "Dear client,\nhere is <our> news."}}
	f.mailer.UseBranding(func(context.Context, string) (mail.Brand, error) {
		return mail.Brand{Name: "Acme Legal", Texts: own}, nil
	})

	t.Run("every editable kind previews with its sample data, placeholders filled", func(t *testing.T) {
		for _, k := range mail.EditableKinds {
			p, err := f.mailer.Preview(context.Background(), agencyID, k, mail.Text{Subject: "About {agency}", Opening: "Opening of " + k.Name})
			if err != nil {
				t.Fatalf("%s: %v", k.Name, err)
			}
			if p.Subject != "About Acme Legal" || !strings.HasPrefix(p.Text, "Opening of "+k.Name+"\n\n") || !strings.Contains(p.HTML, `Opening of `+k.Name+`</p>`) {
				t.Errorf("%s: subject %q, text %q", k.Name, p.Subject, p.Text[:min(60, len(p.Text))])
			}
		}
	})

	t.Run("a sent email carries the agency's subject and opening in both parts", func(t *testing.T) {
		data := map[string]any{"AgencyName": "Acme Legal", "From": "Grace", "Case": "C-0001 Lease", "Text": "Signed.", "Link": "https://portal.example.com/x"}
		if err := f.mailer.Queue(context.Background(), agencyID, "ann@example.com", "case-update", data); err != nil {
			t.Fatal(err)
		}
		f.flush(t)
		msg := srv.WaitFor(t, "ann@example.com", waitFor)
		if msg.Subject != "Acme Legal: news on C-0001 Lease from Grace" {
			t.Errorf("subject = %q", msg.Subject)
		}
		if !strings.HasPrefix(msg.Body, "Dear client,\nhere is <our> news.\n\n") || !strings.Contains(msg.Body, "Signed.") {
			t.Errorf("text part:\n%s", msg.Body)
		}
		if !strings.Contains(msg.HTML, "Dear client,\nhere is &lt;our&gt; news.</p>") {
			t.Errorf("HTML part lacks the escaped opening:\n%s", msg.HTML)
		}
	})

	t.Run("other kinds keep the template's words", func(t *testing.T) {
		f.queueReset(t, "bo@example.com")
		f.flush(t)
		if msg := srv.WaitFor(t, "bo@example.com", waitFor); msg.Subject != "Reset your Acme Legal password" {
			t.Errorf("subject = %q", msg.Subject)
		}
	})
}
