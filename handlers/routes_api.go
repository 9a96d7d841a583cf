package handlers

// apiRoutes are the public API's rows (issue 20): each is APIToken access
// with the scope a token needs in its Scope column. The guard, problem
// details, rate limit and idempotency are in api.go and api_idempotency.go;
// the resources' rows are not written yet.
var apiRoutes = []Route{}
