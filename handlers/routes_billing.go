package handlers

// Billing: invoices, recurring invoices, payments and Paysera callbacks.
var billingRoutes = []Route{
	// Invoices and credit notes (staff; the visibility setting narrows them by client).
	get("/a/:slug/invoices", Staff, (*Handlers).InvoicesIndex),
	get("/a/:slug/invoices/new", Staff, (*Handlers).InvoiceNew),
	get("/a/:slug/invoices/line", Staff, (*Handlers).InvoiceLine),
	get("/a/:slug/invoices/cases", Staff, (*Handlers).InvoiceCases),
	get("/a/:slug/invoices/reports", Staff, (*Handlers).InvoiceReports),
	get("/a/:slug/invoices/export.csv", Staff, (*Handlers).InvoicesExport),
	get("/a/:slug/payments/export.csv", Staff, (*Handlers).PaymentsExport),
	post("/a/:slug/invoices", Staff, (*Handlers).InvoiceCreate),
	post("/a/:slug/invoices/totals", Staff, (*Handlers).InvoiceTotals),
	get("/a/:slug/invoices/:id", Staff, (*Handlers).InvoiceShow),
	get("/a/:slug/invoices/:id/edit", Staff, (*Handlers).InvoiceEdit),
	get("/a/:slug/invoices/:id/pdf", Staff, (*Handlers).InvoicePDF),
	post("/a/:slug/invoices/:id", Staff, (*Handlers).InvoiceUpdate),
	post("/a/:slug/invoices/:id/delete", Staff, (*Handlers).InvoiceDelete),
	post("/a/:slug/invoices/:id/issue", Staff, (*Handlers).InvoiceIssue),
	post("/a/:slug/invoices/:id/void", Staff, (*Handlers).InvoiceVoid),
	post("/a/:slug/invoices/:id/credit", Staff, (*Handlers).InvoiceCredit),
	post("/a/:slug/invoices/:id/send", Staff, (*Handlers).InvoiceSend),
	post("/a/:slug/invoices/:id/payments", Staff, (*Handlers).InvoicePaymentCreate),
	post("/a/:slug/invoices/:id/pay", Staff, (*Handlers).InvoicePay),
	// An overpayment refunded or credited (admins: money leaves or is owed).
	post("/a/:slug/invoices/:id/overpayments/:oid/settle", Admin, (*Handlers).OverpaymentSettle),

	// Recurring invoices (staff).
	get("/a/:slug/recurring", Staff, (*Handlers).RecurringIndex),
	get("/a/:slug/recurring/new", Staff, (*Handlers).RecurringNew),
	post("/a/:slug/recurring", Staff, (*Handlers).RecurringCreate),
	get("/a/:slug/recurring/:id", Staff, (*Handlers).RecurringShow),
	get("/a/:slug/recurring/:id/edit", Staff, (*Handlers).RecurringEdit),
	post("/a/:slug/recurring/:id/edit", Staff, (*Handlers).RecurringUpdate),
	post("/a/:slug/recurring/:id/:action", Staff, (*Handlers).RecurringAction),

	// Billing settings (admins).
	get("/a/:slug/settings/billing", Admin, (*Handlers).BillingSettings),
	post("/a/:slug/settings/billing", Admin, (*Handlers).BillingSettingsUpdate),
	post("/a/:slug/settings/billing/paysera-check", Admin, (*Handlers).BillingSettingsCheckPaysera),

	// Paysera: the payer's return pages, and the signed callback (no session).
	get("/a/:slug/payments/paysera/accept", AgencyPublic, (*Handlers).PayseraAccept),
	get("/a/:slug/payments/paysera/cancel", AgencyPublic, (*Handlers).PayseraCancel),
	get("/pay/:slug/paysera/callback", Callback, (*Handlers).PayseraCallback),
	post("/pay/:slug/paysera/callback", Callback, (*Handlers).PayseraCallback),
}
