package handlers

import "reflect"

// caseViews are the case pages' templates and their view models.
var caseViews = map[string]reflect.Type{
	"pages/cases/index":        reflect.TypeFor[*casesIndexView](),
	"partials/cases/results":   reflect.TypeFor[*casesIndexView](),
	"partials/cases/row":       reflect.TypeFor[caseRowView](),
	"pages/cases/board":        reflect.TypeFor[*casesBoardView](),
	"partials/cases/board":     reflect.TypeFor[*casesBoardView](),
	"pages/cases/new":          reflect.TypeFor[*caseFormView](),
	"pages/cases/edit":         reflect.TypeFor[*caseFormView](),
	"partials/cases/form":      reflect.TypeFor[*caseFormView](),
	"pages/cases/show":         reflect.TypeFor[*caseShowView](),
	"partials/cases/timeline":  reflect.TypeFor[*caseShowView](),
	"partials/cases/note-form": reflect.TypeFor[*caseShowView](),
	"partials/cases/event":     reflect.TypeFor[timelineItem](),
	"pages/cases/note-edit":    reflect.TypeFor[*noteEditView](),
	"partials/cases/note-edit": reflect.TypeFor[*noteEditView](),
}
