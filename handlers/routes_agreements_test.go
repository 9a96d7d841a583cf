package handlers_test

// agreementMatrix says who may use each of routes_agreements.go's routes.
var agreementMatrix = map[string]matrixRow{
	"GET /a/:slug/agreements":                   {allowed: staffUp},
	"GET /a/:slug/agreements/templates":         {allowed: adminUp},
	"POST /a/:slug/agreements/templates":        {allowed: adminUp},
	"GET /a/:slug/agreements/new":               {allowed: staffUp},
	"POST /a/:slug/agreements":                  {allowed: staffUp},
	"GET /a/:slug/agreements/:id":               {allowed: staffUp},
	"POST /a/:slug/agreements/:id/send":         {allowed: staffUp},
	"GET /a/:slug/agreements/:id/signed":        {allowed: staffUp},
	"GET /a/:slug/portal/agreements":            {allowed: []string{clientRole}},
	"GET /a/:slug/portal/agreements/:id":        {allowed: []string{clientRole}},
	"POST /a/:slug/portal/agreements/:id/code":  {allowed: []string{clientRole}},
	"POST /a/:slug/portal/agreements/:id/sign":  {allowed: []string{clientRole}},
	"GET /a/:slug/portal/agreements/:id/signed": {allowed: []string{clientRole}},
}
