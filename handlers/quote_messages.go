package handlers

// A quote's questions (issue 18): the client's contact asks in the portal,
// the quote's author is emailed; staff answer on the quote's page, and
// the contacts who asked are emailed.

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// quoteMessageView is one message of a quote's thread.
type quoteMessageView struct {
	AuthorName, Body string
	At               time.Time // in the agency's zone
	FromClient       bool
}

func quoteThread(r *Request, msgs []tenant.QuoteMessage) []quoteMessageView {
	out := make([]quoteMessageView, len(msgs))
	for i, m := range msgs {
		out[i] = quoteMessageView{AuthorName: m.AuthorName, Body: m.Body, At: r.local(m.CreatedAt), FromClient: m.FromClient}
	}
	return out
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
			return h.portalQuotePage(c, r, &portalQuoteView{SignerName: r.User.Name, Question: body}, err)
		}
		return err
	}
	authors, err := r.Tenant.QuoteAuthor(c.UserContext(), q.ID)
	if err == nil {
		err = h.mailPeople(c, r, "", authors, tenant.EmailClientActivity, "quote-question", fiber.Map{
			"Quote": q.Label(), "ClientName": q.ClientName, "Text": body, "Link": h.Config.BaseURL + quoteBase(r) + "/" + q.ID})
	}
	h.logFailed(c, "email the quote's author", err)
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
	askers, err := r.Tenant.QuoteAskers(c.UserContext(), q.ID)
	if err == nil {
		err = h.mailPeople(c, r, "", askers, tenant.EmailCaseUpdates, "quote-answer", fiber.Map{
			"Quote": q.Label(), "Text": body, "Link": h.Config.BaseURL + portalQuoteBase(r) + "/" + q.ID})
	}
	h.logFailed(c, "email the contacts who asked", err)
	h.flash(c, "Answer sent.")
	return h.redirect(c, quoteBase(r)+"/"+q.ID+"#questions")
}
