package handlers_test

// confirmMatrix says who may use each of routes_confirm.go's routes: who
// may do the action may be asked.
var confirmMatrix = map[string]matrixRow{
	"GET /a/:slug/invoices/:id/issue":             {allowed: staffUp},
	"GET /a/:slug/invoices/:id/void":              {allowed: staffUp},
	"GET /a/:slug/invoices/:id/delete":            {allowed: staffUp},
	"GET /a/:slug/clients/bulk":                   {allowed: staffUp},
	"GET /a/:slug/clients/:id/archive":            {allowed: staffUp},
	"GET /a/:slug/cases/bulk":                     {allowed: staffUp},
	"GET /a/:slug/account/sessions/others/revoke": {allowed: []string{clientRole, staff, admin, owner}},
	"GET /a/:slug/recurring/:id/end":              {allowed: staffUp},
	"GET /a/:slug/recurring/:id/delete":           {allowed: staffUp},
	"GET /a/:slug/quotes/:id/delete":              {allowed: staffUp},
}
