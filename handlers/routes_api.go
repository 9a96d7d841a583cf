package handlers

// apiRoutes are the public API's rows (issue 20), after the settings page
// where owners and admins manage the agency's tokens. Each /api/v1/ row is
// APIToken access with the scope a token needs in its Scope column. The
// guard, problem details, rate limit and idempotency are in api.go and
// api_idempotency.go.
var apiRoutes = concatRoutes(apiTokenRoutes, apiDocRoutes, apiV1Routes)

// apiDocRoutes describe the API: its OpenAPI document (views/api/).
var apiDocRoutes = []Route{
	get("/api/v1/openapi.json", Public, (*Handlers).APIOpenAPI),
}

var apiTokenRoutes = []Route{
	get("/a/:slug/settings/api-tokens", Admin, (*Handlers).APITokens),
	get("/a/:slug/settings/api-tokens/reference", Admin, (*Handlers).APIReference),
	post("/a/:slug/settings/api-tokens", Admin, (*Handlers).APITokenCreate),
	post("/a/:slug/settings/api-tokens/:id/revoke", Admin, (*Handlers).APITokenRevoke),
}

// apiV1Routes are the resources of /api/v1/.
var apiV1Routes = []Route{
	apiRoute("GET", "/api/v1/clients", "clients:read", (*Handlers).APIClients),
	apiRoute("POST", "/api/v1/clients", "clients:write", (*Handlers).APIClientCreate),
	apiRoute("GET", "/api/v1/clients/:id", "clients:read", (*Handlers).APIClient),
	apiRoute("GET", "/api/v1/cases", "cases:read", (*Handlers).APICases),
	apiRoute("GET", "/api/v1/cases/:id", "cases:read", (*Handlers).APICase),
	apiRoute("PATCH", "/api/v1/clients/:id", "clients:write", (*Handlers).APIClientUpdate),
	apiRoute("POST", "/api/v1/cases", "cases:write", (*Handlers).APICaseCreate),
	apiRoute("PATCH", "/api/v1/cases/:id", "cases:write", (*Handlers).APICaseUpdate),
	apiRoute("GET", "/api/v1/cases/:id/messages", "messages:read", (*Handlers).APICaseMessages),
	apiRoute("POST", "/api/v1/cases/:id/messages", "messages:write", (*Handlers).APICaseMessageCreate),
	apiRoute("POST", "/api/v1/cases/:id/notes", "messages:write", (*Handlers).APICaseNoteCreate),
	apiRoute("GET", "/api/v1/cases/:id/documents", "documents:read", (*Handlers).APICaseDocuments),
	apiRoute("POST", "/api/v1/cases/:id/documents", "documents:write", (*Handlers).APICaseDocumentUpload, Streams, Unqueued, NeedsSpace), // streamed, as the UI's upload
	apiRoute("GET", "/api/v1/cases/:id/documents/:doc", "documents:read", (*Handlers).APICaseDocument),
	apiRoute("GET", "/api/v1/invoices", "invoices:read", (*Handlers).APIInvoices),
	apiRoute("GET", "/api/v1/invoices/:id", "invoices:read", (*Handlers).APIInvoice),
	apiRoute("GET", "/api/v1/invoices/:id/payments", "invoices:read", (*Handlers).APIInvoicePayments),
	// Invoice writes (api_invoices_write.go), in the order a draft lives:
	// created, changed, issued, paid, voided.
	apiRoute("POST", "/api/v1/invoices", "invoices:write", (*Handlers).APIInvoiceCreate),
	apiRoute("PATCH", "/api/v1/invoices/:id", "invoices:write", (*Handlers).APIInvoiceUpdate),
	apiRoute("POST", "/api/v1/invoices/:id/issue", "invoices:write", (*Handlers).APIInvoiceIssue),
	apiRoute("POST", "/api/v1/invoices/:id/payments", "invoices:write", (*Handlers).APIInvoicePaymentCreate),
	apiRoute("POST", "/api/v1/invoices/:id/void", "invoices:write", (*Handlers).APIInvoiceVoid),
	apiRoute("GET", "/api/v1/invoices/:id/pdf", "invoices:read", (*Handlers).APIInvoicePDF),
	apiRoute("GET", "/api/v1/quotes", "invoices:read", (*Handlers).APIQuotes), // quotes are billing: no area of their own
	// Settings › Webhooks (api_webhooks.go); an endpoint's deletion last,
	// so a walk down the table meets the endpoint on every row before.
	apiRoute("GET", "/api/v1/webhooks", "webhooks:read", (*Handlers).APIWebhooks),
	apiRoute("POST", "/api/v1/webhooks", "webhooks:write", (*Handlers).APIWebhookCreate),
	apiRoute("GET", "/api/v1/webhooks/:id", "webhooks:read", (*Handlers).APIWebhook),
	apiRoute("PATCH", "/api/v1/webhooks/:id", "webhooks:write", (*Handlers).APIWebhookUpdate),
	apiRoute("POST", "/api/v1/webhooks/:id/rotate-secret", "webhooks:write", (*Handlers).APIWebhookRotate),
	apiRoute("GET", "/api/v1/webhooks/:id/deliveries", "webhooks:read", (*Handlers).APIWebhookDeliveries),
	apiRoute("POST", "/api/v1/webhooks/:id/deliveries/:delivery/redeliver", "webhooks:write", (*Handlers).APIWebhookRedeliver),
	apiRoute("DELETE", "/api/v1/webhooks/:id", "webhooks:write", (*Handlers).APIWebhookDelete),
}

func apiRoute(method, path, scope string, handler AgencyHandler, p ...Policy) Route {
	r := route(method, path, APIToken, handler, p)
	r.Scope = scope
	return r
}
