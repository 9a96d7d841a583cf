package handlers

// A quote's questions (issue 18): the client's contact asks in the portal,
// the quote's author is emailed; staff answer on the quote's page, and
// the contacts who asked are emailed.

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// quoteMessageView is one message of a quote's thread.
type quoteMessageView struct {
	AuthorName, Body string
	At               time.Time // in the agency's zone
	FromClient       bool
	ViaEmail         bool            // it came as a reply by email
	Files            []quoteFileView // the files it came with
}

// quoteFileView is a file sent with a message of a quote's thread.
type quoteFileView struct {
	Name, URL, Size string
}

// quoteThread is the thread of quote q (msgs) as both sides show it, each
// message with its files (docs, the quote's documents), linked under
// quoteURL (the staff's or the portal's address of the quote).
func quoteThread(r *Request, quoteURL string, msgs []tenant.QuoteMessage, docs []*tenant.Document) []quoteMessageView {
	files := map[string][]quoteFileView{}
	for _, d := range docs {
		files[d.QuoteMessageID] = append(files[d.QuoteMessageID], quoteFileView{Name: d.Name, URL: quoteURL + "/documents/" + d.ID, Size: i18n.ByteSize(r.Lang(), d.Size)})
	}
	out := make([]quoteMessageView, len(msgs))
	for i, m := range msgs {
		out[i] = quoteMessageView{AuthorName: m.AuthorName, Body: m.Body, At: r.local(m.CreatedAt), FromClient: m.FromClient, ViaEmail: m.ViaEmail, Files: files[m.ID]}
	}
	return out
}

// quoteThreadOf loads the thread of quote q that v may see, with its files.
func quoteThreadOf(ctx context.Context, r *Request, v tenant.Viewer, quoteURL string, q *tenant.Quote) ([]quoteMessageView, error) {
	msgs, err := r.Tenant.QuoteMessages(ctx, v, q.ID)
	if err != nil {
		return nil, err
	}
	docs, err := r.Tenant.QuoteDocuments(ctx, v, q.ID)
	if err != nil {
		return nil, err
	}
	return quoteThread(r, quoteURL, msgs, docs), nil
}

// QuoteDocument sends a file of a quote's thread to staff who may see the
// quote.
func (h *Handlers) QuoteDocument(c *fiber.Ctx, r *Request) error {
	return h.quoteDocument(c, r)
}

// PortalQuoteDocument sends a file of a quote's thread to a contact of
// the quote's client (a quote they may see: sent, not a draft).
func (h *Handlers) PortalQuoteDocument(c *fiber.Ctx, r *Request) error {
	return h.quoteDocument(c, r)
}

// quoteDocument is both sides' download: the quote's visibility is the
// viewer's (tenant.QuoteDocument), so another client's or agency's is not
// found.
func (h *Handlers) quoteDocument(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	d, err := r.Tenant.QuoteDocument(c.UserContext(), v, c.Params("id"), c.Params("doc"))
	if err != nil {
		return err
	}
	return h.sendDocument(c, r.Tenant, d, false)
}

// PortalQuoteQuestion posts the contact's question on the quote and emails
// the quote's author.
func (h *Handlers) PortalQuoteQuestion(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	body := c.FormValue("body")
	q, err := r.Tenant.AddQuoteMessage(c.UserContext(), v, caseActor(r), c.Params("id"), body)
	if err != nil {
		if code := apperr.CodeOf(err); code == apperr.Invalid || code == apperr.Conflict {
			return h.portalQuotePage(c, r, &portalQuoteView{signingForm: signingForm{SignerName: r.User.Name}, Question: body}, err)
		}
		return err
	}
	h.logFailed(c, "email the quote's author", h.caseMail.QuoteQuestion(c.UserContext(), r.Agency, r.Tenant, r.User, q, body))
	h.flash(c, "Your question is sent to the agency.")
	return h.redirect(c, portalQuoteBase(r)+"/"+q.ID+"#questions")
}

// QuoteAnswer posts staff's answer on the quote's thread and emails the
// contacts who asked.
func (h *Handlers) QuoteAnswer(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	body := c.FormValue("body")
	q, err := r.Tenant.AddQuoteMessage(c.UserContext(), v, caseActor(r), c.Params("id"), body)
	if err != nil {
		if code := apperr.CodeOf(err); code == apperr.Invalid || code == apperr.Conflict {
			return h.quoteShowPage(c, r, err)
		}
		return err
	}
	h.logFailed(c, "email the contacts who asked", h.caseMail.QuoteAnswer(c.UserContext(), r.Agency, r.Tenant, r.User, q, body))
	h.flash(c, "Answer sent.")
	return h.redirect(c, quoteBase(r)+"/"+q.ID+"#questions")
}
