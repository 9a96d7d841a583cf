package handlers

import "reflect"

// agencyViews are the agency pages' templates (dashboard, search,
// settings, branding, audit log, privacy, cookies, landing) and their view
// models.
var agencyViews = map[string]reflect.Type{
	"pages/dashboard/index":   reflect.TypeFor[*dashboardView](),
	"pages/search/index":      reflect.TypeFor[*searchView](),
	"partials/search/results": reflect.TypeFor[*searchView](),
	"partials/search/suggest": reflect.TypeFor[*searchView](),
	"partials/search/marked":  reflect.TypeFor[[]markedPart](),
	"pages/settings/index":    reflect.TypeFor[*settingsView](),
	"pages/settings/branding": reflect.TypeFor[*brandingView](),
	"pages/audit/index":       reflect.TypeFor[*auditView](),
	"partials/audit/rows":     reflect.TypeFor[*auditView](),
	"partials/audit/sentence": reflect.TypeFor[[]auditPart](),
	"pages/privacy/index":     reflect.TypeFor[*privacyView](),
	"pages/privacy/account":   reflect.TypeFor[*myDataView](),
	"pages/privacy/erase":     reflect.TypeFor[*clientEraseView](),
	"pages/privacy/agency":    reflect.TypeFor[*agencyPrivacyView](),
	"pages/privacy/notice":    reflect.TypeFor[*privacyNoticeView](),
	"pages/cookies/index":     reflect.TypeFor[*cookiesView](),
	"partials/consent/form":   reflect.TypeFor[*cookiesView](),
	"pages/landing/index":     reflect.TypeFor[*landingView](),
}
