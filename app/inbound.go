package app

import (
	"context"
	"iter"
	"log/slog"
	"strings"

	"mintedmind/apperr"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/files"
	"mintedmind/live"
)

// Inbound adds replies by email to their case. A reply comes to
// reply+<token>@<inbound domain> (CaseMail.People put that in the
// notification's Reply-To); the token names the agency (its database), the
// case and the person, and the reply becomes that person's message on the
// case as if they had posted it on the page: its files stored through
// Uploads (sniffed, sized, within the agency's storage), the live pages
// told, the other side emailed. The SMTP listener (mail/inbound) calls it.
type Inbound struct {
	Control *control.Store
	Pool    *tenant.Pool
	Uploads *Uploads
	Mail    *CaseMail    // the other side's notification
	Live    *live.Broker // nil: no live updates
	Log     *slog.Logger
}

// Reply is one reply by email, as the listener read it.
type Reply struct {
	Token     string // the token of the address it was sent to
	Sender    string // the address it comes from (its From)
	MessageID string
	Text      string // the text as written, quoted history and signature included
	Files     []UploadFile
	Auth      MailAuth // what the listener found of its DKIM and SPF, kept on the message
}

// MailAuth is a reply by email's DKIM and SPF results (tenant.MailAuth).
type MailAuth = tenant.MailAuth

// ErrAgencyClosed refuses a reply to an agency that is suspended, archived
// or deleted.
var ErrAgencyClosed = apperr.New(apperr.Forbidden, "The agency this reply address belongs to takes no replies now.")

// ErrEmptyReply refuses a reply without text of its own.
var ErrEmptyReply = apperr.New(apperr.Invalid, "The reply has no text above the quoted email; write your answer above it.")

// Check reports whether a reply to token from sender would be taken (the
// token names an agency that takes replies, it is live, and sender is its
// person's address), without storing anything: the listener asks at RCPT,
// before the mail is sent. The errors are those of Add.
func (in *Inbound) Check(ctx context.Context, token, sender string) error {
	_, t, release, err := in.open(ctx, token)
	if err != nil {
		return err
	}
	defer release()
	_, _, err = t.ReplyTokenBySecret(ctx, token, sender)
	return err
}

// open returns the agency a token names and its database. An agency not
// known is an unknown token; a suspended, archived or deleted one takes no
// replies (one on trial or past due does, as its pages do).
func (in *Inbound) open(ctx context.Context, token string) (*control.Agency, *tenant.Store, func(), error) {
	id := tenant.AgencyOfReplyToken(token)
	if id == "" {
		return nil, nil, nil, apperr.New(apperr.Unauthorized, "The reply address is not known.")
	}
	a, err := in.Control.AgencyByID(ctx, id)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, nil, nil, apperr.New(apperr.Unauthorized, "The reply address is not known.")
	}
	if err != nil {
		return nil, nil, nil, err
	}
	if !a.Usable() || a.Status == control.AgencySuspended {
		return nil, nil, nil, ErrAgencyClosed
	}
	t, release, err := in.Pool.Acquire(ctx, a.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	return a, t, release, nil
}

// Added is where a reply was added: a message on a case (Note), or one on
// a quote's thread.
type Added struct {
	CaseID, QuoteID string
	Note            *tenant.Note // the case's message; nil for a quote's
}

// Add stores r as its token's person's message on the token's case, with
// its files, or on the token's quote's thread, once per Message-ID (a
// replay is a conflict), and tells the case's pages and the other side as
// a message posted on the page does. A refused reply (unknown, expired or
// revoked token, another sender, no text, a file refused, a replay)
// stores nothing.
func (in *Inbound) Add(ctx context.Context, r Reply) (*Added, error) {
	a, t, release, err := in.open(ctx, r.Token)
	if err != nil {
		return nil, err
	}
	defer release()
	k, u, err := t.ReplyTokenBySecret(ctx, r.Token, r.Sender)
	if err != nil {
		return nil, err
	}
	body := ReplyText(r.Text)
	if body == "" {
		return nil, ErrEmptyReply
	}
	settings, err := t.Settings(ctx)
	if err != nil {
		return nil, err
	}
	v := tenant.NewViewer(u, settings)
	if k.QuoteID != "" {
		return in.addToQuote(ctx, a, t, u, v, k.QuoteID, body, r)
	}
	access := tenant.StaffDocumentAccess(v)
	if !u.IsStaff() {
		access = tenant.ClientDocumentAccess(v.ClientID)
	}
	actor := tenant.Actor{ID: u.ID, Name: u.Name}
	m := &tenant.MessageDraft{Viewer: v, Body: body, FromClient: !u.IsStaff(),
		Inbound: &tenant.InboundMail{MessageID: r.MessageID, UserID: u.ID, Auth: r.Auth}}
	var docs []*tenant.Document
	if len(r.Files) == 0 {
		limits, err := in.Uploads.Plans.Limits(ctx, a)
		if err != nil {
			return nil, err
		}
		_, err = t.AddMessageWithDocuments(ctx, access, actor, k.CaseID, m, limits, nil, files.ByteSize)
		if err != nil {
			return nil, err
		}
	} else {
		docs, err = in.Uploads.Store(ctx, Upload{Agency: a, Tenant: t, Access: access, Actor: actor, CaseID: k.CaseID,
			Shared: true, Count: len(r.Files), Message: m}, uploadFiles(r.Files))
		if err != nil {
			return nil, err
		}
	}
	in.after(ctx, a, t, u, k.CaseID, m.Note, docs)
	return &Added{CaseID: k.CaseID, Note: m.Note}, nil
}

// addToQuote adds the reply body to the thread of quote quoteID as u's
// question (a contact) or answer (staff), as the quote's pages do, with
// its files as the quote's documents (through Uploads, as a case's), and
// emails the other side (CaseMail.QuoteQuestion, QuoteAnswer).
func (in *Inbound) addToQuote(ctx context.Context, a *control.Agency, t *tenant.Store, u *tenant.User, v tenant.Viewer, quoteID, body string, r Reply) (*Added, error) {
	actor := tenant.Actor{ID: u.ID, Name: u.Name}
	mailIn := &tenant.InboundMail{MessageID: r.MessageID, UserID: u.ID, Auth: r.Auth}
	var q *tenant.Quote
	if len(r.Files) == 0 {
		var err error
		if q, err = t.AddQuoteMessageByEmail(ctx, v, actor, quoteID, body, mailIn); err != nil {
			return nil, err
		}
	} else {
		m := &tenant.QuoteMessageDraft{Viewer: v, QuoteID: quoteID, Body: body, Inbound: mailIn}
		docs, err := in.Uploads.Store(ctx, Upload{Agency: a, Tenant: t, Actor: actor, Shared: true, Count: len(r.Files), QuoteMessage: m}, uploadFiles(r.Files))
		if err != nil {
			return nil, err
		}
		q = m.Quote
		body = withAttached(body, docs)
	}
	mail := in.Mail.QuoteQuestion
	if u.IsStaff() {
		mail = in.Mail.QuoteAnswer
	}
	if err := mail(ctx, a, t, u, q, body); err != nil && in.Log != nil {
		in.Log.Error("inbound mail: email the quote's other side", "agency_id", a.ID, "quote_id", quoteID, "err", err)
	}
	return &Added{QuoteID: quoteID}, nil
}

// after does what follows a message posted on the page (handlers'
// PortalMessage and MessageCreate): the case marked and the staff emailed
// for a client's message, the contacts emailed for the staff's, the open
// pages told. The message is stored: a failure is logged, not returned,
// so that the mail is not sent again.
func (in *Inbound) after(ctx context.Context, a *control.Agency, t *tenant.Store, u *tenant.User, caseID string, n *tenant.Note, docs []*tenant.Document) {
	logFailed := func(what string, err error) {
		if err != nil && in.Log != nil {
			in.Log.Error("inbound mail: "+what, "agency_id", a.ID, "case_id", caseID, "err", err)
		}
	}
	if u.IsStaff() {
		logFailed("email the client's contacts", in.Mail.Contacts(ctx, a, t, u, caseID, "case-update", n.Body))
		logFailed("live update", PublishCase(ctx, in.Live, t, caseID, live.KindMessage, true, false))
		return
	}
	text := withAttached(n.Body, docs)
	logFailed("mark client activity", t.NoteClientActivity(ctx, caseID))
	logFailed("email the case's staff", in.Mail.StaffOfClient(ctx, a, t, u, caseID, "client-message", text))
	logFailed("live update", PublishCase(ctx, in.Live, t, caseID, live.KindMessage, true, true))
}

// withAttached is a reply's text as the other side's email gives it:
// the names of the files it came with below it.
func withAttached(text string, docs []*tenant.Document) string {
	if len(docs) == 0 {
		return text
	}
	names := make([]string, len(docs))
	for i, d := range docs {
		names[i] = d.Name
	}
	return text + "\n\nAttached:\n" + strings.Join(names, "\n")
}

// uploadFiles yields the reply's files for Uploads.Store.
func uploadFiles(fs []UploadFile) iter.Seq2[UploadFile, error] {
	return func(yield func(UploadFile, error) bool) {
		for _, f := range fs {
			if !yield(f, nil) {
				return
			}
		}
	}
}
