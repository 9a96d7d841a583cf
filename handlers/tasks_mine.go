package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/db/tenant"
)

// myTaskView is one of the person's open tasks, with its case.
type myTaskView struct {
	tenant.MyTask
	Number  string
	CaseURL string
	Due     string
}

// myTasksView is the "My tasks" page: the person's open tasks across the
// cases they may see, overdue, due today, upcoming and undated.
type myTasksView struct {
	Page
	Today    string
	Overdue  []myTaskView
	DueToday []myTaskView
	Upcoming []myTaskView
	Undated  []myTaskView
}

// MyTasks is the signed-in person's open tasks across cases.
func (h *Handlers) MyTasks(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	list, err := r.Tenant.MyTasks(c.UserContext(), v, r.User.ID, "", 500)
	if err != nil {
		return err
	}
	today := h.caseToday()
	view := &myTasksView{Page: Page{Title: "My tasks"}, Today: today}
	for _, m := range list {
		due := m.DueDate
		if m.DueTime != "" {
			due += " " + m.DueTime + " UTC"
		}
		it := myTaskView{MyTask: m, Number: tenant.CaseNumber(m.CaseNumber), CaseURL: caseBase(r) + "/" + m.CaseID + "#task-" + m.ID, Due: due}
		switch {
		case m.DueDate == "":
			view.Undated = append(view.Undated, it)
		case m.DueDate < today:
			view.Overdue = append(view.Overdue, it)
		case m.DueDate == today:
			view.DueToday = append(view.DueToday, it)
		default:
			view.Upcoming = append(view.Upcoming, it)
		}
	}
	return h.page(c, "pages/tasks/mine", view)
}
