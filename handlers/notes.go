package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db"
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
func mayEditNote(u *db.User, n *db.Note) bool {
	return n.AuthorID == u.ID || db.RoleRank(u.Role) >= db.RoleRank(db.RoleAdmin)
}

// NoteCreate adds a note to a case: internal, or shown to the client when
// the box is ticked. Invalid input shows the case page again with the
// message beside the note.
func (h *Handlers) NoteCreate(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	id, form := c.Params("id"), readNoteForm(c)
	n, err := tenantOf(c).AddNote(c.UserContext(), v, caseActor(c), id, form.Body, form.Visible)
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		data, dataErr := h.caseShowData(c, id, 0)
		if dataErr != nil {
			return dataErr
		}
		data["NoteForm"] = form
		return h.formPage(c, "pages/cases/show", "partials/cases/note-form", data, err)
	}
	if form.Visible {
		h.logFailed(c, "email the client's contacts", h.notifyContacts(c, id, "case-update", n.Body))
		h.flash(c, "Note added and shown to the client.")
	} else {
		h.flash(c, "Internal note added.")
	}
	return h.redirect(c, caseBase(c)+"/"+id)
}

// editableNote loads the case and note in the URL and checks that the
// signed-in person may edit the note.
func (h *Handlers) editableNote(c *fiber.Ctx) (db.Viewer, *db.Case, *db.Note, error) {
	v, err := h.viewer(c)
	if err != nil {
		return v, nil, nil, err
	}
	t := tenantOf(c)
	k, err := t.Case(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return v, nil, nil, err
	}
	n, err := t.Note(c.UserContext(), v, k.ID, c.Params("note"))
	if err != nil {
		return v, nil, nil, err
	}
	if !mayEditNote(userOf(c), n) {
		return v, nil, nil, apperr.New(apperr.Forbidden, "Only the note's author or an admin can edit it.")
	}
	return v, k, n, nil
}

func noteEditData(c *fiber.Ctx, k *db.Case, n *db.Note, form noteForm) fiber.Map {
	page := caseBase(c) + "/" + k.ID
	return fiber.Map{"Title": "Edit note on " + db.CaseNumber(k.Number), "Number": db.CaseNumber(k.Number), "CaseTitle": k.Title,
		"CaseURL": page, "Action": page + "/notes/" + n.ID, "Note": n, "NoteForm": form, "BodyMax": db.NoteBodyMax}
}

// NoteEdit shows a note's edit form: a page, or for htmx the form alone to
// put in place of the note.
func (h *Handlers) NoteEdit(c *fiber.Ctx) error {
	_, k, n, err := h.editableNote(c)
	if err != nil {
		return err
	}
	return h.formPage(c, "pages/cases/note-edit", "partials/cases/note-edit", noteEditData(c, k, n, noteForm{Body: n.Body, Visible: n.VisibleToClient}), nil)
}

// NoteUpdate saves a note's new text and visibility; the earlier text
// stays on the case's timeline.
func (h *Handlers) NoteUpdate(c *fiber.Ctx) error {
	v, k, n, err := h.editableNote(c)
	if err != nil {
		return err
	}
	form := readNoteForm(c)
	changed, err := tenantOf(c).EditNote(c.UserContext(), v, caseActor(c), k.ID, n.ID, form.Body, form.Visible)
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		return h.formPage(c, "pages/cases/note-edit", "partials/cases/note-edit", noteEditData(c, k, n, form), err)
	}
	if changed {
		h.flash(c, "Note saved; the earlier version stays in the history.")
	}
	return h.redirect(c, caseBase(c)+"/"+k.ID)
}
