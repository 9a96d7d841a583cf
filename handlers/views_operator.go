package handlers

import "reflect"

// operatorViews are the operator console and the agency plan pages's templates and their view models.
var operatorViews = map[string]reflect.Type{
	"pages/operator/index":            reflect.TypeFor[*operatorHomeView](),
	"pages/operator/agency":           reflect.TypeFor[*operatorAgencyView](),
	"pages/operator/audit":            reflect.TypeFor[*operatorAuditView](),
	"pages/operator/outbox":           reflect.TypeFor[*operatorOutboxView](),
	"pages/operator/billing":          reflect.TypeFor[*operatorBillingView](),
	"pages/operator/billing_settings": reflect.TypeFor[*subscriptionSettingsView](),
	"pages/operator/jobs":             reflect.TypeFor[*operatorJobsView](),
	"pages/operator/plans":            reflect.TypeFor[*operatorPlansView](),
	"pages/operator/plan":             reflect.TypeFor[*planFormView](),
	"pages/privacy/operator":          reflect.TypeFor[*operatorPrivacyView](),
	"pages/plan/index":                reflect.TypeFor[*planPageView](),
}
