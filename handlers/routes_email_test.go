package handlers_test

// emailMatrix says who may use each of routes_email.go's routes: the
// opt-out, anyone holding the link (a forged token gets a 400 page, which
// the matrix counts as the handler speaking); the agency's email texts,
// admins and owners.
var emailMatrix = map[string]matrixRow{
	"GET /a/:slug/email/unsubscribe/:token":      {allowed: everyone},
	"POST /a/:slug/email/unsubscribe/:token":     {allowed: everyone},
	"GET /a/:slug/settings/emails":               {allowed: adminUp},
	"GET /a/:slug/settings/emails/:kind":         {allowed: adminUp},
	"POST /a/:slug/settings/emails/:kind":        {allowed: adminUp},
	"GET /a/:slug/settings/emails/:kind/preview": {allowed: adminUp},
}
