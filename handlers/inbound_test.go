package handlers_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	gomail "github.com/wneessen/go-mail"

	"mintedmind/app"
	"mintedmind/db/tenant"
	"mintedmind/files"
	"mintedmind/files/filestest"
	"mintedmind/handlers"
	"mintedmind/mail/inbound"
	"mintedmind/mail/mailtest"
)

// inboundDomain is the test's domain for replies by email.
const inboundDomain = "in.mm.test"

// withInbound turns replies by email on.
func withInbound(c *handlers.Config) { c.InboundDomain = inboundDomain }

// replySecret is the reply token of an email's Reply-To, which must be
// reply+TOKEN@inboundDomain.
func replySecret(t *testing.T, replyTo string) string {
	t.Helper()
	a, err := mail.ParseAddress(replyTo)
	if err != nil {
		t.Fatalf("Reply-To %q: %v", replyTo, err)
	}
	local, domain, _ := strings.Cut(a.Address, "@")
	secret, ok := strings.CutPrefix(local, "reply+")
	if !ok || domain != inboundDomain || len(local) > 64 {
		t.Fatalf("Reply-To %q is not reply+TOKEN@%s within 64 characters", replyTo, inboundDomain)
	}
	return secret
}

// TestNotificationReplyTo: with an inbound domain, a notification about a
// case answers to reply+TOKEN@domain, the token naming that case and that
// recipient, on the agency's notice to the contact and on the client's to
// the staff.
func TestNotificationReplyTo(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t, withInbound)
	ctx := context.Background()
	tn := f.e.mustTenant(t, f.a.ID)

	wantStatus(t, f.staff.post("/a/"+f.a.Slug+"/cases/"+f.caseX+"/notes", url.Values{"body": {"The draft is ready"}, "visible_to_client": {"1"}}), http.StatusSeeOther)
	f.e.flushMail(t)
	msg := f.e.smtp.WaitFor(t, f.contactEmail, 5*time.Second)
	secret := replySecret(t, msg.Header.Get("Reply-To"))
	if got := tenant.AgencyOfReplyToken(secret); got != f.a.ID {
		t.Fatalf("the token names agency %q, want %q", got, f.a.ID)
	}
	k, u, err := tn.ReplyTokenBySecret(ctx, secret, f.contactEmail)
	if err != nil || k.CaseID != f.caseX || u.Email != f.contactEmail {
		t.Fatalf("token %+v user %+v: %v", k, u, err)
	}

	wantStatus(t, f.contact.post(f.portal("/cases/"+f.caseX+"/messages"), url.Values{"body": {"Looks good"}}), http.StatusSeeOther)
	f.e.flushMail(t)
	msg = f.e.smtp.WaitFor(t, f.staffEmail, 5*time.Second)
	k, u, err = tn.ReplyTokenBySecret(ctx, replySecret(t, msg.Header.Get("Reply-To")), f.staffEmail)
	if err != nil || k.CaseID != f.caseX || u.Email != f.staffEmail {
		t.Fatalf("token %+v user %+v: %v", k, u, err)
	}
}

// inboundListener is the SMTP listener for replies by email, on a loopback
// port, over the test's whole application (its databases, mail, clock).
type inboundListener struct {
	addr string
	srv  *inbound.Server
	dns  *mailtest.DNS // what the listener's DKIM and SPF checks look up
}

// mustListenInbound starts the listener, taking emails up to maxBytes.
func (e *env) mustListenInbound(t *testing.T, maxBytes int64) *inboundListener {
	t.Helper()
	secret, err := e.control.SecretKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	plans := &app.Plans{Control: e.control, StorageQuota: e.cfg.StorageQuota}
	in := &app.Inbound{Control: e.control, Pool: e.pool, Log: log,
		Uploads: &app.Uploads{Plans: plans, Files: files.NewStore(files.Config{MaxSize: e.cfg.FileLimit})},
		Mail:    &app.CaseMail{Mailer: e.mailer, Secret: secret, BaseURL: e.cfg.BaseURL, InboundDomain: e.cfg.InboundDomain}}
	dns := mailtest.NewDNS()
	srv := inbound.New(in, inbound.Config{Domain: e.cfg.InboundDomain, MaxBytes: maxBytes, PerAddress: 10000, Resolver: dns}, e.clock, log)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return &inboundListener{addr: ln.Addr().String(), srv: srv, dns: dns}
}

// smtpResult is where an SMTP conversation ended: the command refused
// ("" when the email was taken) and the code of its answer.
type smtpResult struct {
	Stage string
	Code  int
	Text  string
}

// send speaks SMTP with net/smtp: MAIL FROM from, RCPT TO each of to,
// DATA raw.
func (l *inboundListener) send(t *testing.T, from string, to []string, raw string) smtpResult {
	t.Helper()
	c, err := smtp.Dial(l.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	refused := func(stage string, err error) smtpResult {
		var pe *textproto.Error
		if !errors.As(err, &pe) {
			t.Fatalf("%s: %v", stage, err)
		}
		return smtpResult{Stage: stage, Code: pe.Code, Text: pe.Msg}
	}
	if err := c.Hello("client.test"); err != nil {
		return refused("helo", err)
	}
	if err := c.Mail(from); err != nil {
		return refused("mail", err)
	}
	for _, r := range to {
		if err := c.Rcpt(r); err != nil {
			return refused("rcpt", err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return refused("data", err)
	}
	if _, err := io.WriteString(w, raw); err != nil {
		return refused("data", err)
	}
	if err := w.Close(); err != nil {
		return refused("data", err)
	}
	c.Quit()
	return smtpResult{Code: 250}
}

// replyEmail is a plain-text reply from `from` with Message-ID id and the
// extra header lines.
func replyEmail(from, to, id, body string, extra ...string) string {
	h := "From: " + from + "\r\nTo: " + to + "\r\nSubject: Re: Xylo website\r\nMessage-ID: " + id + "\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\n"
	for _, x := range extra {
		h += x + "\r\n"
	}
	return h + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + strings.ReplaceAll(body, "\n", "\r\n") + "\r\n"
}

// TestInboundReplies: a reply by email to a notification's reply address,
// spoken over SMTP to the binary's listener, becomes the contact's message
// on the case (quoted history cut, its PDF a document of the message,
// the staff emailed); everything else is refused in the dialogue and
// stores nothing.
func TestInboundReplies(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t, withInbound)
	l := f.e.mustListenInbound(t, 256<<10)
	ctx := context.Background()
	tn := f.e.mustTenant(t, f.a.ID)

	wantStatus(t, f.staff.post("/a/"+f.a.Slug+"/cases/"+f.caseX+"/notes", url.Values{"body": {"The draft is ready"}, "visible_to_client": {"1"}}), http.StatusSeeOther)
	f.e.flushMail(t)
	replyTo := f.e.smtp.WaitFor(t, f.contactEmail, 5*time.Second).Header.Get("Reply-To")
	secret := replySecret(t, replyTo)
	address := "reply+" + secret + "@" + inboundDomain
	state := func() string {
		return f.e.caseQuery(t, f.a, `SELECT (SELECT COUNT(*) FROM notes WHERE case_id = ?) || '/' || (SELECT COUNT(*) FROM documents) || '/' || (SELECT COUNT(*) FROM inbound_mail)`, f.caseX)
	}

	t.Run("a reply with a quoted history and a PDF lands as one message with one document", func(t *testing.T) {
		before := state()
		m := gomail.NewMsg()
		if err := m.From("Xena Contact <" + f.contactEmail + ">"); err != nil {
			t.Fatal(err)
		}
		if err := m.To(address); err != nil {
			t.Fatal(err)
		}
		m.Subject("Re: Xylo website")
		m.SetMessageIDWithValue("first-reply@xylo.test")
		m.SetBodyString(gomail.TypeTextPlain, "Thanks, the signed brief is attached.\n\nOn Mon, 2 Nov 2026, Staff wrote:\n> The draft is ready\n")
		if err := m.AttachReader("brief.pdf", bytes.NewReader(filestest.PDF(1, 0))); err != nil {
			t.Fatal(err)
		}
		host, port, _ := net.SplitHostPort(l.addr)
		p, _ := strconv.Atoi(port)
		c, err := gomail.NewClient(host, gomail.WithPort(p), gomail.WithTLSPolicy(gomail.NoTLS), gomail.WithHELO("xylo.test"))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.DialAndSendWithContext(ctx, m); err != nil {
			t.Fatalf("the reply was refused: %v", err)
		}
		if after := state(); after == before {
			t.Fatalf("nothing stored: %s", after)
		}
		body := f.e.caseQuery(t, f.a, `SELECT body FROM notes WHERE case_id = ? AND from_client = 1 ORDER BY created_at DESC, rowid DESC LIMIT 1`, f.caseX)
		if body != "Thanks, the signed brief is attached." {
			t.Fatalf("message %q", body)
		}
		doc := f.e.caseQuery(t, f.a, `SELECT d.name || ' ' || d.content_type FROM documents d JOIN notes n ON n.id = d.note_id WHERE n.body = ?`, body)
		if doc != "brief.pdf application/pdf" {
			t.Fatalf("attachment %q", doc)
		}
		author := f.e.caseQuery(t, f.a, `SELECT u.email FROM notes n JOIN users u ON u.id = n.author_id WHERE n.body = ?`, body)
		if author != f.contactEmail {
			t.Fatalf("posted as %q", author)
		}
		f.e.flushMail(t)
		staffMail := f.e.smtp.WaitFor(t, f.staffEmail, 5*time.Second)
		if !strings.Contains(staffMail.Body, "Thanks, the signed brief is attached.") || !strings.Contains(staffMail.Body, "brief.pdf") {
			t.Fatalf("the staff's email:\n%s", staffMail.Body)
		}
		res := f.staff.get("/a/" + f.a.Slug + "/cases/" + f.caseX)
		wantContains(t, res, "Thanks, the signed brief is attached.")
		// Marked as a reply by email, on both sides; the page's message is not.
		if got := f.e.caseQuery(t, f.a, `SELECT via_email FROM notes WHERE body = ?`, body); got != "1" {
			t.Fatalf("via_email %q", got)
		}
		if got := f.e.caseQuery(t, f.a, `SELECT via_email FROM notes WHERE body = 'The draft is ready'`); got != "0" {
			t.Fatalf("the page's message: via_email %q", got)
		}
		if n := strings.Count(res.Body, `class="msg-via">by email<`); n != 2 {
			t.Fatalf("the staff's thread and history mark %d messages by email, want 2 (one each):\n%s", n, res.Body)
		}
		if n := strings.Count(f.contact.get(f.portal("/cases/"+f.caseX)).Body, `class="msg-via">by email<`); n != 1 {
			t.Fatalf("the portal's thread marks %d messages by email, want 1", n)
		}

		// The staff's notice answers to the case too: their reply by email
		// is the agency's message, which the contact sees and is emailed.
		staffAddress := "reply+" + replySecret(t, staffMail.Header.Get("Reply-To")) + "@" + inboundDomain
		r := l.send(t, f.staffEmail, []string{staffAddress}, replyEmail(f.staffEmail, staffAddress, "<staff-answer@agency.test>", "Received, thank you.\n-- \nStaff"))
		if r.Code != 250 {
			t.Fatalf("the staff's reply: %+v", r)
		}
		if got := f.e.caseQuery(t, f.a, `SELECT from_client || visible_to_client FROM notes WHERE case_id = ? AND body = 'Received, thank you.'`, f.caseX); got != "01" {
			t.Fatalf("the staff's reply is stored as %q (from_client, visible_to_client)", got)
		}
		f.e.flushMail(t)
		if m := f.e.smtp.WaitFor(t, f.contactEmail, 5*time.Second); !strings.Contains(m.Body, "Received, thank you.") {
			t.Fatalf("the contact's email:\n%s", m.Body)
		}
		wantContains(t, f.contact.get(f.portal("/cases/"+f.caseX)), "Received, thank you.")
	})

	t.Run("the same Message-ID again is refused and stored once", func(t *testing.T) {
		before := state()
		r := l.send(t, f.contactEmail, []string{address}, replyEmail(f.contactEmail, address, "<first-reply@xylo.test>", "Thanks again"))
		if r.Stage != "data" || r.Code != 550 {
			t.Fatalf("a replay: %+v", r)
		}
		if after := state(); after != before {
			t.Fatalf("a replay stored: %s → %s", before, after)
		}
	})

	other, err := tn.IssueReplyToken(ctx, f.caseX, f.e.mustUserID(t, f.a, f.staffEmail))
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("This line makes the email too large.\n", 10000)
	for _, c := range []struct {
		name, from, to, raw string
		stage               string
		code                int
	}{
		{"an address that is not a reply address", f.contactEmail, "sales@" + inboundDomain, "", "rcpt", 550},
		{"another domain", f.contactEmail, "reply+" + secret + "@elsewhere.test", "", "rcpt", 550},
		{"an unknown token", f.contactEmail, "reply+" + secret[:len(secret)-3] + "aaa@" + inboundDomain, "", "rcpt", 550},
		{"a token of no agency", f.contactEmail, "reply+nothing@" + inboundDomain, "", "rcpt", 550},
		{"another envelope sender", "mallory@evil.test", address, "", "rcpt", 550},
		{"another person's token", f.contactEmail, "reply+" + other + "@" + inboundDomain, "", "rcpt", 550},
		{"another sender in From", f.contactEmail, address, replyEmail("mallory@evil.test", address, "<forged@evil.test>", "Pay me"), "data", 550},
		{"an empty return path", "", address, "", "mail", 550},
		{"no text of its own", f.contactEmail, address, replyEmail(f.contactEmail, address, "<empty@xylo.test>", "> The draft is ready"), "data", 550},
		{"an oversize email", f.contactEmail, address, replyEmail(f.contactEmail, address, "<big@xylo.test>", big), "data", 552},
	} {
		t.Run(c.name+" is refused and stores nothing", func(t *testing.T) {
			before := state()
			r := l.send(t, c.from, []string{c.to}, c.raw)
			if r.Stage != c.stage || r.Code != c.code {
				t.Fatalf("got %+v, want %d at %s", r, c.code, c.stage)
			}
			if after := state(); after != before {
				t.Fatalf("stored: %s → %s", before, after)
			}
		})
	}

	t.Run("a second reply address in one email waits for its own delivery", func(t *testing.T) {
		r := l.send(t, f.contactEmail, []string{address, address}, "")
		if r.Stage != "rcpt" || r.Code != 452 {
			t.Fatalf("got %+v", r)
		}
	})

	for name, header := range map[string]string{
		"Auto-Submitted":         "Auto-Submitted: auto-replied",
		"Precedence: bulk":       "Precedence: bulk",
		"Precedence: auto_reply": "Precedence: auto_reply",
		"X-Autoreply":            "X-Autoreply: yes",
		"an empty Return-Path":   "Return-Path: <>",
	} {
		t.Run("an automatic reply ("+name+") is dropped without an answer", func(t *testing.T) {
			before := state()
			r := l.send(t, f.contactEmail, []string{address}, replyEmail(f.contactEmail, address, "<ooo-"+strings.ReplaceAll(name, " ", "")+"@xylo.test>", "I am out of the office.", header))
			if r.Code != 250 {
				t.Fatalf("got %+v", r)
			}
			if after := state(); after != before {
				t.Fatalf("stored: %s → %s", before, after)
			}
		})
	}

	t.Run("two deliveries of one email at once store one message", func(t *testing.T) {
		before := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM notes WHERE case_id = ?`, f.caseX)
		raw := replyEmail(f.contactEmail, address, "<twice@xylo.test>", "Sent twice by my server")
		results := make(chan smtpResult, 2)
		for range 2 {
			go func() { results <- l.send(t, f.contactEmail, []string{address}, raw) }()
		}
		a, b := <-results, <-results
		if (a.Code == 250) == (b.Code == 250) {
			t.Fatalf("not exactly one taken: %+v %+v", a, b)
		}
		n := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM notes WHERE case_id = ? AND body = 'Sent twice by my server'`, f.caseX)
		after := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM notes WHERE case_id = ?`, f.caseX)
		if n != "1" || after == before {
			t.Fatalf("%s stored (%s → %s notes)", n, before, after)
		}
	})

	t.Run("a revoked and an expired reply address are refused", func(t *testing.T) {
		fresh, err := tn.IssueReplyToken(ctx, f.caseX, f.e.mustUserID(t, f.a, f.contactEmail))
		if err != nil {
			t.Fatal(err)
		}
		f.e.clock.Advance(tenant.ReplyTokenTTL + time.Hour)
		before := state()
		if r := l.send(t, f.contactEmail, []string{"reply+" + fresh + "@" + inboundDomain}, ""); r.Stage != "rcpt" || r.Code != 550 || !strings.Contains(r.Text, "expired") {
			t.Fatalf("an expired token: %+v", r)
		}
		if _, err := tn.RevokeReplyTokens(ctx, f.e.mustUserID(t, f.a, f.contactEmail)); err != nil {
			t.Fatal(err)
		}
		if r := l.send(t, f.contactEmail, []string{address}, ""); r.Stage != "rcpt" || r.Code != 550 {
			t.Fatalf("a revoked token: %+v", r)
		}
		if after := state(); after != before {
			t.Fatalf("stored: %s → %s", before, after)
		}
	})
}

// mustContactReplyAddress is the reply address of the agency's notice to
// the portal fixture's contact about case X.
func mustContactReplyAddress(t *testing.T, f *portalFixture) string {
	t.Helper()
	wantStatus(t, f.staff.post("/a/"+f.a.Slug+"/cases/"+f.caseX+"/notes", url.Values{"body": {"The draft is ready"}, "visible_to_client": {"1"}}), http.StatusSeeOther)
	f.e.flushMail(t)
	return "reply+" + replySecret(t, f.e.smtp.WaitFor(t, f.contactEmail, 5*time.Second).Header.Get("Reply-To")) + "@" + inboundDomain
}

// TestInboundDKIMAndSPF: the listener checks a reply's DKIM signature
// (signed here with a generated key published in the test DNS) and its
// SPF (the loopback address against the sender domain's record) and keeps
// both results on the message; a signature its domain's key does not
// verify is refused in the dialogue and stores nothing; a DNS that does
// not answer is a temperror, and the reply is taken.
func TestInboundDKIMAndSPF(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t, withInbound)
	l := f.e.mustListenInbound(t, 256<<10)
	address := mustContactReplyAddress(t, f)
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	l.dns.SetTXT("mm1._domainkey.xylo.test", "v=DKIM1; k=ed25519; p="+base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey)))
	l.dns.SetTXT("xylo.test", "v=spf1 ip4:127.0.0.0/8 -all")
	sign := func(raw string) string {
		var out bytes.Buffer
		if err := dkim.Sign(&out, strings.NewReader(raw), &dkim.SignOptions{Domain: "xylo.test", Selector: "mm1", Signer: key}); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	stored := func(body string) string {
		return f.e.caseQuery(t, f.a, `SELECT COALESCE((SELECT via_email || ' ' || dkim_result || ' ' || dkim_domain || ' ' || spf_result FROM notes WHERE case_id = ? AND body = ?), 'none')`, f.caseX, body)
	}
	notes := func() string {
		return f.e.caseQuery(t, f.a, `SELECT COUNT(*) || '/' || (SELECT COUNT(*) FROM inbound_mail) FROM notes`)
	}

	t.Run("a signed reply from an address SPF allows is stored with both passes", func(t *testing.T) {
		r := l.send(t, f.contactEmail, []string{address}, sign(replyEmail(f.contactEmail, address, "<signed@xylo.test>", "Signed and sent")))
		if r.Code != 250 {
			t.Fatalf("refused: %+v", r)
		}
		if got := stored("Signed and sent"); got != "1 pass xylo.test pass" {
			t.Fatalf("stored as %q", got)
		}
	})
	t.Run("a signed reply changed on the way is refused and stores nothing", func(t *testing.T) {
		before := notes()
		raw := strings.Replace(sign(replyEmail(f.contactEmail, address, "<changed@xylo.test>", "Pay the old account")), "old account", "new account", 1)
		r := l.send(t, f.contactEmail, []string{address}, raw)
		if r.Stage != "data" || r.Code != 550 || !strings.Contains(r.Text, "DKIM") || !strings.Contains(r.Text, "xylo.test") {
			t.Fatalf("got %+v", r)
		}
		if after := notes(); after != before {
			t.Fatalf("stored: %s → %s", before, after)
		}
	})
	t.Run("an unsigned reply is stored with DKIM none", func(t *testing.T) {
		if r := l.send(t, f.contactEmail, []string{address}, replyEmail(f.contactEmail, address, "<unsigned@xylo.test>", "Not signed")); r.Code != 250 {
			t.Fatalf("refused: %+v", r)
		}
		if got := stored("Not signed"); got != "1 none  pass" {
			t.Fatalf("stored as %q", got)
		}
	})
	t.Run("lookups that fail are temperror and the reply is taken", func(t *testing.T) {
		l.dns.SetBroken("mm1._domainkey.xylo.test")
		l.dns.SetBroken("xylo.test")
		if r := l.send(t, f.contactEmail, []string{address}, sign(replyEmail(f.contactEmail, address, "<nodns@xylo.test>", "Sent while the DNS was down"))); r.Code != 250 {
			t.Fatalf("refused: %+v", r)
		}
		if got := stored("Sent while the DNS was down"); got != "1 temperror  temperror" {
			t.Fatalf("stored as %q", got)
		}
	})
	t.Run("the staff see each reply's results in the thread and the history, passes plain and the rest as warnings; the client sees none", func(t *testing.T) {
		page := f.staff.get("/a/" + f.a.Slug + "/cases/" + f.caseX)
		wantStatus(t, page, http.StatusOK)
		for _, c := range []struct{ body, want string }{
			{"Signed and sent", `class="msg-via">by email</small> · <small class="msg-auth">DKIM pass (xylo.test)</small> · <small class="msg-auth">SPF pass</small>`},
			{"Not signed", `class="msg-via">by email</small> · <small class="msg-auth msg-auth-warn"><span aria-hidden="true">⚠ </span><span class="visually-hidden">Warning, the sender is not confirmed: </span>DKIM none</small> · <small class="msg-auth">SPF pass</small>`},
			{"Sent while the DNS was down", `class="msg-via">by email</small> · <small class="msg-auth msg-auth-warn"><span aria-hidden="true">⚠ </span><span class="visually-hidden">Warning, the sender is not confirmed: </span>DKIM temperror</small> · <small class="msg-auth msg-auth-warn"><span aria-hidden="true">⚠ </span><span class="visually-hidden">Warning, the sender is not confirmed: </span>SPF temperror</small>`},
		} {
			id := f.e.caseQuery(t, f.a, `SELECT id FROM notes WHERE case_id = ? AND body = ?`, f.caseX, c.body)
			for _, anchor := range []string{`id="msg-` + id + `"`, `<span id="note-` + id + `"></span>`} {
				_, head, ok := strings.Cut(page.Body, anchor)
				head, _, _ = strings.Cut(head, "</p>")
				if !ok || !strings.Contains(head, c.want) {
					t.Errorf("%q at %s: the head lacks\n%s\ngot\n%s", c.body, anchor, c.want, head)
				}
			}
		}
		if n := strings.Count(page.Body, `class="msg-auth"`) + strings.Count(page.Body, `class="msg-auth msg-auth-warn"`); n != 12 {
			t.Errorf("%d results shown, want 12 (three replies, twice, two each)", n)
		}
		portal := f.contact.get(f.portal("/cases/" + f.caseX))
		wantStatus(t, portal, http.StatusOK)
		if strings.Contains(portal.Body, `class="msg-auth`+"\"") || strings.Contains(portal.Body, "msg-auth-warn") || strings.Contains(portal.Body, "DKIM ") || strings.Contains(portal.Body, "SPF ") {
			t.Errorf("the portal shows the results:\n%s", portal.Body)
		}
	})
	t.Run("the API's thread says which messages came by email, with their results, as the pages do", func(t *testing.T) {
		wantStatus(t, f.contact.post(f.portal("/cases/"+f.caseX+"/messages"), url.Values{"body": {"Typed on the portal"}}), http.StatusSeeOther)
		tok := mustAPIToken(t, f.e, f.a, "Mail", allScopes())
		res := tok.api(t, "GET", "/api/v1/cases/"+f.caseX+"/messages", "") // checked against the OpenAPI document
		wantStatus(t, res, http.StatusOK)
		var page struct {
			Data []struct {
				Body     string          `json:"body"`
				Origin   string          `json:"origin"`
				ViaEmail bool            `json:"via_email"`
				MailAuth json.RawMessage `json:"mail_auth"`
			} `json:"data"`
		}
		if err := json.Unmarshal([]byte(res.Body), &page); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, m := range page.Data {
			got[m.Body] = fmt.Sprintf("%s %t %s", m.Origin, m.ViaEmail, m.MailAuth)
		}
		for body, want := range map[string]string{
			"The draft is ready":          "staff false null",
			"Typed on the portal":         "client false null",
			"Signed and sent":             `email true {"dkim":"pass","dkim_domain":"xylo.test","spf":"pass"}`,
			"Not signed":                  `email true {"dkim":"none","dkim_domain":"","spf":"pass"}`,
			"Sent while the DNS was down": `email true {"dkim":"temperror","dkim_domain":"","spf":"temperror"}`,
		} {
			if got[body] != want {
				t.Errorf("%q: origin, via_email, mail_auth %q, want %q", body, got[body], want)
			}
		}
	})
}

// TestInboundThousandReplies: a thousand replies by email, from 20
// senders at once (github.com/wneessen/go-mail clients, 50 replies each
// over one connection, to the listener on a loopback port), are all taken
// and each stored exactly once: a message apiece, a Message-ID apiece,
// nothing lost, nothing twice.
func TestInboundThousandReplies(t *testing.T) {
	if testing.Short() {
		t.Skip("a thousand replies: not in -short")
	}
	t.Parallel()
	const senders, each = 20, 50
	f := mustPortalFixture(t, withInbound)
	l := f.e.mustListenInbound(t, 256<<10)
	address := mustContactReplyAddress(t, f)
	host, port, _ := net.SplitHostPort(l.addr)
	p, _ := strconv.Atoi(port)
	errs := make(chan error, senders)
	for s := range senders {
		go func() {
			msgs := make([]*gomail.Msg, each)
			for i := range msgs {
				m := gomail.NewMsg()
				if err := m.From(f.contactEmail); err != nil {
					errs <- err
					return
				}
				if err := m.To(address); err != nil {
					errs <- err
					return
				}
				m.Subject("Re: Xylo website")
				m.SetMessageIDWithValue(fmt.Sprintf("load-%02d-%02d@xylo.test", s, i))
				m.SetBodyString(gomail.TypeTextPlain, fmt.Sprintf("Reply %02d-%02d\n\n> The draft is ready\n", s, i))
				msgs[i] = m
			}
			c, err := gomail.NewClient(host, gomail.WithPort(p), gomail.WithTLSPolicy(gomail.NoTLS), gomail.WithHELO("xylo.test"))
			if err != nil {
				errs <- err
				return
			}
			if err := c.DialWithContext(context.Background()); err != nil {
				errs <- fmt.Errorf("sender %d: dial: %w", s, err)
				return
			}
			defer c.Close()
			if err := c.Send(msgs...); err != nil {
				errs <- fmt.Errorf("sender %d: %w", s, err)
				return
			}
			errs <- nil
		}()
	}
	for range senders {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	got := f.e.caseQuery(t, f.a, `SELECT COUNT(*) || ' ' || COUNT(DISTINCT body) || ' ' || SUM(via_email) FROM notes WHERE case_id = ? AND body LIKE 'Reply %'`, f.caseX)
	if want := fmt.Sprintf("%d %d %d", senders*each, senders*each, senders*each); got != want {
		t.Fatalf("messages, distinct, by email: %s, want %s", got, want)
	}
	if n := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM inbound_mail WHERE case_id = ?`, f.caseX); n != strconv.Itoa(senders*each) {
		t.Fatalf("%s Message-IDs taken", n)
	}
}

// waitForText is the next email to `to` whose body holds text (earlier
// ones to them are passed over).
func waitForText(t *testing.T, f *portalFixture, to, text string) mailtest.Message {
	t.Helper()
	f.e.flushMail(t)
	for {
		if m := f.e.smtp.WaitFor(t, to, 5*time.Second); strings.Contains(m.Body, text) {
			return m
		}
	}
}

// TestInboundQuoteReplies: the emails of a quote's thread (the contact's
// question to the author, the answer to the contacts who asked) answer to
// reply+TOKEN, the token naming that quote; a reply by email to each is
// added to that quote's thread (not another quote's) as its person's
// answer or question, marked by email on both sides, and emails the other
// side in turn; a reply with a PDF lands as one message with one document
// of the quote (no case), listed under the message on both sides and
// downloaded by staff and the contact, not by another client's contact or
// another agency; a replay and a reply with a refused file store nothing.
func TestInboundQuoteReplies(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t, withInbound)
	l := f.e.mustListenInbound(t, 256<<10)
	ctx := context.Background()
	tn := f.e.mustTenant(t, f.a.ID)
	mine := f.mustSentQuote(t, f.x)
	other := f.mustSentQuote(t, f.x)
	thread := func(id string) string {
		return f.e.caseQuery(t, f.a, `SELECT COALESCE(group_concat(from_client || via_email || ':' || body, '|'), '') FROM (SELECT from_client, via_email, body FROM quote_messages WHERE quote_id = ? ORDER BY created_at, rowid)`, id)
	}

	wantStatus(t, f.contact.post(f.portal("/quotes/"+mine+"/questions"), url.Values{"body": {"Is hosting monthly?"}}), http.StatusSeeOther)
	question := waitForText(t, f, f.staffEmail, "Is hosting monthly?")
	secret := replySecret(t, question.Header.Get("Reply-To"))
	k, u, err := tn.ReplyTokenBySecret(ctx, secret, f.staffEmail)
	if err != nil || k.QuoteID != mine || k.CaseID != "" || u.Email != f.staffEmail {
		t.Fatalf("the question's token: %+v %+v %v", k, u, err)
	}
	staffAddress := "reply+" + secret + "@" + inboundDomain
	if r := l.send(t, f.staffEmail, []string{staffAddress}, replyEmail(f.staffEmail, staffAddress, "<answer@agency.test>", "Yes, billed monthly.\n\n> Is hosting monthly?")); r.Code != 250 {
		t.Fatalf("the staff's answer by email: %+v", r)
	}
	if got := thread(mine); got != "10:Is hosting monthly?|01:Yes, billed monthly." {
		t.Fatalf("the thread: %q", got)
	}
	answer := waitForText(t, f, f.contactEmail, "Yes, billed monthly.")
	contactAddress := "reply+" + replySecret(t, answer.Header.Get("Reply-To")) + "@" + inboundDomain
	if r := l.send(t, f.contactEmail, []string{contactAddress}, replyEmail(f.contactEmail, contactAddress, "<followup@xylo.test>", "And the domain?\n\nOn Mon, Staff wrote:\n> Yes, billed monthly.")); r.Code != 250 {
		t.Fatalf("the contact's question by email: %+v", r)
	}
	if got := thread(mine); got != "10:Is hosting monthly?|01:Yes, billed monthly.|11:And the domain?" {
		t.Fatalf("the thread: %q", got)
	}
	if got := thread(other); got != "" {
		t.Fatalf("the other quote's thread: %q", got)
	}
	waitForText(t, f, f.staffEmail, "And the domain?")
	if n := strings.Count(f.contact.get(f.portal("/quotes/"+mine)).Body, `class="msg-via">by email<`); n != 2 {
		t.Fatalf("the portal's quote thread marks %d messages by email, want 2", n)
	}
	if n := strings.Count(f.staff.get(f.quotes("/"+mine)).Body, `class="msg-via">by email<`); n != 2 {
		t.Fatalf("the staff's quote thread marks %d messages by email, want 2", n)
	}

	before := thread(mine) + "/" + f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM inbound_mail`)
	if r := l.send(t, f.contactEmail, []string{contactAddress}, replyEmail(f.contactEmail, contactAddress, "<followup@xylo.test>", "And the domain?")); r.Stage != "data" || r.Code != 550 {
		t.Fatalf("a replay: %+v", r)
	}
	if after := thread(mine) + "/" + f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM inbound_mail`); after != before {
		t.Fatalf("a replay stored: %s → %s", before, after)
	}

	withFile := func(id, text, name string, data []byte) string {
		m := gomail.NewMsg()
		if err := m.From(f.contactEmail); err != nil {
			t.Fatal(err)
		}
		if err := m.To(contactAddress); err != nil {
			t.Fatal(err)
		}
		m.SetMessageIDWithValue(id)
		m.SetBodyString(gomail.TypeTextPlain, text+"\n\nOn Mon, Staff wrote:\n> Yes, billed monthly.")
		if err := m.AttachReader(name, bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
		var raw bytes.Buffer
		if _, err := m.WriteTo(&raw); err != nil {
			t.Fatal(err)
		}
		return raw.String()
	}
	docs := func() string {
		return f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM documents`) + "/" + f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM inbound_mail`)
	}

	t.Run("a reply with a refused file stores nothing", func(t *testing.T) {
		before := thread(mine) + "/" + docs()
		r := l.send(t, f.contactEmail, []string{contactAddress}, withFile("with-program@xylo.test", "The tool.", "tool.exe", append([]byte("MZ"), make([]byte, 200)...)))
		if r.Stage != "data" || r.Code/100 != 5 {
			t.Fatalf("a reply with a program: %+v", r)
		}
		if after := thread(mine) + "/" + docs(); after != before {
			t.Fatalf("stored: %s → %s", before, after)
		}
	})

	t.Run("a reply with a PDF is one message with one document of the quote, on both sides", func(t *testing.T) {
		pdf := filestest.PDF(1, 0)
		if r := l.send(t, f.contactEmail, []string{contactAddress}, withFile("with-file@xylo.test", "The brief, signed.", "brief.pdf", pdf)); r.Code != 250 {
			t.Fatalf("a reply with a file: %+v", r)
		}
		if got := thread(mine); got != "10:Is hosting monthly?|01:Yes, billed monthly.|11:And the domain?|11:The brief, signed." {
			t.Fatalf("the thread: %q", got)
		}
		row := f.e.caseQuery(t, f.a, `SELECT d.id || '|' || COALESCE(d.case_id, 'no case') || '|' || d.quote_id || '|' || d.name || '|' || d.shared || d.from_client || '|' || m.body
			FROM documents d JOIN quote_messages m ON m.id = d.quote_message_id WHERE d.quote_id IS NOT NULL`)
		parts := strings.Split(row, "|")
		if len(parts) != 6 || parts[1] != "no case" || parts[2] != mine || parts[3] != "brief.pdf" || parts[4] != "11" || parts[5] != "The brief, signed." {
			t.Fatalf("the quote's document: %q", row)
		}
		doc := parts[0]
		if n := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM documents WHERE quote_id IS NOT NULL`); n != "1" {
			t.Fatalf("%s documents on quotes, want 1", n)
		}
		notice := waitForText(t, f, f.staffEmail, "The brief, signed.")
		if !strings.Contains(notice.Body, "brief.pdf") {
			t.Errorf("the staff's email does not name the file:\n%s", notice.Body)
		}
		staffLink := f.quotes("/" + mine + "/documents/" + doc)
		portalLink := f.portal("/quotes/" + mine + "/documents/" + doc)
		wantContains(t, f.staff.get(f.quotes("/"+mine)), `href="`+staffLink+`"`)
		wantContains(t, f.contact.get(f.portal("/quotes/"+mine)), `href="`+portalLink+`"`)
		for who, res := range map[string]*response{"staff": f.staff.get(staffLink), "the contact": f.contact.get(portalLink)} {
			wantStatus(t, res, http.StatusOK)
			if res.Body != string(pdf) || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
				t.Errorf("%s's download: %d bytes, %q", who, len(res.Body), res.Header.Get("Content-Disposition"))
			}
		}
		if strings.Contains(f.staff.get(f.quotes("/"+other)).Body, doc) || strings.Contains(f.contact.get(f.portal("/quotes/"+other)).Body, doc) {
			t.Errorf("the other quote's thread lists the document")
		}
		wantStatus(t, f.contact.get(f.portal("/quotes/"+other+"/documents/"+doc)), http.StatusNotFound)
		stranger, _ := f.e.mustAddUser(t, f.a, "client")
		wantStatus(t, stranger.get(portalLink), http.StatusNotFound)
		wantStatus(t, stranger.get(f.portal("/quotes/"+mine)), http.StatusNotFound)
		b := f.e.mustSignup(t, "elsewhere")
		wantStatus(t, b.Owner.get("/a/"+b.Slug+"/quotes/"+mine+"/documents/"+doc), http.StatusNotFound)
	})
}
