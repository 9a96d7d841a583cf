package handlers

import (
	"fmt"
	"reflect"
)

// viewModels names the view model each page and partial is rendered with.
// page and fragment refuse any other type, and TestViewModels checks every
// template against its entry, so a template cannot name a field its view
// model lacks. Partials that only other templates call are checked through
// those calls.
var viewModels = map[string]reflect.Type{
	"pages/error": reflect.TypeFor[*errorView](),

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

// checkViewModel refuses to render template name with a view model of
// another type than the one registered for it.
func checkViewModel(name string, v viewModel) error {
	want, ok := viewModels[name]
	if !ok {
		return fmt.Errorf("handlers: template %s has no view model in viewModels", name)
	}
	if got := reflect.TypeOf(v); got != want {
		return fmt.Errorf("handlers: template %s rendered with a %s, its view model is %s", name, got, want)
	}
	return nil
}
