package handlers_test

// docRequestMatrix says who may use each of routes_docrequests.go's routes.
var docRequestMatrix = map[string]matrixRow{
	"POST /a/:slug/cases/:id/docrequests":               {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/cases/:id/docrequests/:req":          {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/cases/:id/docrequests/:req/withdraw": {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/cases/:id/docrequests/:req/accept":   {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/cases/:id/docrequests/:req/return":   {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/portal/cases/:id/docrequests/:req":   {allowed: []string{clientRole}},
}
