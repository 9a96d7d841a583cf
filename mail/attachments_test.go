package mail_test

import (
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"strings"
	"testing"

	"mintedmind/db/control"
	"mintedmind/mail/mailtest"
)

func TestQueueWithAttachments(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	f := mustNewMailer(t, srv.URL())
	ctx := context.Background()
	pdf := []byte("%PDF-1.4 invoice INV-2026-0001 \x00\xff binary")
	err := f.mailer.QueueWithAttachments(ctx, agencyID, "client@example.test", "invoice",
		map[string]any{"Lang": "en", "Credit": false, "AgencyName": "Acme", "Title": "Invoice", "TitleLower": "invoice", "Article": "an", "Number": "INV-2026-0001", "IssueDate": "2026-03-02",
			"Total": "10.00 EUR", "Outstanding": "10.00 EUR", "DueDate": "2026-03-16", "Link": "http://x.test/i", "ClientName": "Bo", "BankDetails": "IBAN LT00"},
		[]control.EmailAttachment{{Filename: "INV-2026-0001.pdf", ContentType: "application/pdf", Data: pdf}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.mailer.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	m := srv.WaitFor(t, "client@example.test", waitFor)
	if m.Subject != "Invoice INV-2026-0001 from Acme" {
		t.Fatalf("subject %q", m.Subject)
	}
	msg, err := netmail.ReadMessage(strings.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mediaType, "multipart/") {
		t.Fatalf("content type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	r := multipart.NewReader(msg.Body, params["boundary"])
	found := false
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.FileName() != "INV-2026-0001.pdf" {
			continue
		}
		raw, _ := io.ReadAll(p)
		got, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(raw)), ""))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(pdf) {
			t.Fatalf("attachment changed in transit: %q", got)
		}
		found = true
	}
	if !found {
		t.Fatalf("no PDF attachment in:\n%s", m.Data)
	}
}
