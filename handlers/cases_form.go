package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
	"mintedmind/live"
)

// caseClientChoices bounds the client menu of the case form; typing in
// "Find a client" narrows it.
const caseClientChoices = 200

// caseForm is the case form as typed, kept to show it again with its messages.
type caseForm struct {
	ClientID    string
	ClientQuery string
	Title       string
	Description string
	Priority    string
	AssigneeID  string
	DueDate     string
	Labels      string
	// Version is the case's Version when the edit form was drawn, posted
	// back so a case changed since is not saved over ("" on the new form
	// and from the quick controls, which change one field).
	Version string
}

// caseFormFields are the form's fields; an edit changes those present.
var caseFormFields = []string{"client_id", "title", "description", "priority", "assignee_id", "due_date", "labels"}

// readCaseForm reads the form's fields with get (form or query values).
func readCaseForm(get func(string) string) caseForm {
	return caseForm{
		ClientID: strings.TrimSpace(get("client_id")), ClientQuery: strings.TrimSpace(get("client_q")),
		Title: get("title"), Description: get("description"), Priority: strings.TrimSpace(get("priority")),
		AssigneeID: strings.TrimSpace(get("assignee_id")), DueDate: strings.TrimSpace(get("due_date")), Labels: get("labels"),
		Version: strings.TrimSpace(get("version")),
	}
}

func caseFormOf(k *tenant.Case) caseForm {
	return caseForm{ClientID: k.ClientID, Title: k.Title, Description: k.Description, Priority: k.Priority,
		AssigneeID: k.AssigneeID, DueDate: k.DueDate, Labels: strings.Join(k.Labels, ", "), Version: strconv.FormatInt(k.Version, 10)}
}

// change is the edit the posted form asks for: only the fields it holds.
func (f caseForm) change(has func(string) bool) tenant.CaseChange {
	var ch tenant.CaseChange
	pick := func(name string, v string) *string {
		if !has(name) {
			return nil
		}
		return &v
	}
	ch.ClientID, ch.Title, ch.Description = pick("client_id", f.ClientID), pick("title", f.Title), pick("description", f.Description)
	ch.Priority, ch.AssigneeID, ch.DueDate = pick("priority", f.Priority), pick("assignee_id", f.AssigneeID), pick("due_date", f.DueDate)
	if has("labels") {
		labels := tenant.SplitLabels(f.Labels)
		ch.Labels = &labels
	}
	return ch
}

// postedHas reports whether the posted form holds a field.
func postedHas(c *fiber.Ctx) func(string) bool {
	args := c.Request().PostArgs()
	return func(name string) bool { return args.Has(name) }
}

// caseFormView is the new and edit case pages and their form partial.
type caseFormView struct {
	Page
	FormErrors
	Form          caseForm
	Case          *tenant.Case // nil on the new page
	Number        string       // the case's number, on the edit page
	Action        string
	FindAction    string // where the client search asks for a narrowed menu
	Cancel        string
	Clients       []option
	ClientsCapped bool
	Priorities    []option
	People        []option
	TaskTemplates []option // the new page: task templates to apply (tasks_templates.go)

	LabelsMax, LabelMax, TitleMax, DescriptionMax int
}

// caseFormView is what the new and edit pages need around the form.
func (h *Handlers) caseFormView(c *fiber.Ctx, r *Request, v tenant.Viewer, form caseForm, k *tenant.Case) (*caseFormView, error) {
	ctx := c.UserContext()
	clients, err := r.Tenant.CaseClientChoices(ctx, v, form.ClientQuery, caseClientChoices)
	if err != nil {
		return nil, err
	}
	options := make([]option, 0, len(clients)+1)
	found := form.ClientID == ""
	for _, cl := range clients {
		options = append(options, option{cl.ID, cl.Name, cl.ID == form.ClientID})
		found = found || cl.ID == form.ClientID
	}
	if !found {
		if ref, err := r.Tenant.CaseClient(ctx, v, form.ClientID); err == nil {
			options = append([]option{{ref.ID, ref.Name, true}}, options...)
		}
	}
	people, err := r.Tenant.CaseStaff(ctx)
	if err != nil {
		return nil, err
	}
	base := caseBase(r)
	view := &caseFormView{
		Form: form, Clients: options, ClientsCapped: len(clients) == caseClientChoices,
		Priorities: casePriorityOptions(r.Lang(), form.Priority), People: caseAssigneeOptions(people, form.AssigneeID),
		LabelsMax: tenant.CaseLabelsMax, LabelMax: tenant.CaseLabelMax, TitleMax: tenant.CaseTitleMax, DescriptionMax: tenant.CaseDescriptionMax,
		Page: Page{Title: "cases.new_case"}, Action: base, FindAction: base + "/new", Cancel: base,
	}
	if k != nil {
		page := base + "/" + k.ID
		view.Number = tenant.CaseNumber(k.Number)
		view.Title, view.Action, view.FindAction, view.Cancel = i18n.T(r.Lang(), "cases.edit_n", "Number", view.Number), page, page+"/edit", page
		view.Case = k
	} else if view.TaskTemplates, err = taskTemplateOptions(c, r, c.FormValue("task_template")); err != nil {
		return nil, err
	}
	return view, nil
}

// CaseNew shows the form that opens a case. Its query can preset the
// fields (a client page links here with client=ID); with client_q it
// narrows the client menu, which the form's client search asks for.
func (h *Handlers) CaseNew(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	form := readCaseForm(func(k string) string { return c.Query(k) })
	if form.ClientID == "" {
		form.ClientID = strings.TrimSpace(c.Query("client")) // as the case list's filter and the client page name it
	}
	if form.Priority == "" {
		form.Priority = tenant.PriorityNormal
	}
	view, err := h.caseFormView(c, r, v, form, nil)
	if err != nil {
		return err
	}
	return h.formPage(c, "pages/cases/new", "partials/cases/form", view, nil)
}

// CaseCreate opens a case and goes to its page; invalid input shows the
// form again with a message beside each field, and uses no case number.
func (h *Handlers) CaseCreate(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	form := readCaseForm(func(k string) string { return c.FormValue(k) })
	in := tenant.CaseInput{ClientID: form.ClientID, Title: form.Title, Description: form.Description, Priority: form.Priority,
		AssigneeID: form.AssigneeID, DueDate: form.DueDate, Labels: tenant.SplitLabels(form.Labels), TaskTemplateID: formValue(c, "task_template")}
	k, err := r.Tenant.CreateCase(c.UserContext(), v, caseActor(r), in)
	if err != nil {
		view, dataErr := h.caseFormView(c, r, v, form, nil)
		if dataErr != nil {
			return dataErr
		}
		return h.formPage(c, "pages/cases/new", "partials/cases/form", view, err)
	}
	if in.TaskTemplateID != "" {
		tasks, err := r.Tenant.CaseTasks(c.UserContext(), v, k.ID, false)
		if err != nil {
			return err
		}
		h.flash(c, "Case "+tenant.CaseNumber(k.Number)+" opened with "+strconv.Itoa(len(tasks))+" tasks from the template.")
		return h.redirect(c, caseBase(r)+"/"+k.ID)
	}
	h.flash(c, "Case "+tenant.CaseNumber(k.Number)+" opened.")
	return h.redirect(c, caseBase(r)+"/"+k.ID)
}

// CaseEdit shows the edit form: a page, or for htmx the form alone to put
// in place of the case's details.
func (h *Handlers) CaseEdit(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	k, err := r.Tenant.Case(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	form := caseFormOf(k)
	// The client search (htmx) asks for the menu narrowed to a name.
	form.ClientQuery = strings.TrimSpace(c.Query("client_q"))
	if id := strings.TrimSpace(c.Query("client_id")); id != "" {
		form.ClientID = id
	}
	view, err := h.caseFormView(c, r, v, form, k)
	if err != nil {
		return err
	}
	return h.formPage(c, "pages/cases/edit", "partials/cases/form", view, nil)
}

// CaseUpdate saves the fields the form holds (the whole edit form, or one
// quick control such as the assignee) and records each change on the
// case's timeline. The edit form carries the case's version: saved after
// someone else changed the case, it is 409 with the form as typed, now
// carrying the current version, and the case as the other person left it.
func (h *Handlers) CaseUpdate(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	t, id := r.Tenant, c.Params("id")
	has := postedHas(c)
	form := readCaseForm(func(k string) string { return c.FormValue(k) })
	ch := form.change(has)
	if has("status") {
		status := formValue(c, "status")
		ch.Status = &status
	}
	version, _ := strconv.ParseInt(form.Version, 10, 64) // none (0): a quick control, or an older page
	changed, err := t.UpdateCase(c.UserContext(), v, caseActor(r), id, version, ch)
	if err != nil {
		code := apperr.CodeOf(err)
		if code != apperr.Invalid && (code != apperr.Conflict || version == 0) {
			return err
		}
		k, loadErr := t.Case(c.UserContext(), v, id)
		if loadErr != nil {
			return loadErr
		}
		shown := caseFormOf(k) // the current version: saving the kept form again is a choice made knowingly
		for _, name := range caseFormFields {
			if has(name) {
				shown = mergeCaseField(shown, form, name)
			}
		}
		if code == apperr.Conflict {
			err = apperr.New(apperr.Conflict, "%s", i18n.T(r.Lang(), "cases.changed_since"))
		}
		view, dataErr := h.caseFormView(c, r, v, shown, k)
		if dataErr != nil {
			return dataErr
		}
		return h.formPage(c, "pages/cases/edit", "partials/cases/form", view, err)
	}
	if changed {
		h.flash(c, "Saved.")
		h.publish(c, r, id, live.KindStatus, true, ch.AssigneeID != nil)
	}
	return h.redirect(c, caseReturn(c, r, caseBase(r)+"/"+id))
}

// mergeCaseField copies one posted field over the stored ones.
func mergeCaseField(stored, posted caseForm, name string) caseForm {
	switch name {
	case "client_id":
		stored.ClientID = posted.ClientID
	case "title":
		stored.Title = posted.Title
	case "description":
		stored.Description = posted.Description
	case "priority":
		stored.Priority = posted.Priority
	case "assignee_id":
		stored.AssigneeID = posted.AssigneeID
	case "due_date":
		stored.DueDate = posted.DueDate
	case "labels":
		stored.Labels = posted.Labels
	}
	return stored
}
