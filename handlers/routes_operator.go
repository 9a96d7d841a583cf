package handlers

// The operator's plans, agency lifecycle and subscription billing, and the
// owner's plan page.
var operatorRoutes = []Route{
	// The owner's plan: choose or change it, see and pay the operator's invoices.
	get("/a/:slug/plan", Owner, (*Handlers).PlanPage),
	post("/a/:slug/plan", Owner, (*Handlers).PlanChange),
	post("/a/:slug/plan/cancel-change", Owner, (*Handlers).PlanCancelChange),
	get("/a/:slug/plan/invoices/:id/pdf", Owner, (*Handlers).PlanInvoicePDF),
	post("/a/:slug/plan/invoices/:id/pay", Owner, (*Handlers).PlanInvoicePay, WritableWhenSuspended),

	// Paysera reports subscription payments to the operator's project here;
	// the signature is the authentication.
	get(subscriptionCallbackPath, External, (*Handlers).SubscriptionPayseraCallback),
	post(subscriptionCallbackPath, External, (*Handlers).SubscriptionPayseraCallback),

	// The console: agencies and their lifecycle, plans, subscription
	// billing, job runs, the operator audit log.
	get("/operator/agencies/:id", Operator, (*Platform).OperatorAgency),
	post("/operator/agencies/:id/lifecycle", Operator, (*Platform).OperatorAgencyLifecycle),
	post("/operator/agencies/:id/plan", Operator, (*Platform).OperatorAgencyPlan),
	post("/operator/agencies/:id/recover", Operator, (*Platform).OperatorAgencyRecover),
	get("/operator/plans", Operator, (*Handlers).OperatorPlans),
	get("/operator/plans/new", Operator, (*Handlers).OperatorPlanNew),
	post("/operator/plans", Operator, (*Handlers).OperatorPlanCreate),
	get("/operator/plans/:id", Operator, (*Handlers).OperatorPlanEdit),
	post("/operator/plans/:id", Operator, (*Handlers).OperatorPlanUpdate),
	get("/operator/billing", Operator, (*Handlers).OperatorBilling),
	get("/operator/billing/settings", Operator, (*Handlers).OperatorBillingSettings),
	post("/operator/billing/settings", Operator, (*Handlers).OperatorBillingSettingsSave),
	get("/operator/billing/invoices/:id/pdf", Operator, (*Handlers).OperatorInvoicePDF),
	post("/operator/billing/invoices/:id/payments", Operator, (*Handlers).OperatorRecordPayment),
	post("/operator/billing/overpayments/:id/settle", Operator, (*Handlers).OperatorOverpaymentSettle),
	get("/operator/jobs", Operator, (*Platform).OperatorJobs),
	post("/operator/jobs/:name/run", Operator, (*Platform).OperatorJobRun),
	get("/operator/audit", Operator, (*Handlers).OperatorAuditLog),
	get("/operator/audit.csv", Operator, (*Handlers).OperatorAuditExport),
}
