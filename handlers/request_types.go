package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// requestTypeBlankRows is how many empty field rows the request type form
// offers below the fields a type has.
const requestTypeBlankRows = 3

// requestTypesView is Settings › Request types: the types and the form of
// one (a new one, or the one being edited).
type requestTypesView struct {
	Page
	FormErrors
	Base    string
	Types   []requestTypeRow
	Form    requestTypeForm
	Action  string
	Editing bool
}

// requestTypeRow is a request type in the list.
type requestTypeRow struct {
	Name, URL, ArchiveURL, MoveURL, Assignee string
	Fields                                   int
	First, Last                              bool // no move up, no move down
}

// requestTypeForm is the request type form as shown or typed.
type requestTypeForm struct {
	Name      string
	Assignees []option
	Rows      []requestFieldRow
}

// requestFieldRow is one row of the form's fields.
type requestFieldRow struct {
	Index    int
	Label    string
	Kinds    []option
	Required bool
	Choices  string
}

func requestTypesBase(r *Request) string { return "/a/" + r.Agency.Slug + "/settings/requests" }

func kindOptions(lang, selected string) []option {
	out := make([]option, len(tenant.RequestFieldKinds))
	for i, k := range tenant.RequestFieldKinds {
		out[i] = option{Value: k.Key, Label: i18n.T(lang, "set.req.kind."+k.Key), Selected: k.Key == selected}
	}
	return out
}

// requestTypesPage builds the page with form in (typed, or from a type).
func (h *Handlers) requestTypesPage(c *fiber.Ctx, r *Request, in tenant.RequestTypeInput, action string, editing bool) (*requestTypesView, error) {
	ctx := c.UserContext()
	types, err := r.Tenant.RequestTypes(ctx, false)
	if err != nil {
		return nil, err
	}
	staff, err := r.Tenant.CaseStaff(ctx)
	if err != nil {
		return nil, err
	}
	base := requestTypesBase(r)
	view := &requestTypesView{Page: Page{Title: "set.req.title"}, Base: base, Action: action, Editing: editing,
		Form: requestTypeForm{Name: in.Name, Assignees: caseAssigneeOptions(staff, in.DefaultAssigneeID)}}
	for i, rt := range types {
		view.Types = append(view.Types, requestTypeRow{Name: rt.Name, URL: base + "/" + rt.ID, ArchiveURL: base + "/" + rt.ID + "/archive",
			MoveURL: base + "/" + rt.ID + "/move", Assignee: rt.DefaultAssigneeName, Fields: len(rt.Fields), First: i == 0, Last: i == len(types)-1})
	}
	rows := in.Fields
	for len(rows) < len(in.Fields)+requestTypeBlankRows && len(rows) < tenant.RequestTypeFieldsMax {
		rows = append(rows, tenant.RequestFieldInput{Kind: tenant.RequestFieldText})
	}
	for i, f := range rows {
		view.Form.Rows = append(view.Form.Rows, requestFieldRow{Index: i, Label: f.Label, Kinds: kindOptions(r.Lang(), f.Kind), Required: f.Required, Choices: f.Choices})
	}
	return view, nil
}

// readRequestTypeForm reads the request type form.
func readRequestTypeForm(c *fiber.Ctx) tenant.RequestTypeInput {
	in := tenant.RequestTypeInput{Name: c.FormValue("name"), DefaultAssigneeID: c.FormValue("default_assignee_id")}
	for i := 0; i < tenant.RequestTypeFieldsMax+requestTypeBlankRows; i++ {
		p := "field_" + strconv.Itoa(i) + "_"
		label, kind := c.FormValue(p+"label"), c.FormValue(p+"kind")
		if label == "" && kind == "" {
			continue
		}
		in.Fields = append(in.Fields, tenant.RequestFieldInput{Label: label, Kind: kind, Required: c.FormValue(p+"required") == "1", Choices: c.FormValue(p + "choices")})
	}
	return in
}

func inputOf(rt *tenant.RequestType) tenant.RequestTypeInput {
	in := tenant.RequestTypeInput{Name: rt.Name, DefaultAssigneeID: rt.DefaultAssigneeID}
	for _, f := range rt.Fields {
		in.Fields = append(in.Fields, tenant.RequestFieldInput{Label: f.Label, Kind: f.Kind, Required: f.Required, Choices: strings.Join(f.Choices, "\n")})
	}
	return in
}

// RequestTypes is Settings › Request types with the form for a new one.
func (h *Handlers) RequestTypes(c *fiber.Ctx, r *Request) error {
	view, err := h.requestTypesPage(c, r, tenant.RequestTypeInput{}, requestTypesBase(r), false)
	if err != nil {
		return err
	}
	return h.formPage(c, "pages/settings/requests", "pages/settings/requests", view, nil)
}

// RequestTypeEdit shows the form of one request type.
func (h *Handlers) RequestTypeEdit(c *fiber.Ctx, r *Request) error {
	rt, err := r.Tenant.RequestType(c.UserContext(), c.Params("id"))
	if err != nil || rt.Archived {
		return notFoundOr(err, "Request type")
	}
	view, err := h.requestTypesPage(c, r, inputOf(rt), requestTypesBase(r)+"/"+rt.ID, true)
	if err != nil {
		return err
	}
	view.Title = i18n.T(r.Lang(), "set.req.edit_title", "Name", rt.Name)
	return h.formPage(c, "pages/settings/requests", "pages/settings/requests", view, nil)
}

// RequestTypeCreate adds a request type.
func (h *Handlers) RequestTypeCreate(c *fiber.Ctx, r *Request) error {
	return h.saveRequestType(c, r, "")
}

// RequestTypeUpdate saves a request type's name, default assignee and fields.
func (h *Handlers) RequestTypeUpdate(c *fiber.Ctx, r *Request) error {
	rt, err := r.Tenant.RequestType(c.UserContext(), c.Params("id"))
	if err != nil || rt.Archived {
		return notFoundOr(err, "Request type")
	}
	return h.saveRequestType(c, r, rt.ID)
}

func (h *Handlers) saveRequestType(c *fiber.Ctx, r *Request, id string) error {
	in := readRequestTypeForm(c)
	action := "request_type.created"
	if id != "" {
		action = "request_type.changed"
	}
	if _, err := r.Tenant.SaveRequestType(c.UserContext(), id, in, auditFor(c, action, "")); err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		url := requestTypesBase(r)
		if id != "" {
			url += "/" + id
		}
		view, viewErr := h.requestTypesPage(c, r, in, url, id != "")
		if viewErr != nil {
			return viewErr
		}
		return h.formPage(c, "pages/settings/requests", "pages/settings/requests", view, err)
	}
	h.flash(c, "Request type saved: clients can choose it under New request in the portal.")
	return h.redirect(c, requestTypesBase(r))
}

// RequestTypeArchive takes a request type out of the portal.
func (h *Handlers) RequestTypeArchive(c *fiber.Ctx, r *Request) error {
	if err := r.Tenant.ArchiveRequestType(c.UserContext(), c.Params("id"), auditFor(c, "request_type.archived", "")); err != nil {
		return err
	}
	h.flash(c, "Request type archived: requests already sent keep it.")
	return h.redirect(c, requestTypesBase(r))
}

// RequestTypeMove puts a request type elsewhere in the portal's list:
// "dir" up or down (the buttons), or "to" its new 1-based position.
func (h *Handlers) RequestTypeMove(c *fiber.Ctx, r *Request) error {
	types, err := r.Tenant.RequestTypes(c.UserContext(), false)
	if err != nil {
		return err
	}
	from := -1
	for i, rt := range types {
		if rt.ID == c.Params("id") {
			from = i
		}
	}
	if from < 0 {
		return apperr.New(apperr.NotFound, "Request type not found.")
	}
	to, err := movePosition(c, from)
	if err != nil {
		view, viewErr := h.requestTypesPage(c, r, tenant.RequestTypeInput{}, requestTypesBase(r), false)
		if viewErr != nil {
			return viewErr
		}
		return h.formPage(c, "pages/settings/requests", "pages/settings/requests", view,
			apperr.New(apperr.Invalid, "Moving “%s”: choose a position from 1, or up or down.", types[from].Name))
	}
	if err := r.Tenant.MoveRequestType(c.UserContext(), types[from].ID, to, auditFor(c, "request_type.moved", "")); err != nil {
		return err
	}
	return h.redirect(c, requestTypesBase(r))
}

// notFoundOr is err, or a not-found error of what when err is nil (the
// row exists but is not to be shown).
func notFoundOr(err error, what string) error {
	if err != nil {
		return err
	}
	return apperr.New(apperr.NotFound, "%s not found.", what)
}
