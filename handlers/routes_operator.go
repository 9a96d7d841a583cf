package handlers

// The operator's plans, agency lifecycle and subscription billing, and the
// owner's plan page.
var operatorRoutes = []Route{
	// The owner's plan: choose or change it, see and pay the operator's invoices.
	{"GET", "/a/:slug/plan", Owner, (*Handlers).PlanPage},
	{"POST", "/a/:slug/plan", Owner, (*Handlers).PlanChange},
	{"POST", "/a/:slug/plan/cancel-change", Owner, (*Handlers).PlanCancelChange},
	{"GET", "/a/:slug/plan/invoices/:id/pdf", Owner, (*Handlers).PlanInvoicePDF},
	{"POST", "/a/:slug/plan/invoices/:id/pay", Owner, (*Handlers).PlanInvoicePay},

	// Paysera reports subscription payments to the operator's project here;
	// the signature is the authentication.
	{"GET", subscriptionCallbackPath, External, (*Handlers).SubscriptionPayseraCallback},
	{"POST", subscriptionCallbackPath, External, (*Handlers).SubscriptionPayseraCallback},

	// The console: agencies and their lifecycle, plans, subscription
	// billing, job runs, the operator audit log.
	{"GET", "/operator/agencies/:id", Operator, (*Handlers).OperatorAgency},
	{"POST", "/operator/agencies/:id/lifecycle", Operator, (*Handlers).OperatorAgencyLifecycle},
	{"POST", "/operator/agencies/:id/plan", Operator, (*Handlers).OperatorAgencyPlan},
	{"GET", "/operator/plans", Operator, (*Handlers).OperatorPlans},
	{"GET", "/operator/plans/new", Operator, (*Handlers).OperatorPlanNew},
	{"POST", "/operator/plans", Operator, (*Handlers).OperatorPlanCreate},
	{"GET", "/operator/plans/:id", Operator, (*Handlers).OperatorPlanEdit},
	{"POST", "/operator/plans/:id", Operator, (*Handlers).OperatorPlanUpdate},
	{"GET", "/operator/billing", Operator, (*Handlers).OperatorBilling},
	{"GET", "/operator/billing/settings", Operator, (*Handlers).OperatorBillingSettings},
	{"POST", "/operator/billing/settings", Operator, (*Handlers).OperatorBillingSettingsSave},
	{"GET", "/operator/billing/invoices/:id/pdf", Operator, (*Handlers).OperatorInvoicePDF},
	{"POST", "/operator/billing/invoices/:id/payments", Operator, (*Handlers).OperatorRecordPayment},
	{"GET", "/operator/jobs", Operator, (*Handlers).OperatorJobs},
	{"POST", "/operator/jobs/:name/run", Operator, (*Handlers).OperatorJobRun},
	{"GET", "/operator/audit", Operator, (*Handlers).OperatorAuditLog},
}
