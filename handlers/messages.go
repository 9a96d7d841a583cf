package handlers

import (
	"iter"
	"mime/multipart"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
	"mintedmind/live"
)

// threadView is a case's conversation between the agency and the client,
// for views/partials/messages/thread.html (the list alone: what live
// updates swap) and partials/messages/reply (the box under it).
type threadView struct {
	ID       string // the list's element id
	URL      string // the list alone, for live updates and polling
	CaseID   string
	PostURL  string // the reply box's form
	Body     string // the reply as typed, after an error
	Staff    bool   // the staff's side: hide controls, "Internal" marks
	Other    string // the other side, as "seen" names it: "the client", "the agency"
	MaxSize  string
	MaxBytes int64 // a file's limit, for the page's script
	MaxFiles int
	Messages []messageView

	Error     string // the reply was refused (a file), shown in the reply box
	BodyError string // the reply's text was refused
	HideFor   string // the message whose hide form was refused, and why
	HideError string
}

// replyError puts the reason a reply was refused in the reply box.
func (tv *threadView) replyError(err error) {
	if msg := apperr.FieldsOf(err)["body"]; msg != "" {
		tv.BodyError = msg
		return
	}
	tv.Error = apperr.MessageOf(err)
}

// messageView is one message of a thread.
type messageView struct {
	ID          string
	Author      string
	At          time.Time
	Body        string
	Mine        bool // the viewer's side wrote it
	FromClient  bool
	ViaEmail    bool         // it came as a reply by email
	Auth        mailAuthView // its DKIM and SPF, shown to staff
	Unread      bool
	Seen        bool
	Edited      bool
	Earlier     []tenant.MessageVersion
	Hidden      bool
	HiddenBy    string
	HiddenWhy   string
	Attachments []attachmentView
	EditURL     string // the author's correction, within the window
	HideURL     string // staff: hide a client's message
}

// attachmentView is a file sent with a message.
type attachmentView struct {
	Name, URL, ThumbURL, Size string
}

// caseThread builds the conversation of case caseID for the signed-in
// person and records that they have now seen what was unread.
func (h *Handlers) caseThread(c *fiber.Ctx, r *Request, v tenant.Viewer, caseID string) (threadView, error) {
	t, staff := r.Tenant, r.User.IsStaff()
	msgs, err := t.CaseMessages(c.UserContext(), v, caseID)
	if err != nil {
		return threadView{}, err
	}
	tv := threadView{ID: "thread-" + caseID, CaseID: caseID, Staff: staff, MaxSize: i18n.ByteSize(r.Lang(), h.files.MaxSize()), MaxBytes: h.files.MaxSize(), MaxFiles: app.MaxUploadFiles}
	base, docBase := portalBase(r)+"/cases/"+caseID, portalBase(r)+"/cases/"+caseID+"/documents/"
	tv.Other = i18n.T(r.Lang(), "thread.the_agency")
	if staff {
		base, docBase = caseBase(r)+"/"+caseID, documentURL(r.Agency.Slug, caseID, "")
		tv.Other = i18n.T(r.Lang(), "thread.the_client")
	}
	tv.URL, tv.PostURL = base+"/thread", base+"/messages"
	now := h.Clock.Now()
	for _, m := range msgs {
		mv := messageView{ID: m.ID, Author: m.AuthorName, At: r.local(m.CreatedAt), Body: m.Body, Mine: m.FromClient != staff, FromClient: m.FromClient, ViaEmail: m.ViaEmail,
			Auth:   newMailAuthView(r.Lang(), m.MailAuth),
			Unread: m.Unread, Seen: m.Seen, Edited: len(m.Earlier) > 0, Earlier: m.Earlier, Hidden: m.Hidden(), HiddenBy: m.HiddenBy, HiddenWhy: m.HiddenReason}
		for i := range mv.Earlier {
			mv.Earlier[i].At = r.local(mv.Earlier[i].At)
		}
		if m.AuthorID == r.User.ID && tenant.MessageEditRule(&m.Note, r.User.ID, now) == "" {
			mv.EditURL = base + "/messages/" + m.ID + "/edit"
			if staff {
				mv.EditURL = base + "/notes/" + m.ID + "/edit"
			}
		}
		if staff && m.FromClient && !m.Hidden() {
			mv.HideURL = base + "/messages/" + m.ID + "/hide"
		}
		for _, d := range m.Attachments {
			a := attachmentView{Name: d.Name, URL: docBase + d.ID, Size: i18n.ByteSize(r.Lang(), d.Size)}
			if d.ThumbKey != "" && activeContent(d) == 0 {
				a.ThumbURL = docBase + d.ID + "/thumb"
			}
			mv.Attachments = append(mv.Attachments, a)
		}
		tv.Messages = append(tv.Messages, mv)
	}
	if err := t.SeeMessages(c.UserContext(), r.User.ID, msgs); err != nil {
		return tv, err
	}
	for _, m := range msgs {
		if m.Unread { // the other side's "seen" and the inbox counts changed
			h.publish(c, r, caseID, live.KindMessage, true, true)
			break
		}
	}
	return tv, nil
}

// threadFragmentView is the thread list alone, as live updates fetch it.
type threadFragmentView struct {
	Page
	Thread threadView
}

// CaseThread is the staff case page's conversation list alone (live
// updates and polling fetch it).
func (h *Handlers) CaseThread(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	tv, err := h.caseThread(c, r, v, c.Params("id"))
	if err != nil {
		return err
	}
	return h.fragment(c, "partials/messages/thread", &threadFragmentView{Thread: tv})
}

// formFiles are the files of a multipart form read into memory (a message
// or a request), by field name: names gives the field of each file in the
// order the files are yielded. An empty file input is left out.
func formFiles(c *fiber.Ctx, fields []string) (names []string, parts iter.Seq2[app.UploadFile, error]) {
	form, err := c.MultipartForm()
	if err != nil {
		return nil, nil
	}
	var heads []*multipart.FileHeader
	for _, f := range fields {
		for _, fh := range form.File[f] {
			if fh.Filename == "" && fh.Size == 0 {
				continue
			}
			names, heads = append(names, f), append(heads, fh)
		}
	}
	return names, func(yield func(app.UploadFile, error) bool) {
		for _, fh := range heads {
			f, err := fh.Open()
			if err != nil {
				yield(app.UploadFile{}, err)
				return
			}
			ok := yield(app.UploadFile{Name: fh.Filename, Body: f}, nil)
			f.Close()
			if !ok {
				return
			}
		}
	}
}

// storeFormFiles stores the files of the form's fields as shared documents
// of the case (all or nothing, through app.Uploads) and returns them in
// the order of names.
func (h *Handlers) storeFormFiles(c *fiber.Ctx, r *Request, access tenant.DocumentAccess, caseID string, fields []string) ([]string, []*tenant.Document, error) {
	names, parts := formFiles(c, fields)
	if len(names) == 0 {
		return nil, nil, nil
	}
	docs, err := h.uploads.Store(c.UserContext(), app.Upload{Agency: r.Agency, Tenant: r.Tenant, Access: access, Actor: caseActor(r), CaseID: caseID,
		Shared: true, Count: len(names)}, parts)
	return names, docs, err
}

// sendMessage posts the form's message (field body) and its attachments
// (field file) on case caseID from the signed-in person's side. The text
// is checked before any file is stored, and a refused file leaves no
// message.
func (h *Handlers) sendMessage(c *fiber.Ctx, r *Request, v tenant.Viewer, access tenant.DocumentAccess, caseID string) (*tenant.Note, []*tenant.Document, error) {
	ctx := c.UserContext()
	if _, err := r.Tenant.Case(ctx, v, caseID); err != nil {
		return nil, nil, err
	}
	body := c.FormValue("body")
	if _, msg := tenant.ValidateNoteBody(body); msg != "" {
		return nil, nil, invalidField("body", msg)
	}
	names, parts := formFiles(c, []string{uploadFileField})
	if len(names) == 0 {
		n, err := r.Tenant.AddMessage(ctx, v, caseActor(r), caseID, body, !r.User.IsStaff(), nil)
		return n, nil, err
	}
	// The message and its files in one transaction: neither without the other.
	m := &tenant.MessageDraft{Viewer: v, Body: body, FromClient: !r.User.IsStaff()}
	docs, err := h.uploads.Store(ctx, app.Upload{Agency: r.Agency, Tenant: r.Tenant, Access: access, Actor: caseActor(r), CaseID: caseID,
		Shared: true, Count: len(names), Message: m}, parts)
	if err != nil {
		return nil, nil, err
	}
	return m.Note, docs, nil
}

// MessageCreate is the staff's reply in a case's conversation: a message
// the client sees, with its attachments, emailed to the client's contacts.
func (h *Handlers) MessageCreate(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	id := c.Params("id")
	n, _, err := h.sendMessage(c, r, v, tenant.StaffDocumentAccess(v), id)
	if err != nil {
		if code := apperr.CodeOf(err); code == apperr.NotFound || code == apperr.Internal || code == apperr.Unavailable {
			return err
		}
		view, viewErr := h.caseShowView(c, r, id, 0)
		if viewErr != nil {
			return viewErr
		}
		view.Thread.Body = c.FormValue("body")
		view.Thread.replyError(err)
		return h.formPage(c, "pages/cases/show", "pages/cases/show", view, err)
	}
	h.publish(c, r, id, live.KindMessage, true, false)
	h.logFailed(c, "email the client's contacts", h.notifyContacts(c, r, id, "case-update", n.Body))
	h.flash(c, "Message sent to the client.")
	return h.redirect(c, caseBase(r)+"/"+id+"#thread-"+id)
}

// MessageHide hides a client's message from the client, with the reason
// (in the history and the audit log). The message stays for staff.
func (h *Handlers) MessageHide(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	id, msg := c.Params("id"), c.Params("msg")
	err = r.Tenant.HideMessage(c.UserContext(), v, caseActor(r), id, msg, c.FormValue("reason"), auditFor(c, "message.hidden", id))
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		view, viewErr := h.caseShowView(c, r, id, 0)
		if viewErr != nil {
			return viewErr
		}
		view.Thread.HideFor, view.Thread.HideError = msg, apperr.FieldsOf(err)["reason"]
		return h.formPage(c, "pages/cases/show", "pages/cases/show", view, err)
	}
	h.publish(c, r, id, live.KindMessage, true, false)
	h.flash(c, "The message is hidden from the client; the reason is in the history.")
	return h.redirect(c, caseBase(r)+"/"+id+"#thread-"+id)
}

// portalThreadFragment is the portal's thread list alone.
func (h *Handlers) PortalThread(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	tv, err := h.caseThread(c, r, v, c.Params("id"))
	if err != nil {
		return err
	}
	return h.fragment(c, "partials/messages/thread", &threadFragmentView{Thread: tv})
}

// PortalMessage posts the contact's message, with its attachments, on the
// case: on the staff's side too, and an email to the staff member looking
// after the case.
func (h *Handlers) PortalMessage(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	id := c.Params("id")
	n, docs, err := h.sendMessage(c, r, v, tenant.ClientDocumentAccess(v.ClientID), id)
	if err != nil {
		if code := apperr.CodeOf(err); code == apperr.NotFound || code == apperr.Internal || code == apperr.Unavailable {
			return err
		}
		return h.portalCaseReply(c, r, c.FormValue("body"), err, true)
	}
	text := n.Body
	if len(docs) > 0 {
		text += "\n\nAttached:\n" + documentNames(docs)
	}
	h.afterClientActivity(c, r, id, "client-message", text)
	h.publish(c, r, id, live.KindMessage, true, true)
	h.flash(c, "Message sent.")
	return h.redirect(c, portalBase(r)+"/cases/"+id+"#thread-"+id)
}

// messageEditView is the page where a contact corrects their own message.
type messageEditView struct {
	Page
	FormErrors
	CaseURL string
	Action  string
	Number  string
	Body    string
	Until   time.Time // the end of the correction window
}

// portalOwnMessage loads the contact's own message in the URL.
func (h *Handlers) portalOwnMessage(c *fiber.Ctx, r *Request) (tenant.Viewer, *tenant.Case, *tenant.Note, error) {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return v, nil, nil, err
	}
	k, err := r.Tenant.Case(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return v, nil, nil, err
	}
	n, err := r.Tenant.Note(c.UserContext(), v, k.ID, c.Params("msg"))
	if err != nil {
		return v, nil, nil, err
	}
	if !n.VisibleToClient {
		return v, nil, nil, apperr.New(apperr.NotFound, "Message not found.")
	}
	if why := tenant.MessageEditRule(n, r.User.ID, h.Clock.Now()); why != "" {
		return v, nil, nil, apperr.New(apperr.Forbidden, "%s", why)
	}
	return v, k, n, nil
}

func newMessageEditView(r *Request, k *tenant.Case, n *tenant.Note, body string) *messageEditView {
	u := portalBase(r) + "/cases/" + k.ID
	return &messageEditView{Page: Page{Title: "Correct your message"}, CaseURL: u, Action: u + "/messages/" + n.ID, Number: tenant.CaseNumber(k.Number),
		Body: body, Until: n.CreatedAt.Add(tenant.MessageEditWindow)}
}

// PortalMessageEdit shows the form to correct the contact's own message.
func (h *Handlers) PortalMessageEdit(c *fiber.Ctx, r *Request) error {
	_, k, n, err := h.portalOwnMessage(c, r)
	if err != nil {
		return err
	}
	return h.formPage(c, "pages/portal/message-edit", "pages/portal/message-edit", newMessageEditView(r, k, n, n.Body), nil)
}

// PortalMessageUpdate saves the contact's correction: the agency then sees
// "edited" and can open the earlier text.
func (h *Handlers) PortalMessageUpdate(c *fiber.Ctx, r *Request) error {
	v, k, n, err := h.portalOwnMessage(c, r)
	if err != nil {
		return err
	}
	body := c.FormValue("body")
	changed, err := r.Tenant.EditMessage(c.UserContext(), v, caseActor(r), k.ID, n.ID, body)
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		return h.formPage(c, "pages/portal/message-edit", "pages/portal/message-edit", newMessageEditView(r, k, n, body), err)
	}
	if changed {
		h.publish(c, r, k.ID, live.KindMessage, true, false)
		h.flash(c, "Message corrected; the earlier text stays visible to both sides.")
	}
	return h.redirect(c, portalBase(r)+"/cases/"+k.ID+"#thread-"+k.ID)
}

// PortalDocumentThumb sends the thumbnail of a shared document of the
// contact's case (a message's attachment shows it inline).
func (h *Handlers) PortalDocumentThumb(c *fiber.Ctx, r *Request) error {
	access, err := h.portalAccess(c, r)
	if err != nil {
		return err
	}
	d, err := r.Tenant.Document(c.UserContext(), access, c.Params("id"), c.Params("doc"))
	if err != nil {
		return err
	}
	return sendThumb(c, r.Tenant, d)
}
