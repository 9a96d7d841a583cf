package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// taskForm is the task form as typed.
type taskForm struct {
	Title       string
	Description string
	AssigneeID  string
	DueDate     string
	DueTime     string
	Priority    string
	Shared      bool
}

func readTaskForm(c *fiber.Ctx) taskForm {
	return taskForm{Title: c.FormValue("title"), Description: c.FormValue("description"), AssigneeID: formValue(c, "assignee_id"),
		DueDate: formValue(c, "due_date"), DueTime: formValue(c, "due_time"), Priority: formValue(c, "priority"), Shared: c.FormValue("shared") == "1"}
}

func (f taskForm) input() tenant.TaskInput {
	return tenant.TaskInput{Title: f.Title, Description: f.Description, AssigneeID: f.AssigneeID, DueDate: f.DueDate, DueTime: f.DueTime, Priority: f.Priority, Shared: f.Shared}
}

// taskView is a task of the case page with its display strings.
type taskView struct {
	*tenant.Task
	URL           string
	PriorityLabel string
	Due           string
	Overdue       bool
	Position      int // 1-based, for the move buttons' labels
	First, Last   bool
	LastItem      int // the index of the checklist's last item (its ↓ button is off)
}

func newTaskViews(lang, caseURL, today string, list []*tenant.Task) []taskView {
	out := make([]taskView, len(list))
	for i, k := range list {
		due := k.DueDate
		if k.DueTime != "" {
			due += " " + k.DueTime + " UTC"
		}
		out[i] = taskView{Task: k, URL: caseURL + "/tasks/" + k.ID, PriorityLabel: casePriorityText(lang, k.Priority), Due: due,
			Overdue: !k.Done() && k.DueDate != "" && k.DueDate < today, Position: i + 1, First: i == 0, Last: i == len(list)-1, LastItem: len(k.Items) - 1}
	}
	return out
}

// caseTasksView is the case page's tasks section, for
// views/partials/tasks/case.html: the tasks, the new task's form and the
// templates that can be applied.
type caseTasksView struct {
	Tasks         []taskView
	TasksURL      string
	TaskForm      taskForm
	TaskPeople    []option
	TaskPriority  []option
	TaskTemplates []option
	ItemErrors    map[string]string // a task's id → why its new checklist item was refused
	ItemTexts     map[string]string // a task's id → the refused item as typed
}

// caseTasksFragment is the tasks section alone, the answer to the htmx
// requests its forms make (tick, move, checklist), so the page stays where
// it is; without script the same forms post and come back to the page.
type caseTasksFragment struct {
	Page
	FormErrors
	caseTasksView
}

// taskList is the section's tasks as the store returned them.
func (v caseTasksView) taskList() []*tenant.Task {
	out := make([]*tenant.Task, len(v.Tasks))
	for i := range v.Tasks {
		out[i] = v.Tasks[i].Task
	}
	return out
}

// caseTasks is the tasks section of case k.
func (h *Handlers) caseTasks(c *fiber.Ctx, r *Request, v tenant.Viewer, k *tenant.Case, form taskForm) (caseTasksView, error) {
	ctx := c.UserContext()
	list, err := r.Tenant.CaseTasks(ctx, v, k.ID, false)
	if err != nil {
		return caseTasksView{}, err
	}
	people, err := r.Tenant.TaskAssignees(ctx, k.ClientID)
	if err != nil {
		return caseTasksView{}, err
	}
	templates, err := r.Tenant.TaskTemplates(ctx)
	if err != nil {
		return caseTasksView{}, err
	}
	caseURL := caseBase(r) + "/" + k.ID
	view := caseTasksView{Tasks: newTaskViews(r.Lang(), caseURL, h.caseToday(r), list), TasksURL: caseURL + "/tasks", TaskForm: form,
		TaskPeople: taskPeopleOptions(r.Lang(), people, form.AssigneeID), TaskPriority: taskPriorityOptions(r.Lang(), form.Priority)}
	for _, tt := range templates {
		view.TaskTemplates = append(view.TaskTemplates, option{Value: tt.ID, Label: tt.Name + " (" + i18n.T(r.Lang(), "tasks.n_tasks", tt.TaskCount) + ")"})
	}
	return view, nil
}

func taskPeopleOptions(lang string, people []tenant.TaskAssignee, selected string) []option {
	out := make([]option, len(people))
	for i, p := range people {
		label := p.Name
		if p.Contact {
			label += " " + i18n.T(lang, "tasks.client_shared_only")
		}
		out[i] = option{Value: p.ID, Label: label, Selected: p.ID == selected}
	}
	return out
}

func taskPriorityOptions(lang, selected string) []option {
	if selected == "" {
		selected = tenant.PriorityNormal
	}
	out := make([]option, len(tenant.CasePriorities))
	for i, p := range tenant.CasePriorities {
		out[i] = option{Value: p, Label: casePriorityText(lang, p), Selected: p == selected}
	}
	return out
}

// taskBack answers a change to the case's tasks: an htmx request from the
// tasks section gets the section again (the message as a toast); a plain
// post goes back to the case page's tasks (the message as a flash).
func (h *Handlers) taskBack(c *fiber.Ctx, r *Request, message string) error {
	if wantsFragment(c) {
		if message != "" {
			toast(c, "info", message)
		}
		return h.tasksFragment(c, r, nil)
	}
	if message != "" {
		h.flash(c, message)
	}
	return h.redirect(c, caseBase(r)+"/"+c.Params("id")+"#tasks")
}

// tasksFragment renders the case's tasks section alone, edit (if not nil)
// adding what the request has to say.
func (h *Handlers) tasksFragment(c *fiber.Ctx, r *Request, edit func(*caseTasksView)) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	k, err := r.Tenant.Case(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	view := &caseTasksFragment{}
	if view.caseTasksView, err = h.caseTasks(c, r, v, k, taskForm{}); err != nil {
		return err
	}
	if edit != nil {
		edit(&view.caseTasksView)
	}
	return h.fragment(c, "partials/tasks/case", view)
}

// movePosition is where a move form puts a row now at index from (0
// first): "dir" up or down (the buttons, by keyboard), or "to" its new
// 1-based position (a drop).
func movePosition(c *fiber.Ctx, from int) (int, error) {
	switch c.FormValue("dir") {
	case "up":
		return from - 1, nil
	case "down":
		return from + 1, nil
	}
	n, err := strconv.Atoi(c.FormValue("to"))
	if err != nil || n < 1 {
		return 0, invalidField("to", "Choose a position from 1.")
	}
	return n - 1, nil
}

// TaskCreate adds a task to a case; invalid input shows the case page
// again with the messages beside the task form.
func (h *Handlers) TaskCreate(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	form := readTaskForm(c)
	if _, err := r.Tenant.CreateTask(c.UserContext(), v, caseActor(r), c.Params("id"), form.input()); err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		view, viewErr := h.caseShowView(c, r, c.Params("id"), 0)
		if viewErr != nil {
			return viewErr
		}
		k, viewErr := r.Tenant.Case(c.UserContext(), v, c.Params("id"))
		if viewErr != nil {
			return viewErr
		}
		if view.caseTasksView, viewErr = h.caseTasks(c, r, v, k, form); viewErr != nil {
			return viewErr
		}
		return h.formPage(c, "pages/cases/show", "pages/cases/show", view, err)
	}
	h.publishTask(c, r, c.Params("id"), form.input().Shared)
	return h.taskBack(c, r, "Task added.")
}

// taskEditView is the task edit page.
type taskEditView struct {
	Page
	FormErrors
	CaseURL    string
	Number     string
	Action     string
	TaskForm   taskForm
	TaskPeople []option
	Priorities []option
}

func (h *Handlers) taskEditPage(c *fiber.Ctx, r *Request, form taskForm, formErr error) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	k, err := r.Tenant.Case(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	task, err := r.Tenant.Task(c.UserContext(), v, k.ID, c.Params("task"))
	if err != nil {
		return err
	}
	if formErr == nil {
		form = taskForm{Title: task.Title, Description: task.Description, AssigneeID: task.AssigneeID, DueDate: task.DueDate, DueTime: task.DueTime,
			Priority: task.Priority, Shared: task.Shared}
	}
	people, err := r.Tenant.TaskAssignees(c.UserContext(), k.ClientID)
	if err != nil {
		return err
	}
	caseURL := caseBase(r) + "/" + k.ID
	view := &taskEditView{Page: Page{Title: i18n.T(r.Lang(), "tasks.edit_task") + " · " + tenant.CaseNumber(k.Number)}, CaseURL: caseURL, Number: tenant.CaseNumber(k.Number),
		Action: caseURL + "/tasks/" + task.ID, TaskForm: form, TaskPeople: taskPeopleOptions(r.Lang(), people, form.AssigneeID), Priorities: taskPriorityOptions(r.Lang(), form.Priority)}
	return h.formPage(c, "pages/tasks/edit", "pages/tasks/edit", view, formErr)
}

// TaskEdit shows a task's edit form.
func (h *Handlers) TaskEdit(c *fiber.Ctx, r *Request) error {
	return h.taskEditPage(c, r, taskForm{}, nil)
}

// TaskUpdate saves a task's fields; the changes go on the case's history.
func (h *Handlers) TaskUpdate(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	form := readTaskForm(c)
	wasShared := h.taskShared(c, r, v, c.Params("id"), c.Params("task"))
	changed, err := r.Tenant.UpdateTask(c.UserContext(), v, caseActor(r), c.Params("id"), c.Params("task"), form.input())
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		return h.taskEditPage(c, r, form, err)
	}
	if !changed {
		return h.taskBack(c, r, "")
	}
	h.publishTask(c, r, c.Params("id"), wasShared || form.input().Shared)
	return h.taskBack(c, r, "Task saved.")
}

// TaskDone marks a task done (done=1) or open again.
func (h *Handlers) TaskDone(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	if err := r.Tenant.SetTaskDone(c.UserContext(), v, caseActor(r), c.Params("id"), c.Params("task"), c.FormValue("done") == "1"); err != nil {
		return err
	}
	h.publishTask(c, r, c.Params("id"), h.taskShared(c, r, v, c.Params("id"), c.Params("task")))
	return h.taskBack(c, r, "")
}

// TaskMove puts a task elsewhere in the list: "to" is its new 1-based
// position (drag and drop), or "dir" up or down (the keyboard's buttons).
func (h *Handlers) TaskMove(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	task, err := r.Tenant.Task(ctx, v, c.Params("id"), c.Params("task"))
	if err != nil {
		return err
	}
	list, err := r.Tenant.CaseTasks(ctx, v, task.CaseID, false)
	if err != nil {
		return err
	}
	from := 0
	for i, k := range list {
		if k.ID == task.ID {
			from = i
		}
	}
	to, err := movePosition(c, from)
	if err != nil {
		return err
	}
	if err := r.Tenant.MoveTask(ctx, v, caseActor(r), task.CaseID, task.ID, to); err != nil {
		return err
	}
	h.publishTask(c, r, task.CaseID, task.Shared)
	return h.taskBack(c, r, "")
}

// TaskDelete deletes a task; time recorded on it stays on the case.
func (h *Handlers) TaskDelete(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	wasShared := h.taskShared(c, r, v, c.Params("id"), c.Params("task"))
	if err := r.Tenant.DeleteTask(c.UserContext(), v, caseActor(r), c.Params("id"), c.Params("task")); err != nil {
		return err
	}
	h.publishTask(c, r, c.Params("id"), wasShared)
	return h.taskBack(c, r, "Task deleted.")
}

// TaskItemAdd adds a line to a task's checklist.
func (h *Handlers) TaskItemAdd(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	text := c.FormValue("text")
	if err := r.Tenant.AddTaskItem(c.UserContext(), v, caseActor(r), c.Params("id"), c.Params("task"), text); err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		// The section (or the case page) again, the message beside the task's field.
		task, msg := c.Params("task"), apperr.FieldsOf(err)["text"]
		if msg == "" {
			msg = apperr.MessageOf(err)
		}
		refused := func(t *caseTasksView) {
			t.ItemErrors, t.ItemTexts = map[string]string{task: msg}, map[string]string{task: text}
		}
		c.Status(statusOf[apperr.Invalid])
		if wantsFragment(c) {
			return h.tasksFragment(c, r, refused)
		}
		view, err := h.caseShowView(c, r, c.Params("id"), 0)
		if err != nil {
			return err
		}
		refused(&view.caseTasksView)
		return h.page(c, "pages/cases/show", view)
	}
	h.publishTask(c, r, c.Params("id"), h.taskShared(c, r, v, c.Params("id"), c.Params("task")))
	return h.taskBack(c, r, "")
}

// TaskItemMove puts a checklist item elsewhere in its checklist, as
// TaskMove does a task.
func (h *Handlers) TaskItemMove(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	task, err := r.Tenant.Task(c.UserContext(), v, c.Params("id"), c.Params("task"))
	if err != nil {
		return err
	}
	from := -1
	for i, it := range task.Items {
		if it.ID == c.Params("item") {
			from = i
		}
	}
	if from < 0 {
		return apperr.New(apperr.NotFound, "Checklist item not found.")
	}
	to, err := movePosition(c, from)
	if err != nil {
		return err
	}
	if err := r.Tenant.MoveTaskItem(c.UserContext(), v, caseActor(r), task.CaseID, task.ID, c.Params("item"), to); err != nil {
		return err
	}
	h.publishTask(c, r, task.CaseID, task.Shared)
	return h.taskBack(c, r, "")
}

// TaskItemSet ticks (done=1) or unticks a checklist item.
func (h *Handlers) TaskItemSet(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	if err := r.Tenant.SetTaskItemDone(c.UserContext(), v, caseActor(r), c.Params("id"), c.Params("task"), c.Params("item"), c.FormValue("done") == "1"); err != nil {
		return err
	}
	h.publishTask(c, r, c.Params("id"), h.taskShared(c, r, v, c.Params("id"), c.Params("task")))
	return h.taskBack(c, r, "")
}

// TaskItemDelete removes a checklist item.
func (h *Handlers) TaskItemDelete(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	if err := r.Tenant.DeleteTaskItem(c.UserContext(), v, caseActor(r), c.Params("id"), c.Params("task"), c.Params("item")); err != nil {
		return err
	}
	h.publishTask(c, r, c.Params("id"), h.taskShared(c, r, v, c.Params("id"), c.Params("task")))
	return h.taskBack(c, r, "")
}

// TaskTemplateApply appends a template's tasks to the case.
func (h *Handlers) TaskTemplateApply(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	n, err := r.Tenant.ApplyTaskTemplate(c.UserContext(), v, caseActor(r), c.Params("id"), formValue(c, "template_id"))
	if err != nil {
		return err
	}
	h.publishTask(c, r, c.Params("id"), h.templateShared(c, r, formValue(c, "template_id")))
	return h.taskBack(c, r, strconv.Itoa(n)+" tasks added from the template.")
}

// taskEventSummary is the case timeline's sentence for a task event.
func taskEventSummary(e tenant.Event) string {
	switch e.Field {
	case tenant.TaskAdded:
		return "added the task " + e.NewValue
	case tenant.TaskEdited:
		return "edited a task: " + e.NewValue
	case tenant.TaskCompleted:
		return "completed the task " + e.NewValue
	case tenant.TaskReopened:
		return "reopened the task " + e.NewValue
	case tenant.TaskMoved:
		return "moved " + e.NewValue
	case tenant.TaskDeleted:
		return "deleted the task " + e.NewValue
	case tenant.TaskItemAdded:
		return "added “" + e.NewValue + "” to the checklist of " + e.OldValue
	case tenant.TaskItemDone:
		return "ticked “" + e.NewValue + "” on " + e.OldValue
	case tenant.TaskItemUndone:
		return "unticked “" + e.NewValue + "” on " + e.OldValue
	case tenant.TaskItemMoved:
		return "moved “" + e.NewValue + "” in the checklist of " + e.OldValue
	case tenant.TaskItemRemoved:
		return "removed “" + e.NewValue + "” from the checklist of " + e.OldValue
	case tenant.TaskTemplateApplied:
		return "applied the task template " + e.NewValue
	}
	return "changed a task: " + e.NewValue
}

// portalTaskSentence is the portal's sentence for a task event the client sees.
func portalTaskSentence(e tenant.Event) string {
	switch e.Field {
	case tenant.TaskCompleted:
		return e.ActorName + " completed " + e.NewValue
	case tenant.TaskReopened:
		return e.ActorName + " reopened " + e.NewValue
	case tenant.TaskTemplateApplied:
		return e.ActorName + " planned the work"
	case tenant.TaskDeleted:
		return e.ActorName + " removed the task " + e.NewValue
	}
	return e.ActorName + " added the task " + e.NewValue
}
