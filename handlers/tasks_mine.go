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
	Lang    string
}

// myTaskGroups are the person's open tasks by when they are due, for
// views/partials/tasks/mine-list.html (the "My tasks" page and the dashboard).
type myTaskGroups struct {
	Overdue  []myTaskView
	DueToday []myTaskView
	Upcoming []myTaskView
	Undated  []myTaskView
}

// myTasksView is the "My tasks" page: the person's open tasks across the
// cases they may see, overdue, due today, upcoming and undated.
type myTasksView struct {
	Page
	myTaskGroups
	Today string
}

// groupMyTasks sorts list into its groups, today (YYYY-MM-DD) deciding
// what is overdue.
func groupMyTasks(r *Request, today string, list []tenant.MyTask) myTaskGroups {
	var g myTaskGroups
	for _, m := range list {
		due := m.DueDate
		if m.DueTime != "" {
			due += " " + m.DueTime + " UTC"
		}
		it := myTaskView{MyTask: m, Number: tenant.CaseNumber(m.CaseNumber), CaseURL: caseBase(r) + "/" + m.CaseID + "#task-" + m.ID, Due: due, Lang: r.Lang()}
		switch {
		case m.DueDate == "":
			g.Undated = append(g.Undated, it)
		case m.DueDate < today:
			g.Overdue = append(g.Overdue, it)
		case m.DueDate == today:
			g.DueToday = append(g.DueToday, it)
		default:
			g.Upcoming = append(g.Upcoming, it)
		}
	}
	return g
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
	today := h.caseToday(r)
	return h.page(c, "pages/tasks/mine", &myTasksView{Page: Page{Title: "My tasks"}, Today: today, myTaskGroups: groupMyTasks(r, today, list)})
}

// dashboardTasksDays is how far ahead the dashboard's upcoming tasks go;
// dashboardTasksMax is how many tasks it lists in all (My tasks has the rest).
const (
	dashboardTasksDays = 7
	dashboardTasksMax  = 15
)

// dashboardTasks is the person's tasks on the dashboard: overdue, today
// and the week ahead, for the dashboard's "Your tasks" section.
type dashboardTasks struct {
	myTaskGroups
	Any     bool
	More    bool   // more tasks are due than the dashboard lists
	MineURL string // the "My tasks" page
}

// dashboardTasksOf is the person's open tasks due up to a week from today.
func (h *Handlers) dashboardTasksOf(c *fiber.Ctx, r *Request, v tenant.Viewer) (dashboardTasks, error) {
	today := h.caseToday(r)
	list, err := r.Tenant.MyTasks(c.UserContext(), v, r.User.ID, dayAfter(today, dashboardTasksDays), dashboardTasksMax+1)
	if err != nil {
		return dashboardTasks{}, err
	}
	d := dashboardTasks{MineURL: "/a/" + r.Agency.Slug + "/tasks", Any: len(list) > 0, More: len(list) > dashboardTasksMax}
	if d.More {
		list = list[:dashboardTasksMax]
	}
	d.myTaskGroups = groupMyTasks(r, today, list)
	return d, nil
}
