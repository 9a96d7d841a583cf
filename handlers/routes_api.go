package handlers

// apiRoutes are the public API's rows (issue 20), after the settings page
// where owners and admins manage the agency's tokens. Each /api/v1/ row is
// APIToken access with the scope a token needs in its Scope column. The
// guard, problem details, rate limit and idempotency are in api.go and
// api_idempotency.go.
var apiRoutes = concatRoutes(apiTokenRoutes, apiV1Routes)

var apiTokenRoutes = []Route{
	get("/a/:slug/settings/api-tokens", Admin, (*Handlers).APITokens),
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
}

func apiRoute(method, path, scope string, handler AgencyHandler) Route {
	r := route(method, path, APIToken, handler, nil)
	r.Scope = scope
	return r
}
