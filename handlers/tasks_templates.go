package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// taskTemplatesView is Settings → Task templates: the list, and the form
// of a new template or of the one being edited.
type taskTemplatesView struct {
	Page
	FormErrors
	Templates []tenant.TaskTemplateRow
	Base      string
	Action    string
	Editing   bool
	Form      tenant.TaskTemplateInput
}

func taskTemplatesBase(r *Request) string { return "/a/" + r.Agency.Slug + "/settings/tasks" }

func (h *Handlers) taskTemplatesPage(c *fiber.Ctx, r *Request, action string, editing bool, form tenant.TaskTemplateInput, formErr error) error {
	list, err := r.Tenant.TaskTemplates(c.UserContext())
	if err != nil {
		return err
	}
	view := &taskTemplatesView{Page: Page{Title: "set.tasks.title"}, Templates: list, Base: taskTemplatesBase(r), Action: action, Editing: editing, Form: form}
	return h.formPage(c, "pages/tasks/templates", "pages/tasks/templates", view, formErr)
}

// TaskTemplates lists the agency's task templates with a form for a new one.
func (h *Handlers) TaskTemplates(c *fiber.Ctx, r *Request) error {
	return h.taskTemplatesPage(c, r, taskTemplatesBase(r), false, tenant.TaskTemplateInput{}, nil)
}

// TaskTemplateEdit shows one template in the form.
func (h *Handlers) TaskTemplateEdit(c *fiber.Ctx, r *Request) error {
	tt, err := r.Tenant.TaskTemplate(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	form := tenant.TaskTemplateInput{Name: tt.Name, CaseLabel: tt.CaseLabel, Tasks: tenant.FormatTemplateTasks(tt.Tasks)}
	return h.taskTemplatesPage(c, r, taskTemplatesBase(r)+"/"+tt.ID, true, form, nil)
}

func readTaskTemplateForm(c *fiber.Ctx) tenant.TaskTemplateInput {
	return tenant.TaskTemplateInput{Name: c.FormValue("name"), CaseLabel: c.FormValue("case_label"), Tasks: c.FormValue("tasks")}
}

// TaskTemplateCreate saves a new template.
func (h *Handlers) TaskTemplateCreate(c *fiber.Ctx, r *Request) error {
	form := readTaskTemplateForm(c)
	if _, err := r.Tenant.SaveTaskTemplate(c.UserContext(), "", form); err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		return h.taskTemplatesPage(c, r, taskTemplatesBase(r), false, form, err)
	}
	h.flash(c, "Template saved.")
	return h.redirect(c, taskTemplatesBase(r))
}

// TaskTemplateUpdate replaces a template; tasks it made stay as they are.
func (h *Handlers) TaskTemplateUpdate(c *fiber.Ctx, r *Request) error {
	form := readTaskTemplateForm(c)
	id := c.Params("id")
	if _, err := r.Tenant.TaskTemplate(c.UserContext(), id); err != nil {
		return err
	}
	if _, err := r.Tenant.SaveTaskTemplate(c.UserContext(), id, form); err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		return h.taskTemplatesPage(c, r, taskTemplatesBase(r)+"/"+id, true, form, err)
	}
	h.flash(c, "Template saved.")
	return h.redirect(c, taskTemplatesBase(r))
}

// TaskTemplateDelete deletes a template.
func (h *Handlers) TaskTemplateDelete(c *fiber.Ctx, r *Request) error {
	if err := r.Tenant.DeleteTaskTemplate(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	h.flash(c, "Template deleted.")
	return h.redirect(c, taskTemplatesBase(r))
}

// taskTemplateOptions are the templates to choose from on the new-case
// form, selected the one chosen.
func taskTemplateOptions(c *fiber.Ctx, r *Request, selected string) ([]option, error) {
	list, err := r.Tenant.TaskTemplates(c.UserContext())
	if err != nil {
		return nil, err
	}
	out := make([]option, len(list))
	for i, tt := range list {
		out[i] = option{Value: tt.ID, Label: tt.Name + " (" + i18n.T(r.Lang(), "tasks.n_tasks", tt.TaskCount) + ")", Selected: tt.ID == selected}
	}
	return out, nil
}
