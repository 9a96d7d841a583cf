package handlers

// Agreements in the portal (issue 18 point 4): the client's contacts read
// them; the signer whose turn it is signs with the signature and emailed
// code a quote's acceptance takes (app.ParseSignature, the store's
// signing codes); the last signature seals the signed PDF.

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

func portalAgreementBase(r *Request) string { return portalBase(r) + "/agreements" }

// portalAgreementsView is the portal's list of the client's agreements.
type portalAgreementsView struct {
	Page
	Base string
	Rows []agreementRow
}

// PortalAgreements lists the client's agreements (never a draft).
func (h *Handlers) PortalAgreements(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	gs, err := r.Tenant.Agreements(c.UserContext(), v, "")
	if err != nil {
		return err
	}
	return h.page(c, "pages/portal/agreements", &portalAgreementsView{Page: Page{Title: "nav.Agreements"}, Base: portalBase(r),
		Rows: agreementRows(r, portalAgreementBase(r), gs)})
}

// signingForm is the signature part of a signing form, shared by a
// quote's acceptance and an agreement's signature (partials/signing/fields).
type signingForm struct {
	SignerName string
	// SignerEmail is where the signing code goes, valid CodeMinutes.
	SignerEmail string
	CodeMinutes int
	CodeAction  string // where "Email me a code" posts
	Drawn       bool   // the drawn signature was chosen (the typed one is the default)
	// SignaturePNG is the drawn signature as checked (a PNG data URL),
	// posted back in the form shown again (after an error, or after the
	// code was emailed), where assets/js/signature.js draws it again.
	SignaturePNG string
}

// keptSignature is the form's posted signature, to show again: the drawn
// one only when it is a signature ParseSignature accepts.
func keptSignature(c *fiber.Ctx, f *signingForm) {
	f.SignerName = formValue(c, "signer_name")
	kind, png, err := app.ParseSignature(c.FormValue("signature_kind"), c.FormValue("signature_png"))
	f.Drawn = c.FormValue("signature_kind") == tenant.SignatureDrawn
	if err == nil && kind == tenant.SignatureDrawn {
		f.SignaturePNG = app.SignatureDataURL(png)
	}
}

// portalAgreementView is one agreement in the portal, with the signing
// form when it is the contact's turn.
type portalAgreementView struct {
	Page
	FormErrors
	signingForm
	Base      string
	Agreement agreementView
	MyTurn    bool
	Waiting   string // who signs before the contact, when they are a later signer
	Notice    string // the code was emailed
	History   []quoteEventView
}

// PortalAgreement shows one of the client's agreements.
func (h *Handlers) PortalAgreement(c *fiber.Ctx, r *Request) error {
	return h.portalAgreementPage(c, r, &portalAgreementView{signingForm: signingForm{SignerName: r.User.Name}}, nil)
}

func (h *Handlers) portalAgreementPage(c *fiber.Ctx, r *Request, view *portalAgreementView, formErr error) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	g, err := r.Tenant.Agreement(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	view.Page.Title, view.Base, view.Agreement = g.Title, portalBase(r), newAgreementView(r, portalAgreementBase(r), g)
	view.SignerEmail, view.CodeMinutes, view.CodeAction = r.User.Email, int(tenant.QuoteCodeTTL.Minutes()), view.Agreement.URL+"/code"
	if cur := g.Current(); cur != nil {
		view.MyTurn = cur.UserID == r.User.ID
		for _, s := range g.Signers {
			if s.UserID == r.User.ID && !view.MyTurn && !s.Signed() {
				view.Waiting = cur.Name
			}
		}
	}
	if view.History, err = agreementTimeline(c.UserContext(), r, v, g.ID, true); err != nil {
		return err
	}
	return h.formPage(c, "pages/portal/agreement", "pages/portal/agreement", view, formErr)
}

// PortalAgreementCode emails the contact whose turn it is a code to sign;
// the page is shown again with the name and the drawn signature kept.
func (h *Handlers) PortalAgreementCode(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	view := &portalAgreementView{}
	keptSignature(c, &view.signingForm)
	m, err := h.invoiceMailer()
	if err != nil {
		return err
	}
	if _, err := app.SendAgreementCode(c.UserContext(), m, r.Agency, r.Tenant, v, caseActor(r), c.Params("id"), r.User.Email, h.Config.BaseURL); err != nil {
		if code := apperr.CodeOf(err); code == apperr.TooMany || code == apperr.Conflict || code == apperr.Forbidden {
			return h.portalAgreementPage(c, r, view, err)
		}
		return err
	}
	view.Notice = i18n.T(langOf(c), "quote.code_sent", "Email", r.User.Email, "Minutes", int(tenant.QuoteCodeTTL.Minutes()))
	return h.portalAgreementPage(c, r, view, nil)
}

// PortalAgreementSign signs the agreement as the contact whose turn it
// is, with the typed name, the terms agreed to, the signature and the
// emailed code; the next signer is emailed, or, with the last signature,
// the signed PDF goes to both sides.
func (h *Handlers) PortalAgreementSign(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	view := &portalAgreementView{}
	keptSignature(c, &view.signingForm)
	in := tenant.Signing{SignerName: c.FormValue("signer_name"), Agreed: c.FormValue("agree") == "1", Email: r.User.Email, IP: c.IP(),
		UserAgent: c.Get(fiber.HeaderUserAgent), Code: c.FormValue("code")}
	if len(in.SignerName) > 4*tenant.QuoteSignerMax {
		in.SignerName = ""
	}
	if len(in.Code) > 32 {
		in.Code = "-"
	}
	key := limitKey("agreement-code", r.Agency.ID+":"+c.Params("id")+":"+r.User.ID)
	if err := h.limiter.check(key, quoteCodeTries); err != nil {
		return h.portalAgreementPage(c, r, view, err)
	}
	if in.SignatureKind, in.SignaturePNG, err = app.ParseSignature(c.FormValue("signature_kind"), c.FormValue("signature_png")); err != nil {
		return h.portalAgreementPage(c, r, view, err)
	}
	s, err := r.Tenant.BillingSettings(c.UserContext())
	if err != nil {
		return err
	}
	if s.Logo, err = r.Tenant.PDFLogo(c.UserContext()); err != nil {
		return err
	}
	m, _ := h.invoiceMailer()
	g, err, mailErr := app.SignAgreement(c.UserContext(), m, r.Agency, r.Tenant, v, caseActor(r), c.Params("id"), in, s, r.Zone(), auditFor(c, "agreement.signed", ""), h.Config.BaseURL)
	if err != nil {
		if code := apperr.CodeOf(err); code == apperr.Invalid || code == apperr.Conflict || code == apperr.Forbidden {
			if _, wrongCode := apperr.FieldsOf(err)["code"]; wrongCode && in.Code != "" {
				h.limiter.hit(key, quoteCodeTries)
			}
			return h.portalAgreementPage(c, r, view, err)
		}
		return err
	}
	h.limiter.reset(key)
	h.logFailed(c, "email after an agreement's signature", mailErr)
	h.flash(c, i18n.T(langOf(c), "agreements.signed_flash", "Title", g.Title))
	return h.redirect(c, portalAgreementBase(r)+"/"+g.ID)
}

// PortalAgreementSignedPDF downloads a completed agreement's signed PDF.
func (h *Handlers) PortalAgreementSignedPDF(c *fiber.Ctx, r *Request) error {
	return h.sendSignedAgreement(c, r)
}
