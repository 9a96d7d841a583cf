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
	ViaEmail         bool // it came as a reply by email
}

func quoteThread(r *Request, msgs []tenant.QuoteMessage) []quoteMessageView {
	out := make([]quoteMessageView, len(msgs))
	for i, m := range msgs {
		out[i] = quoteMessageView{AuthorName: m.AuthorName, Body: m.Body, At: r.local(m.CreatedAt), FromClient: m.FromClient, ViaEmail: m.ViaEmail}
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
