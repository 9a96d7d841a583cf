package handlers

// taskRoutes are the rows of work on cases: tasks and their checklists,
// task templates, "My tasks", time (entries, the timer, the timesheet, the
// report, rates), billing the time, and calendar feeds of due dates.
var taskRoutes = []Route{
	// Tasks on a case (staff).
	post("/a/:slug/cases/:id/tasks", Staff, (*Handlers).TaskCreate),
	post("/a/:slug/cases/:id/tasks/template", Staff, (*Handlers).TaskTemplateApply),
	get("/a/:slug/cases/:id/tasks/:task/edit", Staff, (*Handlers).TaskEdit),
	post("/a/:slug/cases/:id/tasks/:task", Staff, (*Handlers).TaskUpdate),
	post("/a/:slug/cases/:id/tasks/:task/done", Staff, (*Handlers).TaskDone),
	post("/a/:slug/cases/:id/tasks/:task/move", Staff, (*Handlers).TaskMove),
	post("/a/:slug/cases/:id/tasks/:task/delete", Staff, (*Handlers).TaskDelete),
	post("/a/:slug/cases/:id/tasks/:task/items", Staff, (*Handlers).TaskItemAdd),
	post("/a/:slug/cases/:id/tasks/:task/items/:item", Staff, (*Handlers).TaskItemSet),
	post("/a/:slug/cases/:id/tasks/:task/items/:item/move", Staff, (*Handlers).TaskItemMove),
	post("/a/:slug/cases/:id/tasks/:task/items/:item/delete", Staff, (*Handlers).TaskItemDelete),
	get("/a/:slug/tasks", Staff, (*Handlers).MyTasks),

	// The client ticks a shared task given to them.
	post("/a/:slug/portal/cases/:id/tasks/:task/done", ClientOnly, (*Handlers).PortalTaskDone),

	// Task templates (admins, in Settings).
	get("/a/:slug/settings/tasks", Admin, (*Handlers).TaskTemplates),
	post("/a/:slug/settings/tasks", Admin, (*Handlers).TaskTemplateCreate),
	get("/a/:slug/settings/tasks/:id", Admin, (*Handlers).TaskTemplateEdit),
	post("/a/:slug/settings/tasks/:id", Admin, (*Handlers).TaskTemplateUpdate),
	post("/a/:slug/settings/tasks/:id/delete", Admin, (*Handlers).TaskTemplateDelete),

	// Time (staff: their own; admins and owners: everyone's).
	post("/a/:slug/cases/:id/time", Staff, (*Handlers).TimeCreate),
	get("/a/:slug/timer", Staff, (*Handlers).TimerWidget), // the shell header's timer (a fragment for htmx)
	post("/a/:slug/timer", Staff, (*Handlers).TimerStart),
	post("/a/:slug/timer/stop", Staff, (*Handlers).TimerStop),
	get("/a/:slug/time", Staff, (*Handlers).Timesheet),
	get("/a/:slug/time/report", Staff, (*Handlers).TimeReport),
	get("/a/:slug/time/report.csv", Staff, (*Handlers).TimeReportCSV),
	get("/a/:slug/time/:entry", Staff, (*Handlers).TimeEdit),
	post("/a/:slug/time/:entry", Staff, (*Handlers).TimeUpdate),
	post("/a/:slug/time/:entry/delete", Staff, (*Handlers).TimeDelete),

	// Rates and billing the time.
	get("/a/:slug/settings/rates", Admin, (*Handlers).Rates),
	post("/a/:slug/settings/rates/:id", Admin, (*Handlers).RateUpdate),
	post("/a/:slug/cases/:id/rate", Admin, (*Handlers).CaseRateUpdate),
	post("/a/:slug/cases/:id/invoice-time", Staff, (*Handlers).CaseInvoiceTime),
	post("/a/:slug/clients/:id/invoice-time", Staff, (*Handlers).ClientInvoiceTime),

	// Calendar feeds: the page (staff; the agency's feed for admins and
	// owners), and the feed itself, opened by its secret address alone.
	get("/a/:slug/calendar", Staff, (*Handlers).Calendar),
	post("/a/:slug/calendar/:scope", Staff, (*Handlers).CalendarFeedNew),
	post("/a/:slug/calendar/:scope/revoke", Staff, (*Handlers).CalendarFeedRevoke),
	get("/a/:slug/calendar/feed/:token", AgencyPublic, (*Handlers).CalendarFeed),
}
