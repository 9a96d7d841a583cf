package handlers

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// portalQuoteBase is where the contact's quotes live in the portal.
func portalQuoteBase(r *Request) string { return portalBase(r) + "/quotes" }

// portalQuotesView is the portal's list of the client's quotes: those
// awaiting an answer, then the rest.
type portalQuotesView struct {
	Page
	Base     string
	ToAnswer []quoteListRow
	Others   []quoteListRow
}

// portalQuoteRows splits the contact's quotes into those to answer and
// the rest (answered, withdrawn, expired, replaced).
func (h *Handlers) portalQuoteRows(c *fiber.Ctx, r *Request) (toAnswer, others []quoteListRow, err error) {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return nil, nil, err
	}
	rows, err := r.Tenant.Quotes(c.UserContext(), v, tenant.QuoteFilter{})
	if err != nil {
		return nil, nil, err
	}
	for _, row := range h.quoteRows(r, portalQuoteBase(r), rows) {
		if (row.State == tenant.QuoteSent || row.State == tenant.QuoteViewed) && !row.Superseded {
			toAnswer = append(toAnswer, row)
		} else {
			others = append(others, row)
		}
	}
	return toAnswer, others, nil
}

// PortalQuotes lists the client's quotes.
func (h *Handlers) PortalQuotes(c *fiber.Ctx, r *Request) error {
	toAnswer, others, err := h.portalQuoteRows(c, r)
	if err != nil {
		return err
	}
	return h.page(c, "pages/portal/quotes", &portalQuotesView{Page: Page{Title: "Quotes"}, Base: portalBase(r), ToAnswer: toAnswer, Others: others})
}

// portalQuoteView is one quote in the portal, with the accept and
// decline forms as typed and their messages.
type portalQuoteView struct {
	Page
	FormErrors
	signingForm
	Base     string
	Quote    quoteView
	Reason   string
	Question string
	Messages []quoteMessageView
	History  []quoteEventView // the quote's timeline, without the agency's drafting
}

// quoteChoiceView is the quote's lines and totals alone, the answer to
// ticking an optional line with htmx (partials/quotes/choice).
type quoteChoiceView struct {
	Page
	Quote quoteView
}

// PortalQuote shows one of the client's quotes, and records that it was
// viewed (the first time).
func (h *Handlers) PortalQuote(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	if err := r.Tenant.MarkQuoteViewed(c.UserContext(), v, caseActor(r), c.Params("id")); err != nil {
		return err
	}
	return h.portalQuotePage(c, r, &portalQuoteView{signingForm: signingForm{SignerName: r.User.Name}}, nil)
}

func (h *Handlers) portalQuotePage(c *fiber.Ctx, r *Request, view *portalQuoteView, formErr error) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	q, err := r.Tenant.Quote(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	view.Page.Title, view.Base, view.Quote = q.Label(), portalBase(r), h.newQuoteView(r, portalQuoteBase(r), q)
	view.SignerEmail, view.CodeMinutes, view.CodeAction = r.User.Email, int(tenant.QuoteCodeTTL.Minutes()), view.Quote.URL+"/code"
	if view.Messages, err = quoteThreadOf(c.UserContext(), r, v, view.Quote.URL, q); err != nil {
		return err
	}
	if view.History, err = quoteTimeline(c.UserContext(), r, v, q.ID, true); err != nil {
		return err
	}
	if formErr != nil {
		return h.formPage(c, "pages/portal/quote", "pages/portal/quote", view, formErr)
	}
	return h.page(c, "pages/portal/quote", view)
}

// chosenLines are the optional lines ticked in the posted form.
func chosenLines(c *fiber.Ctx) []int {
	var out []int
	for _, b := range c.Request().PostArgs().PeekMulti("chosen") {
		if n, err := strconv.Atoi(string(b)); err == nil && n >= 0 && n < 1000 {
			out = append(out, n)
		}
	}
	return out
}

// PortalQuoteChoose stores which optional lines the client ticked and
// shows the quote with its total computed again on the server.
func (h *Handlers) PortalQuoteChoose(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	q, err := r.Tenant.ChooseQuoteLines(c.UserContext(), v, c.Params("id"), h.invoiceToday(r), chosenLines(c))
	if err != nil {
		if apperr.CodeOf(err) == apperr.Conflict {
			return h.portalQuotePage(c, r, &portalQuoteView{signingForm: signingForm{SignerName: formValue(c, "signer_name")}}, err)
		}
		return err
	}
	if wantsFragment(c) { // the live total: the lines and totals as stored
		return h.fragment(c, "partials/quotes/choice", &quoteChoiceView{Quote: h.newQuoteView(r, portalQuoteBase(r), q)})
	}
	return h.redirect(c, portalQuoteBase(r)+"/"+q.ID)
}

// quoteCodeTries limits the codes a contact may try on one quote: past
// it, even the right code waits, so six digits can't be guessed. Wrong
// tries are counted here, not in the database, which a refused
// acceptance leaves unchanged.
var quoteCodeTries = Limit{Max: 5, Window: 15 * time.Minute}

func quoteCodeKey(r *Request, id string) string {
	return limitKey("quote-code", r.Agency.ID+":"+id+":"+r.User.ID)
}

// PortalQuoteCode emails the contact a six-digit code to sign the quote
// (app.SendQuoteCode), keeping the optional lines ticked in the form.
func (h *Handlers) PortalQuoteCode(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	id := c.Params("id")
	if _, err := r.Tenant.ChooseQuoteLines(c.UserContext(), v, id, h.invoiceToday(r), chosenLines(c)); err != nil {
		if apperr.CodeOf(err) == apperr.Conflict {
			return h.portalQuotePage(c, r, &portalQuoteView{signingForm: signingForm{SignerName: formValue(c, "signer_name")}}, err)
		}
		return err
	}
	m, err := h.invoiceMailer()
	if err != nil {
		return err
	}
	q, err := app.SendQuoteCode(c.UserContext(), m, r.Agency, r.Tenant, app.QuoteCodeRequest{Viewer: v, Actor: caseActor(r), QuoteID: id,
		Email: r.User.Email, Lang: langOf(c), Today: h.invoiceToday(r), BaseURL: h.Config.BaseURL})
	if err != nil {
		if code := apperr.CodeOf(err); code == apperr.TooMany || code == apperr.Conflict {
			return h.portalQuotePage(c, r, &portalQuoteView{signingForm: signingForm{SignerName: formValue(c, "signer_name")}}, err)
		}
		return err
	}
	h.flash(c, i18n.T(langOf(c), "quote.code_sent", "Email", r.User.Email, "Minutes", int(tenant.QuoteCodeTTL.Minutes())))
	return h.redirect(c, portalQuoteBase(r)+"/"+q.ID+"#accept")
}

// PortalQuoteAccept accepts the quote with the lines ticked, the typed
// full name, the terms agreed to and the code emailed to the signer; the
// acceptance records the document's SHA-256 (tenant.AcceptQuote).
func (h *Handlers) PortalQuoteAccept(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	in := tenant.Acceptance{SignerName: c.FormValue("signer_name"), Agreed: c.FormValue("agree") == "1", Chosen: chosenLines(c),
		Email: r.User.Email, IP: c.IP(), UserAgent: c.Get(fiber.HeaderUserAgent), Today: h.invoiceToday(r), Code: c.FormValue("code")}
	if len(in.SignerName) > 4*tenant.QuoteSignerMax {
		in.SignerName = ""
	}
	if len(in.Code) > 32 {
		in.Code = "-"
	}
	key := quoteCodeKey(r, c.Params("id"))
	if err := h.limiter.check(key, quoteCodeTries); err != nil {
		return h.portalQuotePage(c, r, &portalQuoteView{signingForm: signingForm{SignerName: formValue(c, "signer_name")}}, err)
	}
	if in.SignatureKind, in.SignaturePNG, err = app.ParseSignature(c.FormValue("signature_kind"), c.FormValue("signature_png")); err != nil {
		return h.portalQuotePage(c, r, &portalQuoteView{signingForm: signingForm{SignerName: formValue(c, "signer_name"), Drawn: true}}, err)
	}
	again := &portalQuoteView{signingForm: signingForm{SignerName: formValue(c, "signer_name")}} // the form shown again after an error, keeping the drawing
	if in.SignatureKind == tenant.SignatureDrawn {
		again.Drawn, again.SignaturePNG = true, app.SignatureDataURL(in.SignaturePNG)
	}
	s, err := r.Tenant.BillingSettings(c.UserContext())
	if err != nil {
		return err
	}
	if s.Logo, err = r.Tenant.PDFLogo(c.UserContext()); err != nil {
		return err
	}
	in.Seal = app.QuoteSeal(s, r.Agency.Name, r.Zone())
	m, _ := h.invoiceMailer() // without one, app reports the deposit invoice's email as failed
	done, err := app.AcceptQuote(c.UserContext(), m, r.Agency, r.Tenant, v, caseActor(r), c.Params("id"), in, auditFor(c, "quote.accepted", ""), h.Config.BaseURL)
	if err != nil {
		if code := apperr.CodeOf(err); code == apperr.Invalid || code == apperr.Conflict {
			if _, wrongCode := apperr.FieldsOf(err)["code"]; wrongCode && in.Code != "" {
				h.limiter.hit(key, quoteCodeTries)
			}
			return h.portalQuotePage(c, r, again, err)
		}
		return err
	}
	h.limiter.reset(key)
	q := done.Quote
	if done.Deposit != nil {
		h.publishInvoice(c, r, v, done.Deposit.ID)
		h.logFailed(c, "email the client's contacts of the deposit invoice", done.Sent.Contacts)
	}
	h.logFailed(c, "email the signed quote", h.mailSignedQuote(c, r, v, q))
	h.flash(c, i18n.T(langOf(c), "quote.accepted_flash", "Label", q.Label()))
	return h.redirect(c, portalQuoteBase(r)+"/"+q.ID)
}

// PortalQuoteDecline declines the quote with a reason.
func (h *Handlers) PortalQuoteDecline(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	id := c.Params("id")
	if err := r.Tenant.DeclineQuote(c.UserContext(), v, caseActor(r), id, c.FormValue("reason"), h.invoiceToday(r), auditFor(c, "quote.declined", "")); err != nil {
		if code := apperr.CodeOf(err); code == apperr.Invalid || code == apperr.Conflict {
			return h.portalQuotePage(c, r, &portalQuoteView{signingForm: signingForm{SignerName: r.User.Name}, Reason: c.FormValue("reason")}, err)
		}
		return err
	}
	h.flash(c, i18n.T(langOf(c), "quote.declined_flash"))
	return h.redirect(c, portalQuoteBase(r)+"/"+id)
}

// PortalQuotePDF downloads the quote's PDF.
func (h *Handlers) PortalQuotePDF(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	q, err := r.Tenant.Quote(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	return h.sendQuotePDF(c, r, q)
}
