package handlers

// The signed record of an accepted quote (issue 18): its PDF, frozen at
// acceptance, for staff and the client's contacts, emailed to both sides;
// and the agency's public verify page, which tells whether an uploaded
// PDF is exactly one this agency issued, and which.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// VerifyMaxBytes is the largest file the verify page reads.
const VerifyMaxBytes = 10 << 20

// mailSignedQuote emails the signed PDF of q, just accepted, to the signer
// and the quote's author.
func (h *Handlers) mailSignedQuote(c *fiber.Ctx, r *Request, v tenant.Viewer, q *tenant.Quote) error {
	signed, err := r.Tenant.SignedQuote(c.UserContext(), v, q.ID)
	if err != nil {
		return err
	}
	m, err := h.invoiceMailer()
	if err != nil {
		return err
	}
	return app.MailSignedQuote(c.UserContext(), m, r.Agency, r.Tenant, q, signed, h.Config.BaseURL)
}

// sendSignedQuote answers with the stored signed PDF of the URL's quote,
// loaded with v's access: not found when the quote is not accepted or
// not v's to see.
func (h *Handlers) sendSignedQuote(c *fiber.Ctx, r *Request, v tenant.Viewer) error {
	q, err := r.Tenant.Quote(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	signed, err := r.Tenant.SignedQuote(c.UserContext(), v, q.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+app.SignedQuoteFilename(q)+`"`)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(signed.PDF)
}

// QuoteSignedPDF downloads an accepted quote's signed PDF (staff).
func (h *Handlers) QuoteSignedPDF(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	return h.sendSignedQuote(c, r, v)
}

// PortalQuoteSignedPDF downloads an accepted quote's signed PDF (the
// client's contacts).
func (h *Handlers) PortalQuoteSignedPDF(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	return h.sendSignedQuote(c, r, v)
}

// verifyView is the public verify page: the form, and the answer for the
// file uploaded (Checked), which names the matching document only.
type verifyView struct {
	Page
	FormErrors
	Action     string
	AgencyName string
	Checked    bool
	Match      bool
	Label      string
	SignedAt   time.Time
	FileSHA256 string
}

// VerifyForm shows the verify page.
func (h *Handlers) VerifyForm(c *fiber.Ctx, r *Request) error {
	return h.page(c, "pages/verify/index", h.newVerifyView(r))
}

func (h *Handlers) newVerifyView(r *Request) *verifyView {
	return &verifyView{Page: Page{Title: "verify.title"}, Action: "/a/" + r.Agency.Slug + "/verify", AgencyName: r.Agency.Name}
}

// Verify hashes the uploaded PDF and says whether it is exactly a signed
// document this agency issued (by SHA-256), naming which one and when it
// was signed; nothing else about it, and nothing is written.
func (h *Handlers) Verify(c *fiber.Ctx, r *Request) error {
	view := h.newVerifyView(r)
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 {
		return h.formPage(c, "pages/verify/index", "pages/verify/index", view, invalidField("file", "Choose the PDF to check."))
	}
	if fh.Size > VerifyMaxBytes {
		return h.formPage(c, "pages/verify/index", "pages/verify/index", view,
			apperr.New(apperr.TooLarge, "%s", i18n.T(r.Lang(), "verify.too_large", "MB", VerifyMaxBytes>>20)))
	}
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("verify: open upload: %w", err)
	}
	hash := sha256.New()
	_, err = io.Copy(hash, io.LimitReader(f, VerifyMaxBytes+1))
	f.Close()
	if err != nil {
		return fmt.Errorf("verify: read upload: %w", err)
	}
	var sum [sha256.Size]byte
	hash.Sum(sum[:0])
	view.Checked, view.FileSHA256 = true, hex.EncodeToString(sum[:])
	d, err := r.Tenant.SignedDocumentBySHA256(c.UserContext(), sum)
	switch {
	case err == nil:
		view.Match, view.Label, view.SignedAt = true, d.Label, r.local(d.SignedAt)
	case apperr.CodeOf(err) != apperr.NotFound:
		return err
	}
	return h.page(c, "pages/verify/index", view)
}

// signedDocumentView is an accepted quote's signed PDF as the documents
// of a client or a case list it (partials/documents/signed).
type signedDocumentView struct {
	Label, URL, Size string
	SignedAt         time.Time
}

// signedDocuments are the signed PDFs v may see of client clientID's
// quotes and agreements, or of those on case caseID, linked under the
// staff pages, or the portal's when portal is set.
func (h *Handlers) signedDocuments(c *fiber.Ctx, r *Request, v tenant.Viewer, clientID, caseID string, portal bool) ([]signedDocumentView, error) {
	docs, err := r.Tenant.SignedDocuments(c.UserContext(), v, clientID, caseID)
	if err != nil {
		return nil, err
	}
	out := make([]signedDocumentView, len(docs))
	for i, d := range docs {
		url := quoteBase(r) + "/" + d.QuoteID + "/signed"
		switch {
		case d.AgreementID != "" && portal:
			url = portalAgreementBase(r) + "/" + d.AgreementID + "/signed"
		case d.AgreementID != "":
			url = agreementBase(r) + "/" + d.AgreementID + "/signed"
		case portal:
			url = portalQuoteBase(r) + "/" + d.QuoteID + "/signed"
		}
		out[i] = signedDocumentView{Label: d.Label, URL: url, Size: i18n.ByteSize(r.Lang(), d.Size), SignedAt: r.local(d.SignedAt)}
	}
	return out, nil
}
