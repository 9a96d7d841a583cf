package handlers

import (
	"mime"
	"slices"

	"github.com/gofiber/fiber/v2"

	"mintedmind/db/tenant"
	"mintedmind/live"
)

// apiMessage is a message or note of a case as the API writes it.
type apiMessage struct {
	ID              string `json:"id"`
	CaseID          string `json:"case_id"`
	AuthorName      string `json:"author_name"`
	Body            string `json:"body"`
	VisibleToClient bool   `json:"visible_to_client"`
	FromClient      bool   `json:"from_client"`
	Hidden          bool   `json:"hidden"`
	// Origin is staff, client or email (tenant.Note.Origin), as the
	// message.created webhook says; ViaEmail and MailAuth are the UI's
	// "by email" and the DKIM and SPF it shows staff.
	Origin    string       `json:"origin"`
	ViaEmail  bool         `json:"via_email"`
	MailAuth  *apiMailAuth `json:"mail_auth"`
	CreatedAt *string      `json:"created_at"`
	UpdatedAt *string      `json:"updated_at"`
}

// apiMailAuth is what the SMTP listener found of a reply by email's
// sender authentication (tenant.MailAuth).
type apiMailAuth struct {
	DKIM       string `json:"dkim"`
	DKIMDomain string `json:"dkim_domain"`
	SPF        string `json:"spf"`
}

func apiMessageOf(n *tenant.Note) apiMessage {
	m := apiMessage{ID: n.ID, CaseID: n.CaseID, AuthorName: n.AuthorName, Body: n.Body, VisibleToClient: n.VisibleToClient,
		FromClient: n.FromClient, Hidden: n.Hidden(), Origin: n.Origin(), ViaEmail: n.ViaEmail,
		CreatedAt: apiTime(n.CreatedAt), UpdatedAt: apiTime(n.UpdatedAt)}
	if n.ViaEmail {
		m.MailAuth = &apiMailAuth{DKIM: n.MailAuth.DKIM, DKIMDomain: n.MailAuth.DKIMDomain, SPF: n.MailAuth.SPF}
	}
	return m
}

// APICaseMessages is GET /api/v1/cases/:id/messages: the case's
// conversation as staff see it (tenant.CaseMessages), oldest first. It
// marks nothing as seen: a token is not a person reading.
func (h *Handlers) APICaseMessages(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	msgs, err := r.Tenant.CaseMessages(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	page := apiPage[apiMessage]{Data: []apiMessage{}}
	for _, m := range msgs {
		page.Data = append(page.Data, apiMessageOf(&m.Note))
	}
	return apiJSON(c, fiber.StatusOK, page, false)
}

// apiMessageInput is the body of a new message or note.
type apiMessageInput struct {
	Body            string `json:"body"`
	VisibleToClient bool   `json:"visible_to_client"` // notes only
}

// APICaseMessageCreate is POST /api/v1/cases/:id/messages: a staff reply
// the client sees (tenant.AddMessage, as the UI's reply box without
// files), with the UI's live notice and email to the client's contacts.
func (h *Handlers) APICaseMessageCreate(c *fiber.Ctx, r *Request) error {
	var in struct {
		Body string `json:"body"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	id := c.Params("id")
	n, err := r.Tenant.AddMessage(c.UserContext(), v, caseActor(r), id, in.Body, false, nil)
	if err != nil {
		return err
	}
	h.publish(c, r, id, live.KindMessage, true, false)
	h.logFailed(c, "email the client's contacts", h.notifyContacts(c, r, id, "case-update", n.Body))
	return apiJSON(c, fiber.StatusCreated, apiMessageOf(n), false)
}

// APICaseNoteCreate is POST /api/v1/cases/:id/notes: a note, internal
// unless visible_to_client (tenant.AddNote, as the UI's note form; a
// visible note is emailed to the client's contacts as there).
func (h *Handlers) APICaseNoteCreate(c *fiber.Ctx, r *Request) error {
	var in apiMessageInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	id := c.Params("id")
	n, err := r.Tenant.AddNote(c.UserContext(), v, caseActor(r), id, in.Body, in.VisibleToClient)
	if err != nil {
		return err
	}
	if in.VisibleToClient {
		h.publish(c, r, id, live.KindMessage, true, false)
		h.logFailed(c, "email the client's contacts", h.notifyContacts(c, r, id, "case-update", n.Body))
	} else {
		h.publish(c, r, id, live.KindNote, false, false)
	}
	return apiJSON(c, fiber.StatusCreated, apiMessageOf(n), false)
}

// apiDocument is a document of a case as the API writes it.
type apiDocument struct {
	ID          string  `json:"id"`
	CaseID      string  `json:"case_id"`
	Name        string  `json:"name"`
	ContentType string  `json:"content_type"`
	Size        int64   `json:"size"`
	SHA256      string  `json:"sha256"`
	Shared      bool    `json:"shared"`
	FromClient  bool    `json:"from_client"`
	CreatedAt   *string `json:"created_at"`
}

func apiDocumentOf(d *tenant.Document) apiDocument {
	return apiDocument{ID: d.ID, CaseID: d.CaseID, Name: d.Name, ContentType: d.ContentType, Size: d.Size, SHA256: d.SHA256,
		Shared: d.Shared, FromClient: d.FromClient, CreatedAt: apiTime(d.CreatedAt)}
}

// APICaseDocuments is GET /api/v1/cases/:id/documents: the case's
// documents as staff see them (tenant.CaseDocuments), newest first.
func (h *Handlers) APICaseDocuments(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	id := c.Params("id")
	if _, err := r.Tenant.Case(c.UserContext(), v, id); err != nil {
		return err // a case of another agency, or one v may not see: 404, not an empty list
	}
	docs, err := r.Tenant.CaseDocuments(c.UserContext(), tenant.StaffDocumentAccess(v), id)
	if err != nil {
		return err
	}
	page := apiPage[apiDocument]{Data: []apiDocument{}}
	for _, d := range docs {
		page.Data = append(page.Data, apiDocumentOf(d))
	}
	return apiJSON(c, fiber.StatusOK, page, false)
}

// APICaseDocumentUpload is POST /api/v1/cases/:id/documents: the staff
// upload (storeUploads, so app.Uploads: streamed from the connection to
// disk, sniffed, within the file size and the agency's storage, all or
// nothing, on the case's timeline and queued for document.added), from a
// multipart/form-data body with one or more "file" parts and an optional
// "shared" field ("true" or "1": shared with the client, whose contacts
// are emailed as the UI's upload does). 201 with the documents.
func (h *Handlers) APICaseDocumentUpload(c *fiber.Ctx, r *Request) error {
	if mt, _, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType)); mt != fiber.MIMEMultipartForm {
		c.Context().SetConnectionClose()
		return fiber.NewError(fiber.StatusUnsupportedMediaType, "Send the files as multipart/form-data, each in a part named file.")
	}
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	caseID := c.Params("id")
	// The upload's leading fields are in PostArgs (see startUpload).
	shared := slices.Contains([]string{"1", "true"}, string(c.Request().PostArgs().Peek("shared")))
	docs, err := h.storeUploads(c, r, tenant.StaffDocumentAccess(v), caseActor(r), caseID, shared)
	if err != nil {
		return err
	}
	if shared {
		h.logFailed(c, "email the client's contacts", h.notifyContacts(c, r, caseID, "case-document", documentNames(docs)))
	}
	page := apiPage[apiDocument]{Data: []apiDocument{}}
	for _, d := range docs {
		page.Data = append(page.Data, apiDocumentOf(d))
	}
	c.Set(fiber.HeaderLocation, "/api/v1/cases/"+caseID+"/documents")
	return apiJSON(c, fiber.StatusCreated, page, false)
}

// APICaseDocument is GET /api/v1/cases/:id/documents/:doc: the file, as
// the UI's download sends it (attachment, sniff-proof headers, ranges).
func (h *Handlers) APICaseDocument(c *fiber.Ctx, r *Request) error {
	d, err := h.staffDocument(c, r)
	if err != nil {
		return err
	}
	return h.sendDocument(c, r.Tenant, d, false)
}
