package handlers

// Billing: invoices, recurring invoices, payments and Paysera callbacks.
var billingRoutes = []Route{
	// Invoices and credit notes (staff; the visibility setting narrows them by client).
	{"GET", "/a/:slug/invoices", Staff, (*Handlers).InvoicesIndex},
	{"GET", "/a/:slug/invoices/new", Staff, (*Handlers).InvoiceNew},
	{"GET", "/a/:slug/invoices/line", Staff, (*Handlers).InvoiceLine},
	{"GET", "/a/:slug/invoices/cases", Staff, (*Handlers).InvoiceCases},
	{"GET", "/a/:slug/invoices/reports", Staff, (*Handlers).InvoiceReports},
	{"GET", "/a/:slug/invoices/export.csv", Staff, (*Handlers).InvoicesExport},
	{"GET", "/a/:slug/payments/export.csv", Staff, (*Handlers).PaymentsExport},
	{"POST", "/a/:slug/invoices", Staff, (*Handlers).InvoiceCreate},
	{"GET", "/a/:slug/invoices/:id", Staff, (*Handlers).InvoiceShow},
	{"GET", "/a/:slug/invoices/:id/edit", Staff, (*Handlers).InvoiceEdit},
	{"GET", "/a/:slug/invoices/:id/pdf", Staff, (*Handlers).InvoicePDF},
	{"POST", "/a/:slug/invoices/:id", Staff, (*Handlers).InvoiceUpdate},
	{"POST", "/a/:slug/invoices/:id/delete", Staff, (*Handlers).InvoiceDelete},
	{"POST", "/a/:slug/invoices/:id/issue", Staff, (*Handlers).InvoiceIssue},
	{"POST", "/a/:slug/invoices/:id/void", Staff, (*Handlers).InvoiceVoid},
	{"POST", "/a/:slug/invoices/:id/credit", Staff, (*Handlers).InvoiceCredit},
	{"POST", "/a/:slug/invoices/:id/send", Staff, (*Handlers).InvoiceSend},
	{"POST", "/a/:slug/invoices/:id/payments", Staff, (*Handlers).InvoicePaymentCreate},
	{"POST", "/a/:slug/invoices/:id/pay", Staff, (*Handlers).InvoicePay},

	// Recurring invoices (staff).
	{"GET", "/a/:slug/recurring", Staff, (*Handlers).RecurringIndex},
	{"GET", "/a/:slug/recurring/new", Staff, (*Handlers).RecurringNew},
	{"POST", "/a/:slug/recurring", Staff, (*Handlers).RecurringCreate},
	{"GET", "/a/:slug/recurring/:id", Staff, (*Handlers).RecurringShow},
	{"POST", "/a/:slug/recurring/:id/:action", Staff, (*Handlers).RecurringAction},

	// Billing settings (admins).
	{"GET", "/a/:slug/settings/billing", Admin, (*Handlers).BillingSettings},
	{"POST", "/a/:slug/settings/billing", Admin, (*Handlers).BillingSettingsUpdate},

	// Paysera: the payer's return pages, and the signed callback (no session).
	{"GET", "/a/:slug/payments/paysera/accept", AgencyPublic, (*Handlers).PayseraAccept},
	{"GET", "/a/:slug/payments/paysera/cancel", AgencyPublic, (*Handlers).PayseraCancel},
	{"GET", "/pay/:slug/paysera/callback", External, (*Handlers).PayseraCallback},
	{"POST", "/pay/:slug/paysera/callback", External, (*Handlers).PayseraCallback},
}
