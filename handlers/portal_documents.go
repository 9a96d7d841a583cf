package handlers

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// portalAccess is the signed-in contact's access to documents: shared
// documents of their own client's cases only.
func (h *Handlers) portalAccess(c *fiber.Ctx, r *Request) (tenant.DocumentAccess, error) {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return tenant.DocumentAccess{}, err
	}
	return tenant.ClientDocumentAccess(v.ClientID), nil
}

// PortalUpload stores the contact's files on their case, shared with the
// client by nature, and tells the staff member looking after the case.
// The same streaming, checks and all-or-nothing rule as staff uploads.
func (h *Handlers) PortalUpload(c *fiber.Ctx, r *Request) error {
	access, err := h.portalAccess(c, r)
	if err != nil {
		return err
	}
	caseID := c.Params("id")
	docs, err := h.storeUploads(c, r, access, caseActor(r), caseID, true)
	if err != nil {
		if code := apperr.CodeOf(err); code == apperr.NotFound || code == apperr.Internal || code == apperr.Unavailable {
			return err
		}
		return h.portalCasePage(c, r, "", err)
	}
	h.afterClientActivity(c, r, caseID, "client-upload", documentNames(docs))
	h.flash(c, uploadedMessage(docs))
	return h.redirect(c, portalBase(r)+"/cases/"+caseID+"#documents")
}

// PortalDocument sends a shared document of the contact's case; anything
// else (internal, another client's, trashed) is not found.
func (h *Handlers) PortalDocument(c *fiber.Ctx, r *Request) error {
	access, err := h.portalAccess(c, r)
	if err != nil {
		return err
	}
	d, err := r.Tenant.Document(c.UserContext(), access, c.Params("id"), c.Params("doc"))
	if err != nil {
		return err
	}
	return h.sendDocument(c, r.Tenant, d, c.Query("inline") == "1")
}

// portalDocumentView is a shared document as the portal lists it.
type portalDocumentView struct {
	Name, URL, Size, Kind, By string
	At                        time.Time
}

// portalDocumentsView is the portal case page's documents section: the
// case's shared documents and the upload form's address and limits.
type portalDocumentsView struct {
	Docs        []portalDocumentView
	UploadURL   string
	DocMaxBytes int64 // a file's limit, for the page's script
	DocMaxSize  string
	DocMaxFiles int
	Signed      []signedDocumentView // the signed PDFs of the case's accepted quotes
}

// portalDocuments is the documents section of the portal page of case caseID.
func (h *Handlers) portalDocuments(c *fiber.Ctx, r *Request, caseID string) (portalDocumentsView, error) {
	access, err := h.portalAccess(c, r)
	if err != nil {
		return portalDocumentsView{}, err
	}
	docs, err := r.Tenant.CaseDocuments(c.UserContext(), access, caseID)
	if err != nil {
		return portalDocumentsView{}, err
	}
	base := portalBase(r) + "/cases/" + caseID + "/documents/"
	list := make([]portalDocumentView, len(docs))
	for i, d := range docs {
		kind := strings.ToUpper(strings.TrimPrefix(strings.TrimPrefix(d.ContentType, "image/"), "application/"))
		list[i] = portalDocumentView{Name: d.Name, URL: base + d.ID, Size: i18n.ByteSize(r.Lang(), d.Size), Kind: kind, By: d.UploaderName, At: r.local(d.CreatedAt)}
	}
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return portalDocumentsView{}, err
	}
	signed, err := h.signedDocuments(c, r, v, "", caseID, true)
	if err != nil {
		return portalDocumentsView{}, err
	}
	return portalDocumentsView{Docs: list, UploadURL: portalBase(r) + "/cases/" + caseID + "/documents",
		DocMaxBytes: h.files.MaxSize(), DocMaxSize: i18n.ByteSize(r.Lang(), h.files.MaxSize()), DocMaxFiles: app.MaxUploadFiles, Signed: signed}, nil
}
