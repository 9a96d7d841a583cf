package e2e

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"mintedmind/mail/mailtest"
)

// TestTasksAndTime walks an owner and a client's contact through work on
// a case at desktop and phone width: a task template in Settings, a case
// opened with it, the contact invited to the portal and given a shared
// task, a task ticked and one moved by its button (htmx answers with the
// tasks section: the page keeps its place), a task dragged by its handle
// with real mouse events, the contact ticking the shared task in the
// portal, the timer started on the case page and stopped from the shell's
// header, then started from the header and stopped on the case page, time
// recorded by hand at the owner's rate, and the unbilled time invoiced as
// a draft. Screenshots go to e2e/artifacts/*-tasks-*.
//
//	CI=true go test ./e2e -run TestTasksAndTime -v
func TestTasksAndTime(t *testing.T) {
	staffAndContact(t, "tasks", func(owner, contact *story, smtp *mailtest.Server, slug string) {
		owner.tasksAndTime(contact, smtp, slug)
	})
}

// taskTitles is the case page's task titles in order, as a script's value.
const taskTitles = `Array.from(document.querySelectorAll("#tasks .task .task-title")).map(e => e.textContent).join(",")`

func (s *story) tasksAndTime(contact *story, smtp *mailtest.Server, slug string) {
	agencyPath := "/a/" + slug
	contactEmail := "bea-" + slug + "@example.test"
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

	// A client with a contact's address, and a case opened with the template.
	s.do("open the new client form", chromedp.Navigate(s.base+agencyPath+"/clients/new"))
	s.do("fill the client form", s.fill("f-name", "Marlowe Bakery"), s.fillText("f-emails", contactEmail))
	s.do("add the client", s.click("#client-form button[type=submit]"))
	s.waitFor("client page", `document.readyState === "complete" && document.body.innerText.includes("Marlowe Bakery") && !location.pathname.endsWith("/new")`, true)
	clientPath := s.path()
	s.do("open the new case form", s.click(`a[href^="`+agencyPath+`/cases/new?client="]`))
	s.atPath("new case form", agencyPath+"/cases/new", "h1", "New case")
	s.do("fill the case", s.fill("f-title", "Bakery website"))
	s.do("choose the template", chromedp.Evaluate[chromedp.Void](`(() => { const sel = document.querySelector("#f-task_template"); sel.value = sel.options[1].value; })()`))
	s.do("open the case", s.click(".case-form button[type=submit]"))
	s.waitFor("case page with the template's tasks", `/^\/a\/[^/]+\/cases\/[0-9a-f-]{36}$/.test(location.pathname) && document.readyState === "complete"
		&& document.querySelectorAll("#tasks .task").length === 3`, true)
	casePath := s.path()

	// The contact joins the portal.
	s.do("open the portal tab", chromedp.Navigate(s.base+clientPath+"?tab=portal"))
	s.do("type the contact's email", s.fill("f-email", contactEmail))
	s.do("send the invitation", s.click(`#client-tabs form button[type=submit]`))
	s.atPath("invitation sent", clientPath, ".flash", "Invitation to the portal sent")
	mail := smtp.WaitFor(s.t, contactEmail, 10*time.Second)
	link := inviteLink.FindString(mail.Body)
	if link == "" {
		s.t.Fatalf("no invitation link in:\n%s", mail.Body)
	}
	contact.do("open the invitation", chromedp.Navigate(link))
	contact.do("fill the invitation form", contact.fill("f-name", "Bea Baker"), contact.fill("f-password", password))
	contact.do("create the account", contact.click(`form[action*="/invite/"] button[type=submit]`))
	contact.atPath("portal home", agencyPath+"/portal", "h1", "Hello, Bea Baker")

	// A shared task for the contact.
	s.do("back to the case", chromedp.Navigate(s.base+casePath))
	s.do("open the task form", s.click(`#tasks details > summary`))
	s.do("fill the task", s.fill("f-title", "Send the logo files"),
		chromedp.Evaluate[chromedp.Void](`(() => { const sel = document.querySelector("#f-task-assignee"); sel.value = Array.from(sel.options).find(o => o.textContent.startsWith("Bea Baker")).value;
			document.querySelector("#tasks input[name=shared]").checked = true; })()`))
	s.do("add the task", s.click(`#tasks form[action$="/tasks"] button[type=submit]`))
	s.waitFor("four tasks", `document.readyState === "complete" && `+taskTitles+` === "Brief,Design,Go live,Send the logo files"`, true)

	// Tick the first task and move Go live up by its button: htmx swaps the
	// section in place (the page neither reloads nor scrolls to the top).
	s.do("mark the page", chromedp.Evaluate[chromedp.Void](`document.body.dataset.stay = "1"`))
	s.do("mark the brief done", s.click(`#tasks .task:first-child form[action$="/done"] button`))
	s.waitFor("task done in place", `document.querySelector("#tasks .task:first-child").innerText.includes("✓ Done") && document.body.dataset.stay === "1"`, true)
	s.do("move Go live up", s.click(`#tasks button[aria-label="Move Go live up"]`))
	s.waitFor("Go live second, in place", taskTitles+` === "Brief,Go live,Design,Send the logo files" && document.body.dataset.stay === "1"
		&& document.activeElement && document.activeElement.getAttribute("aria-label") === "Move Go live up"`, true)

	// Drag the contact's task by its handle onto the task above it: mouse
	// down, moves, mouse up, as a person drags.
	s.do("drag the logo task up", chromedp.DragAndDrop(
		chromedp.CSS(`#tasks .task:last-child .task-head [data-drag-handle]`), chromedp.CSS(`#tasks .task:nth-child(3) .task-head .task-title`)))
	s.waitFor("the logo task third", taskTitles+` === "Brief,Go live,Send the logo files,Design" && document.body.dataset.stay === "1"`, true)
	s.do("reload", chromedp.Reload())
	s.waitFor("the order is saved", `document.readyState === "complete" && `+taskTitles+` === "Brief,Go live,Send the logo files,Design"`, true)
	s.screenshot("tasks-02-moved")

	// The contact ticks the shared task in the portal; the case page shows it done.
	contact.do("open the case", contact.click(`.portal-cases a[href^="`+agencyPath+`/portal/cases/"]`))
	contact.waitFor("portal case page", `document.readyState === "complete" && document.querySelector("#tasks") && document.querySelector("#tasks").innerText.includes("Send the logo files")`, true)
	contact.do("tick the logo task", contact.click(`#tasks button[aria-label="Mark done: Send the logo files"]`))
	contact.waitFor("ticked in the portal", `document.readyState === "complete" && document.querySelector("#tasks").innerText.includes("✓ Done")`, true)
	contact.screenshot("tasks-03-portal-ticked")
	contact.noConsoleErrors("portal tick")
	s.do("reload", chromedp.Reload())
	s.waitFor("done on the case page", `document.readyState === "complete" && document.querySelector("#tasks .task:nth-child(3)").innerText.includes("✓ Done")`, true)

	// The timer: started on the case page, stopped from the header; then
	// started from the header, stopped on the case page.
	s.do("start the timer", s.click(`#time form.timer button[type=submit]`))
	s.atPath("timer running", casePath, "#time", "Timer running since")
	s.waitFor("the header shows it", `!!document.querySelector("#shell-timer .shell-timer-running") && document.querySelector("#shell-timer").innerText.includes("Bakery website")
		&& /^\d+:\d\d$/.test(document.querySelector("#shell-timer .timer-elapsed").textContent)`, true)
	s.screenshot("tasks-04-header-timer")
	s.do("stop it in the header", s.click(`#shell-timer-stop`))
	s.atPath("timer stopped", casePath, "#time", "Start the timer")
	s.waitFor("the header offers to start", `!!document.querySelector("#shell-timer details.shell-timer-start")`, true)
	s.do("open the header timer", s.click(`#shell-timer details.shell-timer-start > summary`))
	s.waitFor("this case is chosen", `document.querySelector("#shell-timer-case").selectedOptions[0].textContent.includes("Bakery website")`, true)
	s.do("start it in the header", s.click(`#shell-timer-start`))
	s.atPath("timer running again", casePath, "#time", "Timer running since")
	s.waitFor("the header shows it again", `!!document.querySelector("#shell-timer .shell-timer-running")`, true)
	s.do("stop the timer on the case page", s.click(`#time form.timer-running button[type=submit]`))
	s.atPath("timer stopped again", casePath, "#time", "Start the timer")

	// Time by hand, then the invoice.
	s.do("open the time form", s.click(`#time details > summary`))
	s.do("record time", s.fill("f-time-duration", "1:30"), s.click(`#time form[action$="/time"] button[type=submit]`))
	s.atPath("time recorded", casePath, "#time", "1 h 30 min")
	s.do("invoice the time", s.click(`#time form.invoice-time button[type=submit]`))
	s.waitFor("draft invoice", `/\/invoices\/[0-9a-f-]{36}$/.test(location.pathname) && document.readyState === "complete" && document.body.innerText.includes("Draft invoice made from the unbilled time")`, true)
	s.screenshot("tasks-05-invoice")
	s.noConsoleErrors("tasks and time")
}
