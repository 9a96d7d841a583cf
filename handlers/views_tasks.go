package handlers

import "reflect"

// taskViews are the tasks and time pages' templates and their view
// models. partials/tasks/case and partials/time/case are drawn inside the
// case page (caseShowView embeds caseTasksView and caseTimeView); the tasks
// section is also an htmx answer alone (caseTasksFragment). partials/time/header
// is the shell's timer, loaded into its header; partials/tasks/portal is
// drawn inside the portal's case page.
var taskViews = map[string]reflect.Type{
	"pages/tasks/edit":      reflect.TypeFor[*taskEditView](),
	"partials/tasks/case":   reflect.TypeFor[*caseTasksFragment](),
	"pages/tasks/mine":      reflect.TypeFor[*myTasksView](),
	"pages/tasks/templates": reflect.TypeFor[*taskTemplatesView](),
	"pages/time/timesheet":  reflect.TypeFor[*timesheetView](),
	"pages/time/edit":       reflect.TypeFor[*timeEditView](),
	"pages/time/report":     reflect.TypeFor[*timeReportView](),
	"pages/time/rates":      reflect.TypeFor[*ratesView](),
	"pages/time/calendar":   reflect.TypeFor[*calendarView](),
	"pages/time/timer":      reflect.TypeFor[*headerTimerView](),
	"partials/time/header":  reflect.TypeFor[*headerTimerView](),
}
