package handlers

import "reflect"

// taskViews are the tasks and time pages' templates and their view
// models. partials/tasks/case and partials/time/case are drawn inside the
// case page (caseShowView embeds caseTasksView and caseTimeView), and
// partials/tasks/portal inside the portal's case page.
var taskViews = map[string]reflect.Type{
	"pages/tasks/edit":      reflect.TypeFor[*taskEditView](),
	"pages/tasks/mine":      reflect.TypeFor[*myTasksView](),
	"pages/tasks/templates": reflect.TypeFor[*taskTemplatesView](),
	"pages/time/timesheet":  reflect.TypeFor[*timesheetView](),
	"pages/time/edit":       reflect.TypeFor[*timeEditView](),
	"pages/time/report":     reflect.TypeFor[*timeReportView](),
	"pages/time/rates":      reflect.TypeFor[*ratesView](),
	"pages/time/calendar":   reflect.TypeFor[*calendarView](),
}
