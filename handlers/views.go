package handlers

import (
	"fmt"
	"reflect"
)

// viewModels names the view model each page and partial is rendered with,
// gathered from each area's views_<area>.go. page and fragment refuse any
// other type, and TestViewModels checks every template against its entry,
// so a template cannot name a field its view model lacks. Partials that
// only other templates call are checked through those calls.
var viewModels = mergeViewModels(layoutViews, caseViews, clientViews, billingViews, documentsViews, portalViews,
	operatorViews, accountViews, agencyViews, taskViews, requestViews, confirmViews, emailViews, quoteViews, agreementViews, taxViews)

// layoutViews are the layout's own templates and the error page.
var layoutViews = map[string]reflect.Type{
	"pages/error":         reflect.TypeFor[*errorView](),
	"partials/layout/nav": reflect.TypeFor[navView](),
}

func mergeViewModels(parts ...map[string]reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for _, p := range parts {
		for name, t := range p {
			if _, dup := out[name]; dup {
				panic("handlers: two view models for " + name)
			}
			out[name] = t
		}
	}
	return out
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
