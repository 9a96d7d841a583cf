package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// Documents asked for (issue 16 point 6): staff ask the client for named
// documents on a case; the client sends a file against each item of the
// checklist (through the uploads path, app.Uploads); staff accept it or send
// it back with a reason. Reminders come from jobs/docrequests.go.

// docRequestView is a document asked for, as both sides list it.
type docRequestView struct {
	*tenant.DocumentRequest
	StatusLabel string
	DocURL      string // the file sent, for the side looking
	ActionURL   string // staff: accept/return's base; portal: the upload's address
	Overdue     bool
}

// docRequestForm is the staff's form as typed; its messages are under
// "docreq_<field>" so that no other form of the case page shows them.
type docRequestForm struct {
	Name, DueDate, Note string
}

// docRequestsView is the staff case page's "Documents asked for" section.
type docRequestsView struct {
	Items   []docRequestView
	AddURL  string
	Form    docRequestForm
	Pending int // sent, waiting for staff to look at
	// EditID is the item whose change was refused, EditForm what was
	// typed (its messages are under "docreq_edit_<field>").
	EditID   string
	EditForm docRequestForm
}

// portalDocRequestsView is the portal's checklist (a case page's, or the
// home's across cases).
type portalDocRequestsView struct {
	Items     []docRequestView
	ToSend    int
	MaxSize   string
	ReturnURL string
	// RefusedID is the item whose file was refused: the page's message
	// shows beside its upload field, not above another form.
	RefusedID string
}

var docStatusLabels = map[string]string{
	tenant.DocStatusAsked:    "To send",
	tenant.DocStatusSent:     "Sent, being checked",
	tenant.DocStatusAccepted: "Accepted",
	tenant.DocStatusReturned: "Sent back",
}

func (h *Handlers) docRequestView(r *tenant.DocumentRequest, docBase, actionURL, today string) docRequestView {
	v := docRequestView{DocumentRequest: r, StatusLabel: docStatusLabels[r.Status], ActionURL: actionURL,
		Overdue: r.ToSend() && r.DueDate != "" && r.DueDate < today}
	if r.DocumentID != "" && r.DocumentName != "" {
		v.DocURL = docBase + r.DocumentID
	}
	return v
}

// caseDocRequests is the staff case page's section for case caseID.
func (h *Handlers) caseDocRequests(c *fiber.Ctx, r *Request, v tenant.Viewer, caseID string) (docRequestsView, error) {
	list, err := r.Tenant.CaseDocumentRequests(c.UserContext(), v, caseID)
	if err != nil {
		return docRequestsView{}, err
	}
	base := caseBase(r) + "/" + caseID
	out := docRequestsView{AddURL: base + "/docrequests"}
	for _, d := range list {
		out.Items = append(out.Items, h.docRequestView(d, base+"/documents/", base+"/docrequests/"+d.ID, h.caseToday(r)))
		if d.Status == tenant.DocStatusSent {
			out.Pending++
		}
	}
	return out, nil
}

// portalDocRequests is the checklist of the contact's case caseID, or of
// all their open cases for "" (the portal's home: what is left to send).
func (h *Handlers) portalDocRequests(c *fiber.Ctx, r *Request, v tenant.Viewer, caseID string) (portalDocRequestsView, error) {
	var list []*tenant.DocumentRequest
	var err error
	if caseID == "" {
		list, err = r.Tenant.DocumentsToSend(c.UserContext(), v)
	} else {
		list, err = r.Tenant.CaseDocumentRequests(c.UserContext(), v, caseID)
	}
	if err != nil {
		return portalDocRequestsView{}, err
	}
	out := portalDocRequestsView{MaxSize: i18n.ByteSize(r.Lang(), h.files.MaxSize())}
	for _, d := range list {
		base := portalBase(r) + "/cases/" + d.CaseID
		out.Items = append(out.Items, h.docRequestView(d, base+"/documents/", base+"/docrequests/"+d.ID, h.caseToday(r)))
		if d.ToSend() {
			out.ToSend++
		}
	}
	return out, nil
}

// DocRequestCreate asks the case's client for a document. Bad input
// re-renders the case page (422) with the messages beside the fields.
func (h *Handlers) DocRequestCreate(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	id := c.Params("id")
	form := docRequestForm{Name: c.FormValue("name"), DueDate: formValue(c, "due_date"), Note: c.FormValue("note")}
	d, err := r.Tenant.AddDocumentRequest(c.UserContext(), v, caseActor(r), id, tenant.DocumentRequestInput{Name: form.Name, DueDate: form.DueDate, Note: form.Note})
	if err != nil {
		return h.docRequestRefused(c, r, id, form, err)
	}
	h.publishDocRequest(c, r, id)
	h.logFailed(c, "email the client's contacts", h.caseMail.DocumentRequest(c.UserContext(), r.Agency, r.Tenant, r.User, d, false))
	h.flash(c, i18n.T(r.Lang(), "docreq.asked_flash", "Name", d.Name))
	return h.redirect(c, caseBase(r)+"/"+id+"#docrequests")
}

// docRequestRefused answers a refused staff action on the case page: the
// page with the message (422 for bad input, 409 for a conflict), or the
// error itself (not found).
func (h *Handlers) docRequestRefused(c *fiber.Ctx, r *Request, caseID string, form docRequestForm, err error) error {
	return h.docRequestRefusedAs(c, r, caseID, "", form, err)
}

// docRequestRefusedAs is docRequestRefused for the change of item editID
// ("" for the form that asks for a new one).
func (h *Handlers) docRequestRefusedAs(c *fiber.Ctx, r *Request, caseID, editID string, form docRequestForm, err error) error {
	code := apperr.CodeOf(err)
	if code != apperr.Invalid && code != apperr.Conflict {
		return err
	}
	view, viewErr := h.caseShowView(c, r, caseID, 0)
	if viewErr != nil {
		return viewErr
	}
	prefix := "docreq_"
	if editID != "" {
		view.DocRequests.EditID, view.DocRequests.EditForm, prefix = editID, form, "docreq_edit_"
	} else {
		view.DocRequests.Form = form
	}
	if fields := apperr.FieldsOf(err); len(fields) > 0 {
		prefixed := make(map[string]string, len(fields))
		for k, m := range fields {
			prefixed[prefix+k] = m
		}
		err = apperr.FieldErrors(prefixed)
	}
	return h.formPage(c, "pages/cases/show", "pages/cases/show", view, err)
}

// DocRequestUpdate changes what is asked for (name, due date, note) until
// the document is accepted; bad input re-renders the case page (422)
// with the messages beside that item's fields.
func (h *Handlers) DocRequestUpdate(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	id, reqID := c.Params("id"), c.Params("req")
	form := docRequestForm{Name: c.FormValue("name"), DueDate: formValue(c, "due_date"), Note: c.FormValue("note")}
	changed, err := r.Tenant.EditDocumentRequest(c.UserContext(), v, caseActor(r), id, reqID, tenant.DocumentRequestInput{Name: form.Name, DueDate: form.DueDate, Note: form.Note})
	if err != nil {
		return h.docRequestRefusedAs(c, r, id, reqID, form, err)
	}
	if changed {
		h.publishDocRequest(c, r, id)
		h.flash(c, i18n.T(r.Lang(), "docreq.changed_flash", "Name", strings.Join(strings.Fields(form.Name), " ")))
	}
	return h.redirect(c, caseBase(r)+"/"+id+"#docrequests")
}

// DocRequestWithdraw takes back a document asked for that is no longer
// needed (until it is accepted): it leaves the client's checklist.
func (h *Handlers) DocRequestWithdraw(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	id := c.Params("id")
	d, err := r.Tenant.WithdrawDocumentRequest(c.UserContext(), v, caseActor(r), id, c.Params("req"))
	if err != nil {
		return h.docRequestRefused(c, r, id, docRequestForm{}, err)
	}
	h.publishDocRequest(c, r, id)
	h.flash(c, i18n.T(r.Lang(), "docreq.withdrawn_flash", "Name", d.Name))
	return h.redirect(c, caseBase(r)+"/"+id+"#docrequests")
}

// DocRequestAccept accepts the file the client sent.
func (h *Handlers) DocRequestAccept(c *fiber.Ctx, r *Request) error {
	return h.reviewDocRequest(c, r, true)
}

// DocRequestReturn sends the file back with a reason: the client sends another.
func (h *Handlers) DocRequestReturn(c *fiber.Ctx, r *Request) error {
	return h.reviewDocRequest(c, r, false)
}

func (h *Handlers) reviewDocRequest(c *fiber.Ctx, r *Request, accept bool) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	id, reqID := c.Params("id"), c.Params("req")
	reason := c.FormValue("reason")
	d, err := r.Tenant.ReviewDocumentRequest(c.UserContext(), v, caseActor(r), id, reqID, accept, reason)
	if err != nil {
		return h.docRequestRefused(c, r, id, docRequestForm{}, err)
	}
	h.publishDocRequest(c, r, id)
	if accept {
		h.flash(c, i18n.T(r.Lang(), "docreq.accepted_flash", "Name", d.Name))
	} else {
		h.logFailed(c, "email the client's contacts", h.caseMail.DocumentRequest(c.UserContext(), r.Agency, r.Tenant, r.User, d, true))
		h.flash(c, i18n.T(r.Lang(), "docreq.returned_flash", "Name", d.Name))
	}
	return h.redirect(c, caseBase(r)+"/"+id+"#docrequests")
}

// PortalDocRequestUpload stores the one file the contact sends for a
// document asked for, through the same streaming, checks and limits as
// every upload, and marks the item sent. Another client's item, or one not
// waiting for a file, is refused before any byte is read.
func (h *Handlers) PortalDocRequestUpload(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	caseID, reqID := c.Params("id"), c.Params("req")
	if err := r.Tenant.CheckDocumentToSend(c.UserContext(), v, caseID, reqID); err != nil {
		c.Context().SetConnectionClose() // the body is not read
		if apperr.CodeOf(err) == apperr.Conflict {
			return h.portalDocRequestRefused(c, r, reqID, err)
		}
		return err
	}
	c.Request().Header.Set(uploadCountHeader, "1")
	docs, err := h.storeUploadsFor(c, r, tenant.ClientDocumentAccess(v.ClientID), caseActor(r), caseID, true, reqID)
	if err != nil {
		if code := apperr.CodeOf(err); code == apperr.NotFound || code == apperr.Internal || code == apperr.Unavailable {
			return err
		}
		return h.portalDocRequestRefused(c, r, reqID, err)
	}
	h.publishDocRequest(c, r, caseID)
	h.afterClientActivity(c, r, caseID, "client-upload", documentNames(docs))
	h.flash(c, i18n.T(r.Lang(), "docreq.sent_flash", "Name", docs[0].Name))
	return h.redirect(c, portalBase(r)+"/cases/"+caseID+"#docrequests")
}
