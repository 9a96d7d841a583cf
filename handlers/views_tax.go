package handlers

import "reflect"

// taxViews are issue 22's tax settings templates and their view models.
var taxViews = map[string]reflect.Type{
	"pages/settings/tax":        reflect.TypeFor[*taxView](),
	"pages/settings/tax-preset": reflect.TypeFor[*taxPresetEditView](),
}
