package app

import (
	"context"
	"strings"

	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

// CaseMail emails the people of a case about what happened on it: the
// client's contacts when the agency wrote or shared something, the staff
// looking after the case when the client did. The portal's pages, the API
// and replies by email (Inbound) all notify through it, so a reply by
// email is announced as one posted on the page.
type CaseMail struct {
	Mailer  NotificationMailer
	Secret  []byte // the installation's secret, for the one-click opt-out
	BaseURL string // the site, for links
	// InboundDomain is the domain whose mail reaches the binary's SMTP
	// listener (Inbound). Set, a notification about a case carries a
	// Reply-To of reply+<token>@InboundDomain whose token names the case
	// and the recipient, so an answer by email comes back into the case.
	// Empty, the Reply-To is the writer's own address.
	InboundDomain string
}

// ReplyAddress is the address a reply to a notification about caseID
// sent to userID goes to: reply+<a new reply token>@domain, or "" when no
// inbound domain is set.
func ReplyAddress(ctx context.Context, t *tenant.Store, domain, caseID, userID string) (string, error) {
	domain = strings.TrimSpace(domain)
	if domain == "" || caseID == "" {
		return "", nil
	}
	secret, err := t.IssueReplyToken(ctx, caseID, userID)
	if err != nil {
		return "", err
	}
	return "reply+" + secret + "@" + domain, nil
}

// People queues template to each of people who has not turned emails of
// kind off; data gets the agency's and the writer's names. A notification
// about a case (caseID set) answers to the case when an inbound domain is
// set (ReplyAddress), else to the writer.
func (m *CaseMail) People(ctx context.Context, a *control.Agency, t *tenant.Store, from *tenant.User, caseID string, people []*tenant.User, kind, template string, data map[string]any) error {
	return m.notify(ctx, a, t, from, people, kind, template, data, func(ctx context.Context, userID string) (string, error) {
		return ReplyAddress(ctx, t, m.InboundDomain, caseID, userID)
	})
}

// QuoteReplyAddress is ReplyAddress for the thread of quote quoteID.
func QuoteReplyAddress(ctx context.Context, t *tenant.Store, domain, quoteID, userID string) (string, error) {
	domain = strings.TrimSpace(domain)
	if domain == "" || quoteID == "" {
		return "", nil
	}
	secret, err := t.IssueQuoteReplyToken(ctx, quoteID, userID)
	if err != nil {
		return "", err
	}
	return "reply+" + secret + "@" + domain, nil
}

// QuoteQuestion emails the quote's author that the client's contact (from)
// asked text on quote q's thread; the email answers to the thread.
func (m *CaseMail) QuoteQuestion(ctx context.Context, a *control.Agency, t *tenant.Store, from *tenant.User, q *tenant.Quote, text string) error {
	authors, err := t.QuoteAuthor(ctx, q.ID)
	if err != nil {
		return err
	}
	return m.quotePeople(ctx, a, t, from, q.ID, authors, tenant.EmailClientActivity, "quote-question", map[string]any{
		"Quote": q.Label(), "ClientName": q.ClientName, "Text": text, "Link": m.BaseURL + "/a/" + a.Slug + "/quotes/" + q.ID})
}

// QuoteAnswer emails the contacts who asked on quote q's thread the
// agency's answer text (from wrote it); the email answers to the thread.
func (m *CaseMail) QuoteAnswer(ctx context.Context, a *control.Agency, t *tenant.Store, from *tenant.User, q *tenant.Quote, text string) error {
	askers, err := t.QuoteAskers(ctx, q.ID)
	if err != nil {
		return err
	}
	return m.quotePeople(ctx, a, t, from, q.ID, askers, tenant.EmailCaseUpdates, "quote-answer", map[string]any{
		"Quote": q.Label(), "Text": text, "Link": m.BaseURL + "/a/" + a.Slug + "/portal/quotes/" + q.ID})
}

// quotePeople is People for the thread of quote quoteID.
func (m *CaseMail) quotePeople(ctx context.Context, a *control.Agency, t *tenant.Store, from *tenant.User, quoteID string, people []*tenant.User, kind, template string, data map[string]any) error {
	return m.notify(ctx, a, t, from, people, kind, template, data, func(ctx context.Context, userID string) (string, error) {
		return QuoteReplyAddress(ctx, t, m.InboundDomain, quoteID, userID)
	})
}

// notify queues template to each of people through Notify, answering to
// the address replyAddress issues for them (asked only for mail that is
// sent), else to the writer.
func (m *CaseMail) notify(ctx context.Context, a *control.Agency, t *tenant.Store, from *tenant.User, people []*tenant.User, kind, template string, data map[string]any,
	replyAddress func(ctx context.Context, userID string) (string, error)) error {
	data["AgencyName"], data["From"] = a.Name, from.Name
	for _, u := range people {
		answer := func(ctx context.Context) (string, error) {
			replyTo, err := replyAddress(ctx, u.ID)
			if replyTo == "" && err == nil {
				replyTo = from.Email
			}
			return replyTo, err
		}
		if _, err := Notify(ctx, m.Mailer, a, t, u, Notification{Secret: m.Secret, BaseURL: m.BaseURL,
			Kind: kind, Template: template, Data: data, Answer: answer}); err != nil {
			return err
		}
	}
	return nil
}

// StaffOfClient emails the staff member looking after the case that the
// client (from) wrote or uploaded something, unless they turned that off.
func (m *CaseMail) StaffOfClient(ctx context.Context, a *control.Agency, t *tenant.Store, from *tenant.User, caseID, template, text string) error {
	watchers, err := t.CaseWatchers(ctx, caseID)
	if err != nil || len(watchers) == 0 {
		return err
	}
	k, err := t.Case(ctx, tenant.Viewer{UserID: from.ID}, caseID)
	if err != nil {
		return err
	}
	return m.People(ctx, a, t, from, caseID, watchers, tenant.EmailClientActivity, template, map[string]any{
		"Case": tenant.CaseNumber(k.Number) + " " + k.Title, "Text": text, "Link": m.BaseURL + "/a/" + a.Slug + "/cases/" + caseID,
	})
}

// Contacts emails the case's client contacts that something was shared
// with them (from wrote it), unless they turned that off.
func (m *CaseMail) Contacts(ctx context.Context, a *control.Agency, t *tenant.Store, from *tenant.User, caseID, template, text string) error {
	contacts, err := t.CaseContacts(ctx, caseID)
	if err != nil || len(contacts) == 0 {
		return err
	}
	k, err := t.Case(ctx, tenant.Viewer{UserID: from.ID}, caseID)
	if err != nil {
		return err
	}
	return m.People(ctx, a, t, from, caseID, contacts, tenant.EmailCaseUpdates, template, map[string]any{
		"Case": tenant.CaseNumber(k.Number) + " " + k.Title, "Text": text, "Link": m.BaseURL + "/a/" + a.Slug + "/portal/cases/" + caseID,
	})
}

// TemplateDocumentRequest tells a client's contact of a document asked of
// them, or sent back.
const TemplateDocumentRequest = "document-request"

// DocumentRequest emails the case's client contacts that from asked them
// for document d or, with returned, sent the file they sent for it back
// (d.Reason says why), each in their own language (tenant.Store.EmailLanguage),
// unless they turned such emails off.
func (m *CaseMail) DocumentRequest(ctx context.Context, a *control.Agency, t *tenant.Store, from *tenant.User, d *tenant.DocumentRequest, returned bool) error {
	contacts, err := t.CaseContacts(ctx, d.CaseID)
	if err != nil || len(contacts) == 0 {
		return err
	}
	k, err := t.Case(ctx, tenant.Viewer{UserID: from.ID}, d.CaseID)
	if err != nil {
		return err
	}
	for _, u := range contacts {
		lang, err := t.EmailLanguage(ctx, u)
		if err != nil {
			return err
		}
		if err := m.People(ctx, a, t, from, d.CaseID, []*tenant.User{u}, tenant.EmailCaseUpdates, TemplateDocumentRequest, map[string]any{
			"Lang": lang, "Case": tenant.CaseNumber(k.Number) + " " + k.Title, "Name": d.Name, "Due": d.DueDate, "Note": d.Note,
			"Returned": returned, "Reason": d.Reason, "Link": m.BaseURL + "/a/" + a.Slug + "/portal/cases/" + d.CaseID + "#docrequests",
		}); err != nil {
			return err
		}
	}
	return nil
}
