package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/db/tenant"
)

// portalTaskView is a shared task as the client sees it; Mine when it is
// assigned to the signed-in contact, who may tick it.
type portalTaskView struct {
	Title    string
	Due      string
	Done     bool
	Assignee string
	Mine     bool
	URL      string
	Items    []tenant.TaskItem
}

// portalTasksView is the portal case page's shared tasks.
type portalTasksView struct {
	SharedTasks []portalTaskView
}

// portalTasks lists the tasks of case caseID shared with the client.
func (h *Handlers) portalTasks(c *fiber.Ctx, r *Request, v tenant.Viewer, caseID string) (portalTasksView, error) {
	list, err := r.Tenant.CaseTasks(c.UserContext(), v, caseID, true)
	if err != nil {
		return portalTasksView{}, err
	}
	out := portalTasksView{SharedTasks: make([]portalTaskView, len(list))}
	for i, k := range list {
		due := k.DueDate
		if k.DueTime != "" {
			due += " " + k.DueTime + " UTC"
		}
		out.SharedTasks[i] = portalTaskView{Title: k.Title, Due: due, Done: k.Done(), Assignee: k.AssigneeName, Mine: k.AssigneeID == r.User.ID,
			URL: portalBase(r) + "/cases/" + caseID + "/tasks/" + k.ID, Items: k.Items}
	}
	return out, nil
}

// PortalTaskDone is a client contact ticking (done=1) or unticking a task
// shared with their client and assigned to them; any other task is a 404.
func (h *Handlers) PortalTaskDone(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	done := c.FormValue("done") == "1"
	if err := r.Tenant.ClientSetTaskDone(c.UserContext(), v, caseActor(r), c.Params("id"), c.Params("task"), done); err != nil {
		return err
	}
	h.publishTask(c, r, c.Params("id"), true) // only a shared task can be ticked here
	if done {
		h.flash(c, "Marked done. Thank you!")
	}
	return h.redirect(c, portalBase(r)+"/cases/"+c.Params("id")+"#tasks")
}
