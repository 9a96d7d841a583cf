package handlers

import "reflect"

// taxViews are issue 22's tax and catalogue settings templates and their view models.
var taxViews = map[string]reflect.Type{
	"pages/settings/tax":            reflect.TypeFor[*taxView](),
	"pages/settings/tax-preset":     reflect.TypeFor[*taxPresetEditView](),
	"pages/settings/catalogue":      reflect.TypeFor[*catalogueView](),
	"pages/settings/catalogue-item": reflect.TypeFor[*catalogueItemView](),
}
