package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"mintedmind/db"
	"mintedmind/files"
)

// DocumentShare shares a document with the client (shared=1) or makes it
// internal again (shared=0).
func (h *Handlers) DocumentShare(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	shared := formValue(c, "shared") == "1"
	action := "document.unshared"
	if shared {
		action = "document.shared"
	}
	caseID := c.Params("id")
	changed, err := tenantOf(c).SetDocumentShared(c.UserContext(), db.StaffDocumentAccess(v), caseActor(stateOf(c).req), caseID, c.Params("doc"), shared, auditFor(c, action, ""))
	if err != nil {
		return err
	}
	switch {
	case !changed:
		h.flash(c, "Nothing changed.")
	case shared:
		d, err := tenantOf(c).Document(c.UserContext(), db.StaffDocumentAccess(v), caseID, c.Params("doc"))
		if err != nil {
			return err
		}
		h.logFailed(c, "email the client's contacts", h.notifyContacts(c, caseID, "case-document", d.Name))
		h.flash(c, "The client can now see the document.")
	default:
		h.flash(c, "The document is internal again: the client no longer sees it.")
	}
	return h.redirect(c, caseBase(stateOf(c).req)+"/"+caseID+"#documents")
}

// DocumentDelete moves a document to the trash.
func (h *Handlers) DocumentDelete(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	caseID := c.Params("id")
	d, err := tenantOf(c).TrashDocument(c.UserContext(), db.StaffDocumentAccess(v), caseActor(stateOf(c).req), caseID, c.Params("doc"), auditFor(c, "document.deleted", ""))
	if err != nil {
		return err
	}
	h.flash(c, d.Name+" is in the trash; an owner can restore it for "+strconv.Itoa(db.TrashDays)+" days.")
	return h.redirect(c, caseBase(stateOf(c).req)+"/"+caseID+"#documents")
}

// DocumentRestore takes a document out of the trash (owners).
func (h *Handlers) DocumentRestore(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	d, err := tenantOf(c).RestoreDocument(c.UserContext(), db.StaffDocumentAccess(v), caseActor(stateOf(c).req), c.Params("id"), c.Params("doc"), auditFor(c, "document.restored", ""))
	if err != nil {
		return err
	}
	h.flash(c, d.Name+" was restored to "+db.CaseNumber(d.CaseNumber)+".")
	return h.redirect(c, "/a/"+agencyOf(c).Slug+"/documents")
}

// DocumentsStorage is the owners' page of documents: how much of the
// agency's storage is used, and the trash, from which documents can be
// restored until the purge.
func (h *Handlers) DocumentsStorage(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	t := tenantOf(c)
	usage, err := t.StorageUsage(c.UserContext())
	if err != nil {
		return err
	}
	quota, err := h.storageQuota(c.UserContext(), agencyOf(c))
	if err != nil {
		return err
	}
	trash, err := t.TrashedDocuments(c.UserContext(), v)
	if err != nil {
		return err
	}
	percent := 0
	if quota > 0 {
		percent = int(min(100, usage.Used*100/quota))
	}
	return h.mapPage(c, "pages/documents/index", fiber.Map{
		"Title": "Documents and storage", "Used": files.ByteSize(usage.Used), "Quota": files.ByteSize(quota), "Percent": percent,
		"TrashSize": files.ByteSize(usage.Trash), "Count": usage.Files, "Trash": documentViews(agencyOf(c).Slug, trash), "TrashDays": db.TrashDays,
		"FileLimit": files.ByteSize(h.files.MaxSize()),
	})
}
