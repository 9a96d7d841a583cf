package handlers_test

// requestMatrix says who may use each of routes_requests.go's routes.
var requestMatrix = map[string]matrixRow{
	"GET /a/:slug/portal/requests":                       {allowed: []string{clientRole}},
	"GET /a/:slug/portal/requests/new":                   {allowed: []string{clientRole}},
	"POST /a/:slug/portal/requests":                      {allowed: []string{clientRole}},
	"GET /a/:slug/portal/cases/:id/thread":               {allowed: []string{clientRole}},
	"GET /a/:slug/portal/cases/:id/messages/:msg/edit":   {allowed: []string{clientRole}},
	"POST /a/:slug/portal/cases/:id/messages/:msg":       {allowed: []string{clientRole}},
	"GET /a/:slug/portal/cases/:id/documents/:doc/thumb": {allowed: []string{clientRole}},
	"GET /a/:slug/inbox":                                 {allowed: staffUp},
	"GET /a/:slug/inbox/count":                           {allowed: staffUp},
	"GET /a/:slug/cases/:id/thread":                      {allowed: staffUp},
	"POST /a/:slug/cases/:id/messages":                   {allowed: staffUp},
	"POST /a/:slug/cases/:id/messages/:msg/hide":         {allowed: staffUp},
	"GET /a/:slug/settings/requests":                     {allowed: adminUp},
	"POST /a/:slug/settings/requests":                    {allowed: adminUp},
	"GET /a/:slug/settings/requests/:id":                 {allowed: adminUp},
	"POST /a/:slug/settings/requests/:id":                {allowed: adminUp},
	"POST /a/:slug/settings/requests/:id/archive":        {allowed: adminUp},
	"POST /a/:slug/settings/requests/:id/move":           {allowed: adminUp},
}
