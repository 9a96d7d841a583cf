package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/live"
)

// noteForm is the note form as typed.
type noteForm struct {
	Body    string
	Visible bool
}

func readNoteForm(c *fiber.Ctx) noteForm {
	return noteForm{Body: c.FormValue("body"), Visible: c.FormValue("visible_to_client") == "1"}
}

// mayEditNote reports whether u may change n: its author, or an admin or owner.
func mayEditNote(u *tenant.User, n *tenant.Note) bool {
	return n.AuthorID == u.ID || tenant.RoleRank(u.Role) >= tenant.RoleRank(tenant.RoleAdmin)
}

// NoteCreate adds a note to a case: internal, or shown to the client when
// the box is ticked. Invalid input shows the case page again with the
// message beside the note.
func (h *Handlers) NoteCreate(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	id, form := c.Params("id"), readNoteForm(c)
	n, err := r.Tenant.AddNote(c.UserContext(), v, caseActor(r), id, form.Body, form.Visible)
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		view, viewErr := h.caseShowView(c, r, id, 0)
		if viewErr != nil {
			return viewErr
		}
		view.NoteForm = form
		return h.formPage(c, "pages/cases/show", "partials/cases/note-form", view, err)
	}
	if form.Visible {
		h.publish(c, r, id, live.KindMessage, true, false)
		h.logFailed(c, "email the client's contacts", h.notifyContacts(c, r, id, "case-update", n.Body))
		h.flash(c, "Note added and shown to the client.")
	} else {
		h.publish(c, r, id, live.KindNote, false, false)
		h.flash(c, "Internal note added.")
	}
	return h.redirect(c, caseBase(r)+"/"+id)
}

// editableNote loads the case and note in the URL and checks that the
// signed-in person may edit the note.
func (h *Handlers) editableNote(c *fiber.Ctx, r *Request) (tenant.Viewer, *tenant.Case, *tenant.Note, error) {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return v, nil, nil, err
	}
	t := r.Tenant
	k, err := t.Case(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return v, nil, nil, err
	}
	n, err := t.Note(c.UserContext(), v, k.ID, c.Params("note"))
	if err != nil {
		return v, nil, nil, err
	}
	if n.VisibleToClient || n.FromClient || n.Hidden() { // a message: a record (messages.go)
		if why := tenant.MessageEditRule(n, r.User.ID, h.Clock.Now()); why != "" {
			return v, nil, nil, apperr.New(apperr.Forbidden, "%s", why)
		}
	} else if !mayEditNote(r.User, n) {
		return v, nil, nil, apperr.New(apperr.Forbidden, "Only the note's author or an admin can edit it.")
	}
	return v, k, n, nil
}

// noteEditView is the note edit page and its form partial.
type noteEditView struct {
	Page
	FormErrors
	Number    string
	CaseTitle string
	CaseURL   string
	Action    string
	Note      *tenant.Note
	NoteForm  noteForm
}

func newNoteEditView(r *Request, k *tenant.Case, n *tenant.Note, form noteForm) *noteEditView {
	page := caseBase(r) + "/" + k.ID
	return &noteEditView{Page: Page{Title: "Edit note on " + tenant.CaseNumber(k.Number)}, Number: tenant.CaseNumber(k.Number), CaseTitle: k.Title,
		CaseURL: page, Action: page + "/notes/" + n.ID, Note: n, NoteForm: form}
}

// NoteEdit shows a note's edit form: a page, or for htmx the form alone to
// put in place of the note.
func (h *Handlers) NoteEdit(c *fiber.Ctx, r *Request) error {
	_, k, n, err := h.editableNote(c, r)
	if err != nil {
		return err
	}
	return h.formPage(c, "pages/cases/note-edit", "partials/cases/note-edit", newNoteEditView(r, k, n, noteForm{Body: n.Body, Visible: n.VisibleToClient}), nil)
}

// NoteUpdate saves a note's new text and visibility; the earlier text
// stays on the case's timeline.
func (h *Handlers) NoteUpdate(c *fiber.Ctx, r *Request) error {
	v, k, n, err := h.editableNote(c, r)
	if err != nil {
		return err
	}
	form := readNoteForm(c)
	changed, err := r.Tenant.EditNote(c.UserContext(), v, caseActor(r), k.ID, n.ID, form.Body, form.Visible)
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		return h.formPage(c, "pages/cases/note-edit", "partials/cases/note-edit", newNoteEditView(r, k, n, form), err)
	}
	if changed {
		h.flash(c, "Note saved; the earlier version stays in the history.")
		h.publish(c, r, k.ID, live.KindNote, form.Visible || n.VisibleToClient, false) // shown, hidden or edited: the client's page changes if they saw it before or after
	}
	return h.redirect(c, caseBase(r)+"/"+k.ID)
}
