package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/db/tenant"
	"mintedmind/i18n"
	"mintedmind/live"
)

// DocumentShare shares a document with the client (shared=1) or makes it
// internal again (shared=0).
func (h *Handlers) DocumentShare(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	shared := formValue(c, "shared") == "1"
	action := "document.unshared"
	if shared {
		action = "document.shared"
	}
	caseID := c.Params("id")
	changed, err := r.Tenant.SetDocumentShared(c.UserContext(), tenant.StaffDocumentAccess(v), caseActor(r), caseID, c.Params("doc"), shared, auditFor(c, action, ""))
	if err != nil {
		return err
	}
	if changed {
		h.publish(c, r, caseID, live.KindUpload, true, false) // shared or taken back: the client's page changes either way
	}
	switch {
	case !changed:
		h.flash(c, i18n.T(r.Lang(), "docs.nothing_changed"))
	case shared:
		d, err := r.Tenant.Document(c.UserContext(), tenant.StaffDocumentAccess(v), caseID, c.Params("doc"))
		if err != nil {
			return err
		}
		h.logFailed(c, "email the client's contacts", h.notifyContacts(c, r, caseID, "case-document", d.Name))
		h.flash(c, i18n.T(r.Lang(), "docs.now_shared"))
	default:
		h.flash(c, i18n.T(r.Lang(), "docs.now_internal"))
	}
	if formValue(c, "from") == "page" {
		return h.redirect(c, documentURL(r.Agency.Slug, caseID, c.Params("doc"))+"/details")
	}
	return h.redirect(c, caseBase(r)+"/"+caseID+"#documents")
}

// DocumentDelete moves a document to the trash.
func (h *Handlers) DocumentDelete(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	caseID := c.Params("id")
	d, err := r.Tenant.TrashDocument(c.UserContext(), tenant.StaffDocumentAccess(v), caseActor(r), caseID, c.Params("doc"), auditFor(c, "document.deleted", ""))
	if err != nil {
		return err
	}
	h.publish(c, r, caseID, live.KindUpload, d.Shared, false)
	h.flash(c, i18n.T(r.Lang(), "docs.trashed", "Name", d.Name, "Days", tenant.TrashDays))
	return h.redirect(c, caseBase(r)+"/"+caseID+"#documents")
}

// DocumentRestore takes a document out of the trash (owners).
func (h *Handlers) DocumentRestore(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	d, err := r.Tenant.RestoreDocument(c.UserContext(), tenant.StaffDocumentAccess(v), caseActor(r), c.Params("id"), c.Params("doc"), auditFor(c, "document.restored", ""))
	if err != nil {
		return err
	}
	h.publish(c, r, d.CaseID, live.KindUpload, d.Shared, false)
	h.flash(c, i18n.T(r.Lang(), "docs.restored", "Name", d.Name, "Case", tenant.CaseNumber(d.CaseNumber)))
	return h.redirect(c, "/a/"+r.Agency.Slug+"/documents")
}

// DocumentsStorage is the owners' page of documents: how much of the
// agency's storage is used, and the trash, from which documents can be
// restored until the purge.
func (h *Handlers) DocumentsStorage(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	t := r.Tenant
	usage, err := t.StorageUsage(c.UserContext())
	if err != nil {
		return err
	}
	limits, err := h.plans.Limits(c.UserContext(), r.Agency)
	if err != nil {
		return err
	}
	quota := limits.StorageBytes
	trash, err := t.TrashedDocuments(c.UserContext(), v)
	if err != nil {
		return err
	}
	percent := 0
	if quota > 0 {
		percent = int(min(100, usage.Used*100/quota))
	}
	return h.page(c, "pages/documents/index", &documentsStorageView{Page: Page{Title: "store.title"},
		Used: i18n.ByteSize(r.Lang(), usage.Used), Quota: i18n.ByteSize(r.Lang(), quota), Percent: percent, TrashSize: i18n.ByteSize(r.Lang(), usage.Trash),
		Count: usage.Files, Trash: documentViews(r, trash), TrashDays: tenant.TrashDays, FileLimit: i18n.ByteSize(r.Lang(), h.files.MaxSize()),
	})
}

// documentsStorageView is the owners' documents page: storage used and the trash.
type documentsStorageView struct {
	Page
	Used      string
	Quota     string
	Percent   int
	TrashSize string
	Count     int64
	Trash     []documentView
	TrashDays int
	FileLimit string
}
