package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestTasksAndTime walks an owner through work on a case at desktop and
// phone width: a task template in Settings, a case opened with it, a task
// ticked, the timer started and stopped, time recorded by hand at the
// owner's rate, and the unbilled time invoiced as a draft. (The client
// ticking a shared task in the portal is covered by the handler tests.)
// Screenshots go to e2e/artifacts/*-tasks-*.
//
//	CI=true go test ./e2e -run TestTasksAndTime -v
func TestTasksAndTime(t *testing.T) {
	forEachWidth(t, "tasks", (*story).tasksAndTime)
}

func (s *story) tasksAndTime(slug string) {
	agencyPath := "/a/" + slug
	s.signUp(slug, "Studio "+s.vp.name, "Tess Tasker")

	// The owner's hourly rate, then a template.
	s.do("open the rates", chromedp.Navigate(s.base+agencyPath+"/settings/rates"))
	s.atPath("rates page", agencyPath+"/settings/rates", "h1", "Hourly rates")
	s.do("set the rate", chromedp.Evaluate[chromedp.Void](`document.querySelector("input[name=rate]").value = "60"`), s.click(`form[action*="/settings/rates/"] button[type=submit]`))
	s.atPath("rate saved", agencyPath+"/settings/rates", "main", "Hourly rate saved")

	s.do("open the task templates", chromedp.Navigate(s.base+agencyPath+"/settings/tasks"))
	s.atPath("templates page", agencyPath+"/settings/tasks", "h1", "Task templates")
	s.do("write a template", s.fill("f-name", "Website launch"), s.fillText("f-tasks", "Brief +2\n- Goals\nDesign +7\nGo live +14"))
	s.do("save the template", s.click(`form[action$="/settings/tasks"] button[type=submit]`))
	s.atPath("template listed", agencyPath+"/settings/tasks", "table", "Website launch")
	s.screenshot("tasks-01-template")

	// A client and a case opened with the template.
	s.do("open the new client form", chromedp.Navigate(s.base+agencyPath+"/clients/new"))
	s.do("fill the client form", s.fill("f-name", "Marlowe Bakery"))
	s.do("add the client", s.click("#client-form button[type=submit]"))
	s.waitFor("client page", `document.readyState === "complete" && document.body.innerText.includes("Marlowe Bakery") && !location.pathname.endsWith("/new")`, true)
	s.do("open the new case form", s.click(`a[href^="`+agencyPath+`/cases/new?client="]`))
	s.atPath("new case form", agencyPath+"/cases/new", "h1", "New case")
	s.do("fill the case", s.fill("f-title", "Bakery website"))
	s.do("choose the template", chromedp.Evaluate[chromedp.Void](`(() => { const sel = document.querySelector("#f-task_template"); sel.value = sel.options[1].value; })()`))
	s.do("open the case", s.click(".case-form button[type=submit]"))
	s.waitFor("case page with the template's tasks", `/^\/a\/[^/]+\/cases\/[0-9a-f-]{36}$/.test(location.pathname) && document.readyState === "complete"
		&& document.querySelectorAll("#tasks .task").length === 3`, true)
	casePath := s.path()

	// Tick the first task, move the last up by its button.
	s.do("mark the brief done", s.click(`#tasks .task:first-child form[action$="/done"] button`))
	s.atPath("task done", casePath, "#tasks", "✓ Done")
	s.do("move Go live up", s.click(`#tasks .task:last-child button[aria-label^="Move Go live up"]`))
	s.waitFor("Go live second", `document.readyState === "complete" && document.querySelectorAll("#tasks .task")[1] && document.querySelectorAll("#tasks .task")[1].innerText.includes("Go live")`, true)

	// The timer, then time by hand, then the invoice.
	s.do("start the timer", s.click(`#time form.timer button[type=submit]`))
	s.atPath("timer running", casePath, "#time", "Timer running since")
	s.screenshot("tasks-02-case-timer")
	s.do("stop the timer", s.click(`#time form.timer-running button[type=submit]`))
	s.atPath("timer stopped", casePath, "#time", "Start the timer")
	s.do("open the time form", s.click(`#time details > summary`))
	s.do("record time", s.fill("f-time-duration", "1:30"), s.click(`#time form[action$="/time"] button[type=submit]`))
	s.atPath("time recorded", casePath, "#time", "1 h 30 min")
	s.do("invoice the time", s.click(`#time form.invoice-time button[type=submit]`))
	s.waitFor("draft invoice", `/\/invoices\/[0-9a-f-]{36}$/.test(location.pathname) && document.readyState === "complete" && document.body.innerText.includes("Draft invoice made from the unbilled time")`, true)
	s.screenshot("tasks-03-invoice")
	s.noConsoleErrors("tasks and time")
}
