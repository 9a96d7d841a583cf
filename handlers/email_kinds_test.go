package handlers_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	netmail "net/mail"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"mintedmind/app"
	"mintedmind/db"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/files/filestest"
	"mintedmind/health"
	"mintedmind/jobs"
	"mintedmind/mail/mailtest"
	"mintedmind/webhook"
)

// emailKind is what every email of one kind (one views/emails template)
// must carry besides its two parts.
type emailKind struct {
	// replyTo: "thread" for reply+TOKEN@ the inbound domain (a reply comes
	// back into the case or the quote), "person" for the address of the
	// person who wrote or invited, "" for none.
	replyTo string
	// optOut is the email_opt_outs kind its List-Unsubscribe turns off, ""
	// for mail one cannot turn off (no List-Unsubscribe).
	optOut string
	// noLogo: sent before the agency could have chosen a logo (its
	// welcome, at sign-up); the agency's name stands in.
	noLogo bool
	// platform: the platform's own mail (to the operator), from
	// MintedMind in its colours, with no agency logo.
	platform bool
}

// directKinds tell the kinds of the operator's alerts, which are sent at
// once past the outbox (so that a full disk cannot stop them), by their
// subject; the first that matches.
var directKinds = []struct{ subject, kind string }{
	{"'s database is damaged", "agency-degraded"},
	{"storage", "storage-alert"},
}

// receivedEmail is one email the in-process SMTP server took, with the
// environment and agency it came from.
type receivedEmail struct {
	msg        mailtest.Message
	e          *env
	agency     *agency // the agency of e whose people get notifications
	agencyName string  // the agency of its outbox email ("" for platform mail)
	logo       []byte  // the agency's logo
}

// collectEmails sorts every email e's SMTP server received by the kind
// (template) of its outbox email, matched by recipient and subject.
func collectEmails(t *testing.T, e *env, a *agency, logo []byte, into map[string][]receivedEmail) {
	t.Helper()
	ctx := context.Background()
	e.flushMail(t)
	summaries, err := e.control.RecentEmailSummaries(ctx, 5000)
	if err != nil {
		t.Fatal(err)
	}
	emails, err := e.control.RecentEmails(ctx, 5000)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*control.EmailSummary{}
	for _, s := range summaries {
		byID[s.ID] = s
	}
	outboxOf := map[string]*control.EmailSummary{} // to + subject → its outbox email
	for _, m := range emails {
		outboxOf[strings.ToLower(m.To)+"\n"+m.Subject] = byID[m.ID]
	}
	for _, msg := range e.smtp.Messages() {
		if len(msg.To) != 1 {
			t.Fatalf("an email to %v", msg.To)
		}
		o := outboxOf[strings.ToLower(msg.To[0])+"\n"+msg.Subject]
		if o == nil { // the operator's alerts go past the outbox (mail.SendNow)
			for _, d := range directKinds {
				if strings.Contains(msg.Subject, d.subject) {
					o = &control.EmailSummary{Kind: d.kind}
					break
				}
			}
		}
		if o == nil {
			t.Fatalf("no outbox email to %s with subject %q", msg.To[0], msg.Subject)
		}
		into[o.Kind] = append(into[o.Kind], receivedEmail{msg: msg, e: e, agency: a, agencyName: o.AgencyName, logo: logo})
	}
}

// emailKinds are the expectations of every kind. A template without a row
// fails TestEveryEmailKind, so a new kind gets one.
var emailKinds = map[string]emailKind{
	"welcome":           {noLogo: true},
	"invite":            {replyTo: "person"},
	"contact-invite":    {replyTo: "person"},
	"password-reset":    {},
	"case-update":       {replyTo: "thread", optOut: tenant.EmailCaseUpdates},
	"case-document":     {replyTo: "thread", optOut: tenant.EmailCaseUpdates},
	"document-request":  {replyTo: "thread", optOut: tenant.EmailCaseUpdates},
	"document-reminder": {replyTo: "thread", optOut: tenant.EmailCaseUpdates},
	"client-message":    {replyTo: "thread", optOut: tenant.EmailClientActivity},
	"client-upload":     {replyTo: "thread", optOut: tenant.EmailClientActivity},
	"client-request":    {replyTo: "thread", optOut: tenant.EmailClientActivity},
	"client-invoice":    {optOut: tenant.EmailCaseUpdates},
	"invoice":           {},
	"invoice-reminder":  {},
	"quote-question":    {replyTo: "thread", optOut: tenant.EmailClientActivity},
	"quote-answer":      {replyTo: "thread", optOut: tenant.EmailCaseUpdates},
	"quote-reminder":    {replyTo: "thread", optOut: tenant.EmailCaseUpdates},
	"quote-code":        {},
	"quote-signed":      {},
	"agreement-turn":    {},
	"agreement-code":    {},
	"agreement-signed":  {},
	// The agency's own business with the platform and its tools: to its
	// owners or admins, from the agency's brand, with no reply.
	"webhook-disabled":      {},
	"paysera-overpayment":   {},
	"retention-warning":     {},
	"subscription-invoice":  {},
	"subscription-reminder": {},
	// The operator's alerts: the platform's own mail.
	"storage-alert":   {platform: true},
	"agency-degraded": {platform: true},
}

// walkMIME lists a raw message's parts as "depth media-type <content-id>".
func walkMIME(t *testing.T, raw string) []string {
	t.Helper()
	msg, err := netmail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("parse message: %v", err)
	}
	var out []string
	var walk func(ct, cid string, body io.Reader, depth int)
	walk = func(ct, cid string, body io.Reader, depth int) {
		media, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatalf("content type %q: %v", ct, err)
		}
		out = append(out, strings.Repeat(" ", depth)+media+" "+cid)
		if !strings.HasPrefix(media, "multipart/") {
			return
		}
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextRawPart()
			if err != nil {
				return
			}
			walk(p.Header.Get("Content-Type"), p.Header.Get("Content-ID"), p, depth+1)
		}
	}
	walk(msg.Header.Get("Content-Type"), "", msg.Body, 0)
	return out
}

// logoPNG is a real 4×4 PNG, the agency's logo.
func logoPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for i := range 16 {
		img.Set(i%4, i/4, color.RGBA{0x1a, 0x7f, 0x5a, 0xff})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var remoteImg = regexp.MustCompile(`(?i)<img[^>]+src="(https?:)?//`)

// TestEveryEmailKind sends every kind of agency email through the flows
// that send it (pages, the portal, the jobs) to the in-process SMTP server
// and checks each one received: multipart/alternative with a text and an
// HTML part, the agency's logo as an inline cid: part and no remote image,
// From "<agency> via MintedMind", Reply-To where a reply is taken (back
// into the case or quote's thread, or to the person who wrote), and on
// notification mail List-Unsubscribe with List-Unsubscribe-Post whose
// one-click POST turns that kind off.
func TestEveryEmailKind(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustPortalFixture(t, withInbound)
	slug := f.a.Slug
	tn := f.e.mustTenant(t, f.a.ID)

	// The agency's logo first: the emails below are drawn with it.
	logo := logoPNG(t)
	wantStatus(t, brandingForm(t, f.a.Owner, slug, map[string]string{"accent": "#1a7f5a"}, "logo.png", logo), http.StatusSeeOther)

	// The team and the portal.
	wantStatus(t, f.a.Owner.post("/a/"+slug+"/invites", url.Values{"email": {"newstaff@example.test"}, "role": {"staff"}}), http.StatusSeeOther)
	wantStatus(t, f.a.Owner.post("/a/"+slug+"/clients/"+f.x+"/contacts", url.Values{"email": {"yves@xylo.test"}}), http.StatusSeeOther)
	anon := f.e.newClient()
	anon.get("/a/" + slug + "/forgot")
	wantStatus(t, anon.post("/a/"+slug+"/forgot", url.Values{"email": {f.contactEmail}}), http.StatusOK)

	// A case's conversation, documents and requests, both ways.
	staffCase := "/a/" + slug + "/cases/" + f.caseX
	wantStatus(t, f.staff.post(staffCase+"/notes", url.Values{"body": {"The draft is ready"}, "visible_to_client": {"1"}}), http.StatusSeeOther)
	body, ct := multipartBody(f.staff.csrf, url.Values{"shared": {"1"}}, upFile{"plan.pdf", filestest.PDF(1, 0)})
	wantStatus(t, f.staff.do("POST", staffCase+"/documents", body, ct), http.StatusSeeOther)
	wantStatus(t, f.staff.post(staffCase+"/docrequests", url.Values{"name": {"Passport copy"}, "due_date": {"2026-11-06"}}), http.StatusSeeOther)
	wantStatus(t, f.contact.postFiles(f.portal("/cases/"+f.caseX+"/messages"), url.Values{"body": {"Thanks, reading it"}}), http.StatusSeeOther)
	body, ct = multipartBody(f.contact.csrf, nil, upFile{"signed.pdf", filestest.PDF(1, 0)})
	wantStatus(t, f.contact.do("POST", f.portal("/cases/"+f.caseX+"/documents"), body, ct), http.StatusSeeOther)
	wantStatus(t, f.contact.postFiles(f.portal("/requests"), url.Values{"subject": {"New team photo"}, "body": {"Please swap the photo."}}), http.StatusSeeOther)

	// Invoices: the portal notice, and the PDF to a client with an address.
	f.mustIssueInvoice(t, f.x)
	owner, err := tn.UserByEmail(ctx, f.a.OwnerEmail)
	if err != nil {
		t.Fatal(err)
	}
	billed, err := tn.CreateClient(ctx, tenant.Viewer{UserID: owner.ID}, tenant.ClientInput{Name: "Wren Billing", Kind: tenant.ClientCompany, Emails: []string{"accounts@wren.test"}}, tenant.Audit{Action: "client.created"})
	if err != nil {
		t.Fatal(err)
	}
	inv := f.mustIssueInvoice(t, billed.ID)
	wantStatus(t, f.staff.post("/a/"+slug+"/invoices/"+inv+"/send", nil), http.StatusSeeOther)

	// A quote: question, answer, code, acceptance; another one expiring soon.
	q := f.mustSentQuote(t, f.x)
	wantStatus(t, f.contact.post(f.portal("/quotes/"+q+"/questions"), url.Values{"body": {"Is hosting monthly?"}}), http.StatusSeeOther)
	wantStatus(t, f.staff.post(f.quotes("/"+q+"/answers"), url.Values{"body": {"Yes, monthly."}}), http.StatusSeeOther)
	code := f.mustQuoteCode(t, q)
	wantStatus(t, f.contact.post(f.portal("/quotes/"+q+"/accept"), url.Values{"signer_name": {"Xena Contact"}, "agree": {"1"}, "chosen": {"1"}, "code": {code}}), http.StatusSeeOther)
	f.mustSentQuote(t, f.x, "valid_until", "2026-11-10")

	// An agreement the contact signs.
	agreements := "/a/" + slug + "/agreements"
	wantStatus(t, f.a.Owner.post(agreements+"/templates", url.Values{"title": {"Brief"}, "body": {"{client.name} agrees."}}), http.StatusSeeOther)
	tpl := f.e.caseQuery(t, f.a, `SELECT id FROM agreement_templates WHERE title = 'Brief'`)
	contactID := f.e.mustUserID(t, f.a, f.contactEmail)
	wantStatus(t, f.staff.post(agreements, url.Values{"template_id": {tpl}, "client_id": {f.x}, "signer_1": {contactID}}), http.StatusSeeOther)
	agreement := f.e.caseQuery(t, f.a, `SELECT id FROM agreements WHERE template_id = ?`, tpl)
	wantStatus(t, f.staff.post(agreements+"/"+agreement+"/send", nil), http.StatusSeeOther)
	signing := f.portal("/agreements/" + agreement)
	before := len(f.e.smtp.Messages())
	wantStatus(t, f.contact.post(signing+"/code", url.Values{"signer_name": {"Xena Contact"}}), http.StatusOK)
	m := mailedCode.FindStringSubmatch(f.mailedTo(t, before, f.contactEmail, "Your code to sign Brief"))
	if m == nil {
		t.Fatal("no agreement code emailed")
	}
	wantStatus(t, f.contact.post(signing+"/sign", url.Values{"signer_name": {"Xena Contact"}, "agree": {"1"}, "code": {m[1]}}), http.StatusSeeOther)

	// A webhook endpoint the sender disabled, as its run tells the admins.
	ag, err := f.e.control.AgencyByID(ctx, f.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.NotifyWebhookDisabled(ctx, f.e.mailer, ag, tn, webhook.Disabled{Endpoint: &tenant.WebhookEndpoint{ID: "endpoint-1", URL: "https://hooks.example.test/in", Description: "CRM"},
		Failures: tenant.WebhookMaxFailures, Code: 500, Error: "500 Internal Server Error"}, f.e.cfg.BaseURL); err != nil {
		t.Fatal(err)
	}

	// The reminders the jobs send, day by day (the browsers are done: the
	// clock moves past their sessions): documents, quotes and invoices
	// due, the subscription's invoice and its reminder before it is due,
	// and the inactivity warning of a 60-day retention policy.
	subs, err := f.e.control.LoadSubscriptionSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	subs.BankDetails = "IBAN: LT12 1000 0111 0100 1000"
	if err := f.e.control.SaveSubscriptionSettings(ctx, subs, control.OperatorAuditEntry{Action: "billing.settings"}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	runner := jobs.NewRunner(f.e.control, f.e.pool, f.e.clock, log, time.Hour)
	runner.UseInboundDomain(inboundDomain)
	runner.AddDocumentReminders(f.e.mailer, f.e.cfg.BaseURL)
	runner.AddQuoteExpiry(f.e.mailer, f.e.cfg.BaseURL)
	runner.AddBilling(f.e.mailer, f.e.cfg.BaseURL)
	runner.AddSubscriptions(f.e.mailer, f.e.cfg.BaseURL, false)
	const day = 24 * time.Hour
	runner.AddRetention(jobs.NewRetention(f.e.control, f.e.pool, f.e.clock, f.e.mailer,
		jobs.RetentionPolicy{InactiveAfter: 60 * day, DeleteAfter: 90 * day, AuditFor: 730 * day, AnalyticsFor: 396 * day, SessionIdle: time.Hour}, f.e.cfg.BaseURL))
	subscriptionsDue := false // stop before the invoice is due: past due, the agency is suspended in the end
	for range 40 {
		f.e.clock.Advance(day)
		todo := []string{jobs.JobDocumentReminders, jobs.JobQuoteExpiry, jobs.JobInvoiceReminders, "retention"}
		if !subscriptionsDue {
			todo = append(todo, jobs.JobSubscriptions)
		}
		for _, job := range todo {
			if _, err := runner.Run(ctx, job); err != nil {
				t.Fatalf("%s: %v", job, err)
			}
		}
		open, err := f.e.control.OpenSubscriptionInvoices(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, inv := range open {
			subscriptionsDue = subscriptionsDue || !f.e.clock.Now().Add(day).Before(inv.DueAt)
		}
	}

	// The operator's alerts: the data volume below its reserve, and
	// another agency's database found damaged.
	damaged := f.e.mustSignup(t, "damaged")
	reserve, err := health.ParseReserve("99.999%")
	if err != nil {
		t.Fatal(err)
	}
	monitor, err := health.New(ctx, health.Config{DataDir: f.e.dir, Reserve: reserve, Interval: time.Hour, AlertTo: []string{"ops@example.test"}, BaseURL: f.e.cfg.BaseURL},
		f.e.control, f.e.pool, f.e.mailer, f.e.clock, log)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { monitor.Run(runCtx); close(done) }()
	monitor.Check(ctx)
	monitor.Report(ctx, damaged.ID, &db.CorruptError{Path: "tenant.db", Problems: []string{"page 2: btree damaged"}})
	monitor.Sync()
	stop()
	<-done

	got := map[string][]receivedEmail{}
	collectEmails(t, f.e, f.a, logo, got)

	// An overpayment through Paysera, in an agency of its own.
	b := mustBillingFixture(t)
	bLogo := logoPNG(t)
	wantStatus(t, brandingForm(t, b.a.Owner, b.a.Slug, map[string]string{"accent": "#1a7f5a"}, "logo.png", bLogo), http.StatusSeeOther)
	b.mustSetUpPaysera(t)
	pinv := b.mustPayseraInvoice(t)
	b.a.Owner.get(b.inv("/" + pinv.id))
	wantStatus(t, b.a.Owner.post(b.inv("/"+pinv.id+"/payments"), url.Values{"amount": {"192.39"}, "paid_on": {"2026-11-02"}, "method": {"bank_transfer"}}), http.StatusSeeOther)
	wantStatus(t, b.payseraCall("POST", encryptedAs(t, "pw", pinv.fields())), http.StatusOK)
	collectEmails(t, b.e, b.a, bLogo, got)

	templates, err := filepath.Glob("../views/emails/*.txt")
	if err != nil || len(templates) == 0 {
		t.Fatalf("no email templates: %v", err)
	}
	for _, file := range templates {
		kind := strings.TrimSuffix(path.Base(filepath.ToSlash(file)), ".txt")
		t.Run(kind, func(t *testing.T) {
			want, ok := emailKinds[kind]
			if !ok {
				t.Fatalf("no row in emailKinds for %s: say what it carries and send it in this test", kind)
			}
			all := got[kind]
			if len(all) == 0 {
				t.Fatalf("no %s email was received", kind)
			}
			r := all[len(all)-1]
			msg, logo := r.msg, r.logo
			name := r.agencyName
			from := `"` + name + ` via MintedMind" <no-reply@example.test>`
			if want.platform {
				name, from, logo = "MintedMind", `"MintedMind" <no-reply@example.test>`, nil
			}
			tree := walkMIME(t, msg.Data)
			joined := strings.Join(tree, "\n")
			if !slices.ContainsFunc(tree, func(s string) bool { return strings.HasPrefix(strings.TrimSpace(s), "multipart/alternative") }) ||
				!strings.Contains(joined, "text/plain") || !strings.Contains(joined, "text/html") {
				t.Errorf("not multipart/alternative with text and HTML:\n%s", joined)
			}
			if strings.TrimSpace(msg.Body) == "" || !strings.Contains(msg.HTML, "</html>") {
				t.Errorf("an empty part: text %d bytes, HTML %d bytes", len(msg.Body), len(msg.HTML))
			}
			if remoteImg.MatchString(msg.HTML) {
				t.Errorf("the HTML loads a remote image")
			}
			var inlineLogo bool
			for _, p := range msg.Parts {
				inlineLogo = inlineLogo || (p.ContentType == "image/png" && p.Header.Get("Content-ID") == "<logo>" && (logo == nil || bytes.Equal(p.Data, logo)))
			}
			if want.noLogo || want.platform {
				if inlineLogo || strings.Contains(msg.HTML, "cid:logo") || !strings.Contains(msg.HTML, name) {
					t.Errorf("sent before a logo was chosen, yet a logo, or no name: logo part %v", inlineLogo)
				}
			} else if !inlineLogo || !strings.Contains(msg.HTML, `src="cid:logo"`) {
				t.Errorf("no inline cid:logo part with the agency's logo:\n%s", joined)
			}
			if got := msg.Header.Get("From"); got != from {
				t.Errorf("From = %q, want %q", got, from)
			}
			replyTo := msg.Header.Get("Reply-To")
			addr := ""
			if replyTo != "" {
				a, err := netmail.ParseAddress(replyTo)
				if err != nil {
					t.Fatalf("Reply-To %q: %v", replyTo, err)
				}
				addr = a.Address
			}
			switch want.replyTo {
			case "thread":
				if !strings.HasPrefix(addr, "reply+") || !strings.HasSuffix(addr, "@"+inboundDomain) {
					t.Errorf("Reply-To = %q, want reply+TOKEN@%s", replyTo, inboundDomain)
				}
			case "person":
				if addr == "" || strings.Contains(addr, "no-reply") || strings.HasSuffix(addr, "@"+inboundDomain) {
					t.Errorf("Reply-To = %q, want the person who wrote", replyTo)
				}
			default:
				if replyTo != "" {
					t.Errorf("Reply-To = %q on mail that takes no reply", replyTo)
				}
			}
			link := unsubscribeHeader.FindStringSubmatch(msg.Header.Get("List-Unsubscribe"))
			post := msg.Header.Get("List-Unsubscribe-Post")
			if want.optOut == "" {
				if msg.Header.Get("List-Unsubscribe") != "" || post != "" {
					t.Errorf("List-Unsubscribe %q on mail one cannot turn off", msg.Header.Get("List-Unsubscribe"))
				}
				return
			}
			if link == nil || post != "List-Unsubscribe=One-Click" {
				t.Fatalf("List-Unsubscribe = %q, List-Unsubscribe-Post = %q", msg.Header.Get("List-Unsubscribe"), post)
			}
			res := r.e.newClient().do("POST", link[1], strings.NewReader("List-Unsubscribe=One-Click"), "application/x-www-form-urlencoded")
			wantStatus(t, res, http.StatusOK)
			who := r.e.mustUserID(t, r.agency, msg.To[0])
			if n := r.e.caseQuery(t, r.agency, `SELECT COUNT(*) FROM email_opt_outs WHERE user_id = ? AND kind = ?`, who, want.optOut); n != "1" {
				t.Errorf("after the one-click POST, %s opt-outs of %s for %s, want 1", n, want.optOut, msg.To[0])
			}
		})
	}
}
