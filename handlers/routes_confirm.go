package handlers

// confirmRoutes ask before what cannot be undone (confirm.go): a GET of
// the action's own address, which its POST row does. They come first in
// Routes, so that /clients/bulk and /cases/bulk are not taken for a
// client's or a case's page.
var confirmRoutes = []Route{
	get("/a/:slug/invoices/:id/issue", Staff, (*Handlers).InvoiceIssueConfirm),
	get("/a/:slug/invoices/:id/void", Staff, (*Handlers).InvoiceVoidConfirm),
	get("/a/:slug/invoices/:id/delete", Staff, (*Handlers).InvoiceDeleteConfirm),
	get("/a/:slug/clients/bulk", Staff, (*Handlers).ClientsBulkConfirm),
	get("/a/:slug/clients/:id/archive", Staff, (*Handlers).ClientArchiveConfirm),
	get("/a/:slug/cases/bulk", Staff, (*Handlers).CasesBulkConfirm),
	get("/a/:slug/account/sessions/others/revoke", SignedIn, (*Handlers).RevokeOtherSessionsConfirm),
	get("/a/:slug/recurring/:id/end", Staff, (*Handlers).RecurringEndConfirm),
	get("/a/:slug/recurring/:id/delete", Staff, (*Handlers).RecurringDeleteConfirm),
	get("/a/:slug/quotes/:id/delete", Staff, (*Handlers).QuoteDeleteConfirm),
}
