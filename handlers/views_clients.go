package handlers

import "reflect"

// clientViews are the clients area's templates and their view models.
var clientViews = map[string]reflect.Type{
	"pages/clients/index":        reflect.TypeFor[*clientsIndexView](),
	"partials/clients/results":   reflect.TypeFor[*clientsIndexView](),
	"partials/clients/rows":      reflect.TypeFor[*clientsIndexView](),
	"partials/clients/row":       reflect.TypeFor[clientRowView](),
	"pages/clients/new":          reflect.TypeFor[*clientFormView](),
	"pages/clients/edit":         reflect.TypeFor[*clientFormView](),
	"partials/clients/form":      reflect.TypeFor[*clientFormView](),
	"partials/clients/edit-card": reflect.TypeFor[*clientFormView](),
	"partials/clients/messages":  reflect.TypeFor[*clientMessagesView](),
	"pages/clients/show":         reflect.TypeFor[*clientShowView](),
	"partials/clients/tabs":      reflect.TypeFor[*clientShowView](),
	"partials/clients/portal":    reflect.TypeFor[*clientShowView](),
	"partials/clients/card":      reflect.TypeFor[*clientShowView](),
	"pages/clients/import":       reflect.TypeFor[*clientImportView](),
}
