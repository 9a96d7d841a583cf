package handlers

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db"
	"mintedmind/files"
)

// portalAccess is the signed-in contact's access to documents: shared
// documents of their own client's cases only.
func (h *Handlers) portalAccess(c *fiber.Ctx) (db.DocumentAccess, error) {
	v, err := h.viewer(c)
	if err != nil {
		return db.DocumentAccess{}, err
	}
	return db.ClientDocumentAccess(v.ClientID), nil
}

// PortalUpload stores the contact's files on their case, shared with the
// client by nature, and tells the staff member looking after the case.
// The same streaming, checks and all-or-nothing rule as staff uploads.
func (h *Handlers) PortalUpload(c *fiber.Ctx) error {
	access, err := h.portalAccess(c)
	if err != nil {
		return err
	}
	caseID := c.Params("id")
	docs, err := h.storeUploads(c, access, caseActor(stateOf(c).req), caseID, true)
	if err != nil {
		if code := apperr.CodeOf(err); code == apperr.NotFound || code == apperr.Internal || code == apperr.Unavailable {
			return err
		}
		return h.portalCasePage(c, "", err)
	}
	h.afterClientActivity(c, caseID, "client-upload", documentNames(docs))
	h.flash(c, uploadedMessage(docs))
	return h.redirect(c, portalBase(c)+"/cases/"+caseID+"#documents")
}

// PortalDocument sends a shared document of the contact's case; anything
// else (internal, another client's, trashed) is not found.
func (h *Handlers) PortalDocument(c *fiber.Ctx) error {
	access, err := h.portalAccess(c)
	if err != nil {
		return err
	}
	d, err := tenantOf(c).Document(c.UserContext(), access, c.Params("id"), c.Params("doc"))
	if err != nil {
		return err
	}
	return h.sendDocument(c, tenantOf(c), d, c.Query("inline") == "1")
}

// portalDocuments adds the case's shared documents to the portal case page.
func (h *Handlers) portalDocuments(c *fiber.Ctx, caseID string, data fiber.Map) error {
	access, err := h.portalAccess(c)
	if err != nil {
		return err
	}
	docs, err := tenantOf(c).CaseDocuments(c.UserContext(), access, caseID)
	if err != nil {
		return err
	}
	base := portalBase(c) + "/cases/" + caseID + "/documents/"
	type portalDoc struct {
		Name, URL, Size, Kind, By string
		At                        time.Time
	}
	list := make([]portalDoc, len(docs))
	for i, d := range docs {
		kind := strings.ToUpper(strings.TrimPrefix(strings.TrimPrefix(d.ContentType, "image/"), "application/"))
		list[i] = portalDoc{Name: d.Name, URL: base + d.ID, Size: files.ByteSize(d.Size), Kind: kind, By: d.UploaderName, At: d.CreatedAt}
	}
	data["Docs"], data["UploadURL"] = list, portalBase(c)+"/cases/"+caseID+"/documents"
	data["DocMaxSize"], data["DocMaxFiles"] = files.ByteSize(h.files.MaxSize()), maxUploadFiles
	return nil
}
