package handlers

import "reflect"

// agreementViews are the agreement templates (issue 18 point 4) and their view models.
var agreementViews = map[string]reflect.Type{
	"pages/agreements/index":     reflect.TypeFor[*agreementsIndexView](),
	"pages/agreements/templates": reflect.TypeFor[*agreementTemplatesView](),
	"pages/agreements/new":       reflect.TypeFor[*agreementFormView](),
	"pages/agreements/show":      reflect.TypeFor[*agreementShowView](),
	"pages/portal/agreements":    reflect.TypeFor[*portalAgreementsView](),
	"pages/portal/agreement":     reflect.TypeFor[*portalAgreementView](),
}
