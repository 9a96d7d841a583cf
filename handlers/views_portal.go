package handlers

import "reflect"

// portalViews are the portal area's templates and their view models.
// pages/account/emails is here because its handler (portal.go) is the
// portal's email preferences.
var portalViews = map[string]reflect.Type{
	"pages/portal/index":    reflect.TypeFor[*portalHomeView](),
	"pages/portal/case":     reflect.TypeFor[*portalCaseView](),
	"pages/portal/invoices": reflect.TypeFor[*portalInvoicesView](),
	"pages/portal/invoice":  reflect.TypeFor[*portalInvoiceView](),
	"pages/account/emails":  reflect.TypeFor[*emailPreferencesView](),
}
