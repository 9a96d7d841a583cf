package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// taskFixture is agency A with its owner, a staff member, two clients
// each with a contact and a case, and agency B with a case of its own.
type taskFixture struct {
	e                 *env
	a, b              *agency
	staff             *browser
	staffID, ownerID  string
	contact, other    *browser // contacts of client 1 and client 2
	contactID         string
	caseID, otherCase string // client 1's and client 2's cases
	foreignCase       string // B's
}

func mustTaskFixture(t *testing.T) *taskFixture {
	t.Helper()
	f := &taskFixture{e: mustNewEnv(t)}
	f.a, f.b = f.e.mustSignup(t, "tasks-a"), f.e.mustSignup(t, "tasks-b")
	var staffEmail, contactEmail, otherEmail string
	f.staff, staffEmail = f.e.mustAddUser(t, f.a, "staff")
	f.staffID, f.ownerID = f.e.mustUserID(t, f.a, staffEmail), f.e.mustUserID(t, f.a, f.a.OwnerEmail)
	f.contact, contactEmail = f.e.mustAddUser(t, f.a, "client")
	f.other, otherEmail = f.e.mustAddUser(t, f.a, "client")
	f.contactID = f.e.mustUserID(t, f.a, contactEmail)
	client1 := f.e.caseQuery(t, f.a, `SELECT client_id FROM users WHERE email = ?`, contactEmail)
	client2 := f.e.caseQuery(t, f.a, `SELECT client_id FROM users WHERE email = ?`, otherEmail)
	f.caseID = mustCreateCase(t, f.a.Owner, f.a, url.Values{"client_id": {client1}, "title": {"Website launch"}})
	f.otherCase = mustCreateCase(t, f.a.Owner, f.a, url.Values{"client_id": {client2}, "title": {"Other client's case"}})
	bClient := f.e.mustCaseClient(t, f.b, "Foreign Co", "")
	f.foreignCase = mustCreateCase(t, f.b.Owner, f.b, url.Values{"client_id": {bClient}, "title": {"B's case"}})
	return f
}

func (f *taskFixture) caseURL(rest string) string {
	return "/a/" + f.a.Slug + "/cases/" + f.caseID + rest
}

// mustAddTask adds a task through the form and returns its id.
func (f *taskFixture) mustAddTask(t *testing.T, b *browser, caseID string, form url.Values) string {
	t.Helper()
	res := b.post("/a/"+f.a.Slug+"/cases/"+caseID+"/tasks", form)
	wantStatus(t, res, http.StatusSeeOther)
	return f.e.caseQuery(t, f.a, `SELECT id FROM tasks WHERE case_id = ? AND title = ?`, caseID, form.Get("title"))
}

// taskOrder is the titles of a case's tasks in order.
func (f *taskFixture) taskOrder(t *testing.T, caseID string) string {
	t.Helper()
	return f.e.caseQuery(t, f.a, `SELECT group_concat(title, ',') FROM (SELECT title FROM tasks WHERE case_id = ? ORDER BY position)`, caseID)
}

func TestTasksOnACase(t *testing.T) {
	f := mustTaskFixture(t)
	owner := f.a.Owner
	first := f.mustAddTask(t, owner, f.caseID, url.Values{"title": {"Kick-off call"}, "assignee_id": {f.staffID}, "due_date": {"2026-11-05"}, "due_time": {"14:30"}, "priority": {"high"}})
	second := f.mustAddTask(t, owner, f.caseID, url.Values{"title": {"Send the logo files"}, "assignee_id": {f.contactID}, "shared": {"1"}})
	third := f.mustAddTask(t, owner, f.caseID, url.Values{"title": {"Go live"}})

	t.Run("the case page lists the tasks with their details and history", func(t *testing.T) {
		res := owner.get(f.caseURL(""))
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Kick-off call")
		wantContains(t, res, "due 2026-11-05 14:30 UTC")
		wantContains(t, res, "shared with the client")
		wantContains(t, res, "added the task Send the logo files")
	})

	t.Run("a task without a title is refused with the message", func(t *testing.T) {
		res := owner.post(f.caseURL("/tasks"), url.Values{"title": {"  "}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Enter the title.")
	})

	t.Run("an unshared task can't go to a client contact", func(t *testing.T) {
		res := owner.post(f.caseURL("/tasks"), url.Values{"title": {"Secret"}, "assignee_id": {f.contactID}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Share the task with the client")
	})

	t.Run("the move buttons and a drop reorder", func(t *testing.T) {
		wantStatus(t, owner.post(f.caseURL("/tasks/"+third+"/move"), url.Values{"dir": {"up"}}), http.StatusSeeOther)
		if got := f.taskOrder(t, f.caseID); got != "Kick-off call,Go live,Send the logo files" {
			t.Fatalf("after up: %s", got)
		}
		wantStatus(t, owner.post(f.caseURL("/tasks/"+first+"/move"), url.Values{"dir": {"down"}}), http.StatusSeeOther)
		wantStatus(t, owner.post(f.caseURL("/tasks/"+second+"/move"), url.Values{"to": {"1"}}), http.StatusSeeOther)
		if got := f.taskOrder(t, f.caseID); got != "Send the logo files,Go live,Kick-off call" {
			t.Fatalf("after down and drop: %s", got)
		}
	})

	t.Run("done and open again", func(t *testing.T) {
		wantStatus(t, f.staff.post(f.caseURL("/tasks/"+third+"/done"), url.Values{"done": {"1"}}), http.StatusSeeOther)
		if got := f.e.caseQuery(t, f.a, `SELECT status FROM tasks WHERE id = ?`, third); got != "done" {
			t.Fatalf("status %s", got)
		}
		wantStatus(t, f.staff.post(f.caseURL("/tasks/"+third+"/done"), url.Values{"done": {"0"}}), http.StatusSeeOther)
		if got := f.e.caseQuery(t, f.a, `SELECT status FROM tasks WHERE id = ?`, third); got != "open" {
			t.Fatalf("status %s", got)
		}
	})

	t.Run("checklist items are added, ticked and removed", func(t *testing.T) {
		wantStatus(t, owner.post(f.caseURL("/tasks/"+first+"/items"), url.Values{"text": {"Agenda sent"}}), http.StatusSeeOther)
		item := f.e.caseQuery(t, f.a, `SELECT id FROM task_items WHERE task_id = ?`, first)
		wantStatus(t, owner.post(f.caseURL("/tasks/"+first+"/items/"+item), url.Values{"done": {"1"}}), http.StatusSeeOther)
		wantContains(t, owner.get(f.caseURL("")), "Checklist: 1 of 1 done")
		wantStatus(t, owner.post(f.caseURL("/tasks/"+first+"/items/"+item+"/delete"), nil), http.StatusSeeOther)
		if n := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM task_items WHERE task_id = ?`, first); n != "0" {
			t.Fatalf("%s items left", n)
		}
	})

	t.Run("checklist items reorder by their buttons and by a drop", func(t *testing.T) {
		for _, text := range []string{"One", "Two", "Three"} {
			wantStatus(t, owner.post(f.caseURL("/tasks/"+third+"/items"), url.Values{"text": {text}}), http.StatusSeeOther)
		}
		order := func() string {
			return f.e.caseQuery(t, f.a, `SELECT group_concat(text, ',') FROM (SELECT text FROM task_items WHERE task_id = ? ORDER BY position)`, third)
		}
		item := func(text string) string {
			return f.e.caseQuery(t, f.a, `SELECT id FROM task_items WHERE task_id = ? AND text = ?`, third, text)
		}
		res := owner.get(f.caseURL(""))
		wantContains(t, res, `aria-label="Move Three down" disabled`)
		wantContains(t, res, `aria-label="Move One up" disabled`)
		wantStatus(t, owner.post(f.caseURL("/tasks/"+third+"/items/"+item("Three")+"/move"), url.Values{"dir": {"up"}}), http.StatusSeeOther)
		if got := order(); got != "One,Three,Two" {
			t.Fatalf("after up: %s", got)
		}
		wantStatus(t, owner.post(f.caseURL("/tasks/"+third+"/items/"+item("One")+"/move"), url.Values{"to": {"3"}}), http.StatusSeeOther)
		if got := order(); got != "Three,Two,One" {
			t.Fatalf("after the drop: %s", got)
		}
		wantContains(t, owner.get(f.caseURL("")), "moved “One → position 3” in the checklist of Go live")
		wantStatus(t, owner.post(f.caseURL("/tasks/"+third+"/items/"+item("One")+"/move"), url.Values{"to": {"first"}}), http.StatusUnprocessableEntity)
		wantStatus(t, owner.post(f.caseURL("/tasks/"+first+"/items/"+item("One")+"/move"), url.Values{"dir": {"up"}}), http.StatusNotFound)
		bURL := "/a/" + f.b.Slug + "/cases/" + f.caseID + "/tasks/" + third + "/items/" + item("One") + "/move"
		wantStatus(t, f.b.Owner.post(bURL, url.Values{"dir": {"up"}}), http.StatusNotFound)
		if got := order(); got != "Three,Two,One" {
			t.Fatalf("changed by a refused move: %s", got)
		}
	})

	t.Run("htmx gets the tasks section back instead of a redirect", func(t *testing.T) {
		owner.headers["HX-Request"] = "true"
		defer delete(owner.headers, "HX-Request")
		res := owner.post(f.caseURL("/tasks/"+third+"/done"), url.Values{"done": {"1"}})
		wantStatus(t, res, http.StatusOK)
		if !strings.HasPrefix(strings.TrimSpace(res.Body), `<section id="tasks"`) || strings.Contains(res.Body, "<html") {
			t.Fatalf("not the section alone:\n%.300s", res.Body)
		}
		wantContains(t, res, `aria-label="Done, reopen: Go live"`)
		wantContains(t, res, `hx-post="/a/`+f.a.Slug+`/cases/`+f.caseID+`/tasks/`+third+`/done"`)
		res = owner.post(f.caseURL("/tasks/"+third+"/items"), url.Values{"text": {"Four"}})
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Four")
		wantStatus(t, owner.post(f.caseURL("/tasks/"+third+"/done"), url.Values{"done": {"0"}}), http.StatusOK)
	})

	t.Run("an empty checklist item is refused beside its field, with or without htmx", func(t *testing.T) {
		before := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM task_items`)
		res := owner.post(f.caseURL("/tasks/"+third+"/items"), url.Values{"text": {"   "}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, `<small id="e-item-`+third+`" class="field-error">`)
		wantContains(t, res, `aria-describedby="e-item-`+third+`"`)
		wantContains(t, res, "<html")
		owner.headers["HX-Request"] = "true"
		res = owner.post(f.caseURL("/tasks/"+third+"/items"), url.Values{"text": {strings.Repeat("x", 400)}})
		delete(owner.headers, "HX-Request")
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, `<small id="e-item-`+third+`" class="field-error">`)
		wantLacks(t, res, "<html")
		if got := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM task_items`); got != before {
			t.Fatalf("%s items, want %s", got, before)
		}
	})

	t.Run("editing saves the fields and records the change", func(t *testing.T) {
		wantStatus(t, owner.get(f.caseURL("/tasks/"+first+"/edit")), http.StatusOK)
		res := owner.post(f.caseURL("/tasks/"+first), url.Values{"title": {"Kick-off meeting"}, "priority": {"low"}, "due_date": {"2026-11-06"}})
		wantStatus(t, res, http.StatusSeeOther)
		if got := f.e.caseQuery(t, f.a, `SELECT title || '/' || priority || '/' || due_date || '/' || COALESCE(assignee_id, '') FROM tasks WHERE id = ?`, first); got != "Kick-off meeting/low/2026-11-06/" {
			t.Fatalf("task %s", got)
		}
		wantContains(t, owner.get(f.caseURL("")), "edited a task")
	})

	t.Run("My tasks groups the person's open tasks by due day", func(t *testing.T) {
		f.mustAddTask(t, owner, f.caseID, url.Values{"title": {"Overdue thing"}, "assignee_id": {f.staffID}, "due_date": {"2026-10-30"}})
		f.mustAddTask(t, owner, f.caseID, url.Values{"title": {"Today thing"}, "assignee_id": {f.staffID}, "due_date": {"2026-11-02"}})
		f.mustAddTask(t, owner, f.caseID, url.Values{"title": {"Later thing"}, "assignee_id": {f.staffID}, "due_date": {"2026-12-01"}})
		f.mustAddTask(t, owner, f.caseID, url.Values{"title": {"Owner's own"}, "assignee_id": {f.ownerID}})
		res := f.staff.get("/a/" + f.a.Slug + "/tasks")
		wantStatus(t, res, http.StatusOK)
		o, td, up := strings.Index(res.Body, "Overdue thing"), strings.Index(res.Body, "Today thing"), strings.Index(res.Body, "Later thing")
		if o < 0 || td < o || up < td || !(strings.Index(res.Body, ">Today<") < td) {
			t.Fatalf("sections out of order: %d %d %d\n%s", o, td, up, res.Body)
		}
		wantLacks(t, res, "Owner&#39;s own")
	})

	t.Run("the dashboard lists the person's overdue, today's and this week's tasks, linked", func(t *testing.T) {
		soon := f.mustAddTask(t, owner, f.caseID, url.Values{"title": {"Soon thing"}, "assignee_id": {f.staffID}, "due_date": {"2026-11-05"}})
		res := f.staff.get("/a/" + f.a.Slug)
		wantStatus(t, res, http.StatusOK)
		section := res.Body[strings.Index(res.Body, `id="tasks-title"`):]
		section = section[:strings.Index(section, "</section>")]
		o, td, up := strings.Index(section, "Overdue thing"), strings.Index(section, "Today thing"), strings.Index(section, "Soon thing")
		if o < 0 || td < o || up < td {
			t.Fatalf("tasks out of order: %d %d %d\n%s", o, td, up, section)
		}
		if !strings.Contains(section, `href="/a/`+f.a.Slug+`/cases/`+f.caseID+`#task-`+soon+`"`) {
			t.Fatalf("no link to the task on its case:\n%s", section)
		}
		for _, not := range []string{"Later thing", "Owner&#39;s own"} {
			if strings.Contains(section, not) {
				t.Fatalf("%s on the dashboard:\n%s", not, section)
			}
		}
		wantContains(t, owner.get("/a/"+f.a.Slug), "Nothing due this week.")
	})

	t.Run("deleting a task removes it and its checklist", func(t *testing.T) {
		wantStatus(t, owner.post(f.caseURL("/tasks/"+third+"/delete"), nil), http.StatusSeeOther)
		if n := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM tasks WHERE id = ?`, third); n != "0" {
			t.Fatal("task still there")
		}
	})
}

func TestTaskTemplates(t *testing.T) {
	f := mustTaskFixture(t)
	owner := f.a.Owner
	base := "/a/" + f.a.Slug + "/settings/tasks"

	t.Run("an invalid template shows the line at fault", func(t *testing.T) {
		res := owner.post(base, url.Values{"name": {"Broken"}, "tasks": {"- item before any task"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Line 1")
	})

	wantStatus(t, owner.post(base, url.Values{"name": {"Website launch"}, "case_label": {"website"},
		"tasks": {"Brief +2\n- Goals\n- Audience\nLogo files +5 [client]\nLaunch +14"}}), http.StatusSeeOther)
	tmpl := f.e.caseQuery(t, f.a, `SELECT id FROM task_templates WHERE name = 'Website launch'`)

	t.Run("the list and the edit form show it", func(t *testing.T) {
		wantContains(t, owner.get(base), "Website launch")
		res := owner.get(base + "/" + tmpl)
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Logo files &#43;5 [client]")
	})

	t.Run("applying it on a case adds its tasks", func(t *testing.T) {
		wantStatus(t, f.staff.post(f.caseURL("/tasks/template"), url.Values{"template_id": {tmpl}}), http.StatusSeeOther)
		if got := f.taskOrder(t, f.caseID); got != "Brief,Logo files,Launch" {
			t.Fatalf("tasks %s", got)
		}
		if got := f.e.caseQuery(t, f.a, `SELECT due_date || '/' || shared FROM tasks WHERE case_id = ? AND title = 'Logo files'`, f.caseID); got != "2026-11-07/1" {
			t.Fatalf("logo files task %s", got)
		}
		wantContains(t, owner.get(f.caseURL("")), "applied the task template Website launch · 3 tasks")
	})

	t.Run("a case opened with the template's label gets its tasks", func(t *testing.T) {
		client := f.e.caseQuery(t, f.a, `SELECT client_id FROM cases WHERE id = ?`, f.caseID)
		id := mustCreateCase(t, owner, f.a, url.Values{"client_id": {client}, "title": {"Shop"}, "labels": {"Website"}})
		if got := f.taskOrder(t, id); got != "Brief,Logo files,Launch" {
			t.Fatalf("tasks %s", got)
		}
		// One transaction: the case's creation and the template's tasks are
		// written together, so the template's event follows the opening.
		if got := f.e.caseQuery(t, f.a, `SELECT group_concat(kind || ':' || COALESCE(field, ''), ',') FROM (SELECT kind, field FROM case_events WHERE case_id = ? ORDER BY id)`, id); got != "created:,task:template" {
			t.Fatalf("events %s", got)
		}
	})

	t.Run("a template gone before the form is sent opens no case and uses no number", func(t *testing.T) {
		client := f.e.caseQuery(t, f.a, `SELECT client_id FROM cases WHERE id = ?`, f.caseID)
		before := f.e.caseQuery(t, f.a, `SELECT COUNT(*) || '/' || MAX(number) FROM cases`)
		res := f.staff.post("/a/"+f.a.Slug+"/cases", url.Values{"client_id": {client}, "title": {"Gone template"}, "task_template": {"0b0e6a5e-0000-4000-8000-000000000000"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, `<small id="e-task_template" class="field-error">Choose one of your task templates`)
		wantContains(t, res, `value="Gone template"`)
		if got := f.e.caseQuery(t, f.a, `SELECT COUNT(*) || '/' || MAX(number) FROM cases`); got != before {
			t.Fatalf("cases %s, want %s", got, before)
		}
	})

	t.Run("the new-case form offers the templates and applies the one chosen", func(t *testing.T) {
		wantContains(t, f.staff.get("/a/"+f.a.Slug+"/cases/new"), "Website launch (3 tasks)")
		client := f.e.caseQuery(t, f.a, `SELECT client_id FROM cases WHERE id = ?`, f.caseID)
		id := mustCreateCase(t, f.staff, f.a, url.Values{"client_id": {client}, "title": {"Landing page"}, "task_template": {tmpl}})
		if got := f.taskOrder(t, id); got != "Brief,Logo files,Launch" {
			t.Fatalf("tasks %s", got)
		}
	})

	t.Run("staff can't change templates", func(t *testing.T) {
		res := f.staff.post(base+"/"+tmpl+"/delete", nil)
		wantStatus(t, res, http.StatusNotFound)
		if n := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM task_templates`); n != "1" {
			t.Fatal("template deleted")
		}
	})

	t.Run("updating and deleting", func(t *testing.T) {
		wantStatus(t, owner.post(base+"/"+tmpl, url.Values{"name": {"Launch v2"}, "tasks": {"Only task"}}), http.StatusSeeOther)
		if got := f.e.caseQuery(t, f.a, `SELECT name || '/' || (SELECT COUNT(*) FROM task_template_items WHERE template_id = ?) FROM task_templates WHERE id = ?`, tmpl, tmpl); got != "Launch v2/1" {
			t.Fatalf("template %s", got)
		}
		wantStatus(t, owner.post(base+"/"+tmpl+"/delete", nil), http.StatusSeeOther)
		wantStatus(t, owner.get(base+"/"+tmpl), http.StatusNotFound)
	})
}

func TestPortalTasks(t *testing.T) {
	f := mustTaskFixture(t)
	owner := f.a.Owner
	mine := f.mustAddTask(t, owner, f.caseID, url.Values{"title": {"Send the logo files"}, "assignee_id": {f.contactID}, "shared": {"1"}})
	ours := f.mustAddTask(t, owner, f.caseID, url.Values{"title": {"Design mock-ups"}, "assignee_id": {f.staffID}, "shared": {"1"}})
	hidden := f.mustAddTask(t, owner, f.caseID, url.Values{"title": {"Internal budget check"}})
	portal := "/a/" + f.a.Slug + "/portal/cases/" + f.caseID

	t.Run("the client sees the shared tasks only", func(t *testing.T) {
		res := f.contact.get(portal)
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Send the logo files")
		wantContains(t, res, "Design mock-ups")
		wantLacks(t, res, "Internal budget check")
	})

	t.Run("the client ticks a shared task assigned to them", func(t *testing.T) {
		wantStatus(t, f.contact.post(portal+"/tasks/"+mine+"/done", url.Values{"done": {"1"}}), http.StatusSeeOther)
		if got := f.e.caseQuery(t, f.a, `SELECT status FROM tasks WHERE id = ?`, mine); got != "done" {
			t.Fatalf("status %s", got)
		}
		wantContains(t, owner.get(f.caseURL("")), "completed the task Send the logo files")
	})

	for name, id := range map[string]string{"a shared task of someone else's": ours, "an unshared task": hidden} {
		t.Run("the client can't tick "+name, func(t *testing.T) {
			wantStatus(t, f.contact.post(portal+"/tasks/"+id+"/done", url.Values{"done": {"1"}}), http.StatusNotFound)
			if got := f.e.caseQuery(t, f.a, `SELECT status FROM tasks WHERE id = ?`, id); got != "open" {
				t.Fatalf("status %s", got)
			}
		})
	}

	t.Run("another client's contact gets a 404 and nothing changes", func(t *testing.T) {
		wantStatus(t, f.other.post(portal+"/tasks/"+mine+"/done", url.Values{"done": {"0"}}), http.StatusNotFound)
		wantStatus(t, f.other.get(portal), http.StatusNotFound)
		if got := f.e.caseQuery(t, f.a, `SELECT status FROM tasks WHERE id = ?`, mine); got != "done" {
			t.Fatalf("status %s", got)
		}
	})
}

func TestTaskIsolation(t *testing.T) {
	f := mustTaskFixture(t)
	task := f.mustAddTask(t, f.a.Owner, f.caseID, url.Values{"title": {"A's task"}})
	before := f.e.caseQuery(t, f.a, `SELECT title || status || position FROM tasks WHERE id = ?`, task)
	bOwner := f.b.Owner
	bBase := "/a/" + f.b.Slug + "/cases/"
	for _, p := range []struct{ method, path string }{
		{"POST", bBase + f.caseID + "/tasks/" + task + "/done"},
		{"POST", bBase + f.caseID + "/tasks/" + task},
		{"POST", bBase + f.caseID + "/tasks/" + task + "/delete"},
		{"POST", bBase + f.caseID + "/tasks/" + task + "/move"},
		{"GET", bBase + f.caseID + "/tasks/" + task + "/edit"},
		{"POST", bBase + f.foreignCase + "/tasks/" + task + "/done"},
		{"POST", "/a/" + f.a.Slug + "/cases/" + f.otherCase + "/tasks/" + task + "/done"}, // the right agency, the wrong case
	} {
		t.Run(p.method+" "+p.path+" is 404", func(t *testing.T) {
			b := bOwner
			if strings.HasPrefix(p.path, "/a/"+f.a.Slug) {
				b = f.a.Owner
			}
			var res *response
			if p.method == "GET" {
				res = b.get(p.path)
			} else {
				res = b.post(p.path, url.Values{"done": {"1"}, "title": {"Hijacked"}, "dir": {"down"}})
			}
			wantStatus(t, res, http.StatusNotFound)
			if got := f.e.caseQuery(t, f.a, `SELECT title || status || position FROM tasks WHERE id = ?`, task); got != before {
				t.Fatalf("task changed: %s", got)
			}
		})
	}
}

// mustSharedTask adds a task shared with the client to a case of the
// portal fixture's agency and returns its id (the portal's route tests
// need one of client Y's).
func (f *portalFixture) mustSharedTask(t *testing.T, caseID string) string {
	t.Helper()
	res := f.a.Owner.post("/a/"+f.a.Slug+"/cases/"+caseID+"/tasks", url.Values{"title": {"Y's shared task"}, "shared": {"1"}})
	wantStatus(t, res, http.StatusSeeOther)
	return f.e.caseQuery(t, f.a, `SELECT id FROM tasks WHERE case_id = ? AND title = ?`, caseID, "Y's shared task")
}
