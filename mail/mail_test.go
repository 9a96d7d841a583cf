package mail_test

import (
	"context"
	"log/slog"
	"net"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"mintedmind/apperr"
	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/internal/syncbuf"
	"mintedmind/mail"
	"mintedmind/mail/mailtest"
)

const (
	agencyID = "agency-1"
	sender   = "MintedMind <no-reply@example.com>"
	waitFor  = 5 * time.Second
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type fixture struct {
	ctl    *control.Store
	clock  *clock.Manual
	mailer *mail.Mailer
	log    *syncbuf.Buffer
}

func mustOpenControl(t *testing.T, clk clock.Clock) *control.Store {
	t.Helper()
	schema, err := os.ReadFile("../control.sql")
	if err != nil {
		t.Fatal(err)
	}
	ctl, err := control.Open(context.Background(), t.TempDir(), string(schema), clk)
	if err != nil {
		t.Fatalf("open control db: %v", err)
	}
	t.Cleanup(func() { ctl.Close() })
	return ctl
}

// mustNewMailer returns a mailer on a fresh control database and the real
// templates, sending to smtpURL ("" for none).
func mustNewMailer(t *testing.T, smtpURL string) *fixture {
	t.Helper()
	f := &fixture{clock: clock.NewManual(start), log: &syncbuf.Buffer{}}
	f.ctl = mustOpenControl(t, f.clock)
	logger := slog.New(slog.NewTextHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	m, err := mail.New(f.ctl, mail.Config{URL: smtpURL, From: sender}, os.DirFS("../views"), f.clock, logger)
	if err != nil {
		t.Fatalf("new mailer: %v", err)
	}
	f.mailer = m
	return f
}

func (f *fixture) queueReset(t *testing.T, to string) mail.PasswordResetData {
	t.Helper()
	data := mail.PasswordResetData{AgencyName: "Acme Legal", Name: "Ada", Link: "https://portal.example.com/a/acme/reset/tok3n-" + to, ValidFor: "1 hour"}
	if err := f.mailer.Queue(context.Background(), agencyID, to, "password-reset", data); err != nil {
		t.Fatalf("queue: %v", err)
	}
	return data
}

func (f *fixture) flush(t *testing.T) {
	t.Helper()
	if err := f.mailer.Flush(context.Background()); err != nil {
		t.Fatalf("flush: %v", err)
	}
}

// onlyEmail returns the single email in the outbox.
func (f *fixture) onlyEmail(t *testing.T) *control.Email {
	t.Helper()
	emails, err := f.ctl.RecentEmails(context.Background(), 10)
	if err != nil {
		t.Fatalf("recent emails: %v", err)
	}
	if len(emails) != 1 {
		t.Fatalf("outbox holds %d emails, want 1", len(emails))
	}
	return emails[0]
}

func TestQueueDelivers(t *testing.T) {
	t.Parallel()
	t.Run("invite arrives with subject, body and link", func(t *testing.T) {
		t.Parallel()
		srv := mailtest.Start(t)
		f := mustNewMailer(t, srv.URL())
		data := mail.InviteData{AgencyName: "Acme Legal", InviterName: "Grace Hopper", Role: "staff",
			Link: "https://portal.example.com/a/acme/invite/" + strings.Repeat("x", 60), ExpiresAt: start.Add(72 * time.Hour)}
		if err := f.mailer.Queue(context.Background(), agencyID, "bob@example.com", "invite", data); err != nil {
			t.Fatalf("queue: %v", err)
		}
		f.flush(t)

		msg := srv.WaitFor(t, "bob@example.com", waitFor)
		if msg.Subject != "You're invited to Acme Legal on MintedMind" {
			t.Errorf("subject = %q", msg.Subject)
		}
		for _, want := range []string{data.Link, "Grace Hopper has invited you", "with the staff role", "5 March 2026 at 09:00 UTC"} {
			if !strings.Contains(msg.Body, want) {
				t.Errorf("body lacks %q:\n%s", want, msg.Body)
			}
		}
		if msg.From != "no-reply@example.com" {
			t.Errorf("envelope from = %q", msg.From)
		}
		for _, header := range []string{"Message-ID: <", "Date: ", "Content-Type: text/plain; charset=UTF-8", "From: \"MintedMind\" <no-reply@example.com>"} {
			if !strings.Contains(msg.Data, header) {
				t.Errorf("message lacks header %q:\n%s", header, msg.Data)
			}
		}
		e := f.onlyEmail(t)
		if e.Status != control.EmailSent || e.Attempts != 1 || e.AgencyID != agencyID {
			t.Errorf("outbox: status %s, attempts %d, agency %q; want sent, 1, %q", e.Status, e.Attempts, e.AgencyID, agencyID)
		}
	})

	t.Run("Run sends at once when Queue wakes it", func(t *testing.T) {
		t.Parallel()
		srv := mailtest.Start(t)
		f := mustNewMailer(t, srv.URL())
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); f.mailer.Run(ctx) }()
		defer func() { cancel(); <-done }()

		data := f.queueReset(t, "ada@example.com")
		msg := srv.WaitFor(t, "ada@example.com", 2*time.Second) // under Run's 5 s poll
		if !strings.Contains(msg.Body, data.Link) || !strings.Contains(msg.Body, "valid for 1 hour") {
			t.Errorf("body:\n%s", msg.Body)
		}
		f.queueReset(t, "second@example.com")
		srv.WaitFor(t, "second@example.com", 2*time.Second)
	})

	t.Run("smtp:// without STARTTLS on offer sends in clear", func(t *testing.T) {
		t.Parallel()
		srv := mailtest.Start(t)
		f := mustNewMailer(t, strings.Replace(srv.URL(), "smtp+insecure://", "smtp://", 1))
		f.queueReset(t, "ada@example.com")
		f.flush(t)
		srv.WaitFor(t, "ada@example.com", waitFor)
	})

	t.Run("non-ASCII names survive encoding", func(t *testing.T) {
		t.Parallel()
		srv := mailtest.Start(t)
		f := mustNewMailer(t, srv.URL())
		data := mail.WelcomeData{AgencyName: "Zoë & Søn Ådvokater", Name: "Jürgen", Link: "https://portal.example.com/a/zoe"}
		if err := f.mailer.Queue(context.Background(), agencyID, "j@example.com", "welcome", data); err != nil {
			t.Fatalf("queue: %v", err)
		}
		f.flush(t)
		msg := srv.WaitFor(t, "j@example.com", waitFor)
		if msg.Subject != "Welcome to Zoë & Søn Ådvokater on MintedMind" {
			t.Errorf("subject = %q", msg.Subject)
		}
		if !strings.Contains(msg.Body, "Hello Jürgen,") || !strings.Contains(msg.Body, data.Link) {
			t.Errorf("body:\n%s", msg.Body)
		}
	})

	t.Run("a batch shares one connection and all arrive", func(t *testing.T) {
		t.Parallel()
		srv := mailtest.Start(t)
		f := mustNewMailer(t, srv.URL())
		for _, to := range []string{"a@example.com", "b@example.com", "c@example.com"} {
			f.queueReset(t, to)
		}
		f.flush(t)
		if n := len(srv.Messages()); n != 3 {
			t.Fatalf("server got %d messages, want 3", n)
		}
	})
}

func TestRetries(t *testing.T) {
	// Serial: its last subtest frees a port and dials it, which a parallel
	// test's SMTP server could be listening on by then.
	t.Run("temporary failure keeps the email pending until the backoff passes", func(t *testing.T) {
		t.Parallel()
		srv := mailtest.Start(t)
		f := mustNewMailer(t, srv.URL())
		srv.FailNext(1)
		data := f.queueReset(t, "ada@example.com")
		f.flush(t)

		e := f.onlyEmail(t)
		if e.Status != control.EmailPending || e.Attempts != 1 || !strings.Contains(e.LastError, "451") {
			t.Fatalf("after failure: status %s, attempts %d, last error %q; want pending, 1, a 451", e.Status, e.Attempts, e.LastError)
		}
		if !e.NextAttemptAt.Equal(start.Add(time.Minute)) {
			t.Errorf("next attempt at %v, want %v", e.NextAttemptAt, start.Add(time.Minute))
		}
		if !strings.Contains(f.log.String(), "agency_id="+agencyID) || !strings.Contains(f.log.String(), "level=WARN") {
			t.Errorf("failure not logged with the agency id:\n%s", f.log.String())
		}

		f.clock.Advance(30 * time.Second)
		f.flush(t)
		if n := len(srv.Messages()); n != 0 {
			t.Fatalf("sent before the backoff passed (%d messages)", n)
		}

		f.clock.Advance(31 * time.Second)
		f.flush(t)
		msg := srv.WaitFor(t, "ada@example.com", waitFor)
		if !strings.Contains(msg.Body, data.Link) {
			t.Errorf("body lacks the link:\n%s", msg.Body)
		}
		if e := f.onlyEmail(t); e.Status != control.EmailSent || e.Attempts != 2 {
			t.Errorf("after retry: status %s, attempts %d; want sent, 2", e.Status, e.Attempts)
		}
	})

	t.Run("seventh failure gives up", func(t *testing.T) {
		t.Parallel()
		srv := mailtest.Start(t)
		f := mustNewMailer(t, srv.URL())
		srv.FailNext(100)
		f.queueReset(t, "ada@example.com")

		backoff := []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour}
		for attempt := 1; attempt <= 6; attempt++ {
			f.flush(t)
			e := f.onlyEmail(t)
			want := f.clock.Now().Add(backoff[attempt-1])
			if e.Status != control.EmailPending || e.Attempts != attempt || !e.NextAttemptAt.Equal(want) {
				t.Fatalf("attempt %d: status %s, attempts %d, next %v; want pending, %d, %v", attempt, e.Status, e.Attempts, e.NextAttemptAt, attempt, want)
			}
			f.clock.Set(want)
		}
		f.flush(t)
		e := f.onlyEmail(t)
		if e.Status != control.EmailFailed || e.Attempts != 7 || e.LastError == "" {
			t.Fatalf("after 7 attempts: status %s, attempts %d, last error %q; want failed, 7, set", e.Status, e.Attempts, e.LastError)
		}
		if !strings.Contains(f.log.String(), "giving up") {
			t.Errorf("giving up not logged:\n%s", f.log.String())
		}

		f.clock.Advance(24 * time.Hour)
		srv.FailNext(0)
		f.flush(t)
		if n := len(srv.Messages()); n != 0 {
			t.Errorf("failed email was sent again (%d messages)", n)
		}
	})

	t.Run("unreachable server is a recorded failure, not an error", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		f := mustNewMailer(t, "smtp+insecure://"+addr)
		f.queueReset(t, "ada@example.com")
		f.queueReset(t, "bob@example.com")
		f.flush(t)
		emails, err := f.ctl.RecentEmails(context.Background(), 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range emails {
			if e.Status != control.EmailPending || e.Attempts != 1 || !strings.Contains(e.LastError, "connect to SMTP server") {
				t.Errorf("%s: status %s, attempts %d, last error %q", e.To, e.Status, e.Attempts, e.LastError)
			}
		}
	})
}

func TestWithoutSMTP(t *testing.T) {
	t.Parallel()
	f := mustNewMailer(t, "")
	if f.mailer.Configured() || f.mailer.MaskedURL() != "" {
		t.Errorf("Configured() = %v, MaskedURL() = %q; want false, empty", f.mailer.Configured(), f.mailer.MaskedURL())
	}
	data := f.queueReset(t, "ada@example.com")
	f.flush(t)

	e := f.onlyEmail(t)
	if e.Status != control.EmailLogged || e.Attempts != 1 {
		t.Errorf("status %s, attempts %d; want logged, 1", e.Status, e.Attempts)
	}
	out := f.log.String()
	for _, want := range []string{data.Link, "to=ada@example.com", "Reset your Acme Legal password", "agency_id=" + agencyID, "level=INFO"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}

	f.flush(t)
	if n := strings.Count(f.log.String(), data.Link); n != 1 {
		t.Errorf("email logged %d times, want once", n)
	}
}

func TestQueueRefuses(t *testing.T) {
	t.Parallel()
	f := mustNewMailer(t, "")
	data := mail.WelcomeData{AgencyName: "Acme", Name: "Ada", Link: "https://example.com"}
	for _, to := range []string{
		"ada@example.com\r\nBcc: evil@example.com",
		"ada@example.com\nBcc: evil@example.com",
		"ada@example.com, evil@example.com",
		"not an address",
		"",
	} {
		err := f.mailer.Queue(context.Background(), agencyID, to, "welcome", data)
		if !apperr.Is(err, apperr.Invalid) {
			t.Errorf("Queue(to %q) = %v, want an invalid-input error", to, err)
		}
	}
	if err := f.mailer.Queue(context.Background(), agencyID, "ada@example.com", "no-such-template", data); err == nil {
		t.Error("Queue with an unknown template succeeded")
	}
	if err := f.mailer.Queue(context.Background(), agencyID, "ada@example.com", "welcome", struct{ Name string }{"Ada"}); err == nil {
		t.Error("Queue with data missing fields succeeded")
	}
	emails, err := f.ctl.RecentEmails(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(emails) != 0 {
		t.Errorf("refused emails were stored: %d", len(emails))
	}
}

func TestSubjectCannotAddHeaders(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	f := mustNewMailer(t, srv.URL())
	data := mail.WelcomeData{AgencyName: "Acme\r\nBcc: evil@example.com\n\nInjected body", Name: "Ada", Link: "https://example.com"}
	if err := f.mailer.Queue(context.Background(), agencyID, "ada@example.com", "welcome", data); err != nil {
		t.Fatalf("queue: %v", err)
	}
	f.flush(t)
	msg := srv.WaitFor(t, "ada@example.com", waitFor)
	if want := "Welcome to Acme Bcc: evil@example.com Injected body on MintedMind"; msg.Subject != want {
		t.Errorf("subject = %q, want %q", msg.Subject, want)
	}
	headers, _, _ := strings.Cut(msg.Data, "\r\n\r\n")
	if strings.Contains(headers, "\r\nBcc:") || len(msg.To) != 1 {
		t.Errorf("injected header or recipient: to %v\n%s", msg.To, headers)
	}
}

func TestParseURL(t *testing.T) {
	t.Parallel()
	good := []struct {
		raw  string
		want mail.SMTPServer
	}{
		{"smtp://mail.example.com", mail.SMTPServer{Security: mail.StartTLS, Host: "mail.example.com", Port: 587}},
		{"smtp://user%40example.com:p%40ss%3Aw0rd@mail.example.com:2525", mail.SMTPServer{Security: mail.StartTLS, Host: "mail.example.com", Port: 2525, Username: "user@example.com", Password: "p@ss:w0rd"}},
		{"smtps://apikey:secret@smtp.example.com", mail.SMTPServer{Security: mail.ImplicitTLS, Host: "smtp.example.com", Port: 465, Username: "apikey", Password: "secret"}},
		{"smtps://smtp.example.com:10465/", mail.SMTPServer{Security: mail.ImplicitTLS, Host: "smtp.example.com", Port: 10465}},
		{"smtp+insecure://localhost", mail.SMTPServer{Security: mail.NoTLS, Host: "localhost", Port: 25}},
		{"smtp+insecure://127.0.0.1:1025", mail.SMTPServer{Security: mail.NoTLS, Host: "127.0.0.1", Port: 1025}},
		{"smtp+insecure://[::1]:1025", mail.SMTPServer{Security: mail.NoTLS, Host: "::1", Port: 1025}},
	}
	for _, tc := range good {
		t.Run("accepts "+tc.raw, func(t *testing.T) {
			t.Parallel()
			got, err := mail.ParseURL(tc.raw)
			if err != nil {
				t.Fatalf("ParseURL: %v", err)
			}
			if *got != tc.want {
				t.Errorf("got %+v, want %+v", *got, tc.want)
			}
		})
	}

	bad := []struct{ name, raw, wantErr string }{
		{"empty", "", "empty"},
		{"unknown scheme", "http://mail.example.com", "scheme"},
		{"no scheme", "mail.example.com:587", "scheme"},
		{"no host", "smtp://", "no host"},
		{"port not a number", "smtp://user:hunter2@mail.example.com:abc", "port"},
		{"port zero", "smtp://mail.example.com:0", "port"},
		{"port too big", "smtps://mail.example.com:70000", "port"},
		{"path", "smtp://mail.example.com/inbox", "path"},
		{"query", "smtp://mail.example.com?tls=off", "query"},
		{"credentials in clear", "smtp+insecure://user:pass@localhost", "credentials"},
		{"password without user", "smtp://:pass@mail.example.com", "user name"},
	}
	for _, tc := range bad {
		t.Run("refuses "+tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := mail.ParseURL(tc.raw)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("ParseURL(%q) = %v, want an error about %q", tc.raw, err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error repeats the password: %v", err)
			}
		})
	}
}

func TestNewAndMaskedURL(t *testing.T) {
	t.Parallel()
	ctl := mustOpenControl(t, clock.NewManual(start))
	views := os.DirFS("../views")

	m, err := mail.New(ctl, mail.Config{URL: "smtps://apikey:s3cret@smtp.example.com", From: sender}, views, nil, nil)
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	if !m.Configured() || m.MaskedURL() != "smtps://apikey:xxxxx@smtp.example.com" {
		t.Errorf("Configured() = %v, MaskedURL() = %q", m.Configured(), m.MaskedURL())
	}

	refused := []struct {
		name      string
		cfg       mail.Config
		templates fstest.MapFS
	}{
		{"bad URL", mail.Config{URL: "ftp://x", From: sender}, nil},
		{"SMTP without sender", mail.Config{URL: "smtp://x"}, nil},
		{"bad sender", mail.Config{From: "nobody"}, nil},
		{"template without subject", mail.Config{}, fstest.MapFS{"emails/x.txt": {Data: []byte("Hello\n\nBody")}}},
		{"subject without blank line", mail.Config{}, fstest.MapFS{"emails/x.txt": {Data: []byte("Subject: Hi\nBody")}}},
		{"template that does not parse", mail.Config{}, fstest.MapFS{"emails/x.txt": {Data: []byte("Subject: Hi\n\n{{.Body")}}},
	}
	for _, tc := range refused {
		t.Run("refuses "+tc.name, func(t *testing.T) {
			t.Parallel()
			var templates = views
			if tc.templates != nil {
				templates = tc.templates
			}
			if _, err := mail.New(ctl, tc.cfg, templates, nil, nil); err == nil {
				t.Error("New succeeded")
			}
		})
	}
}
