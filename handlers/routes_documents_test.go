package handlers_test

// documentMatrix says who may use each of routes_documents.go's routes.
var documentMatrix = map[string]matrixRow{
	"POST /a/:slug/cases/:id/documents":              {allowed: []string{staff, admin, owner}},
	"GET /a/:slug/cases/:id/documents/:doc":          {allowed: []string{staff, admin, owner}},
	"GET /a/:slug/cases/:id/documents/:doc/details":  {allowed: []string{staff, admin, owner}},
	"GET /a/:slug/cases/:id/documents/:doc/preview":  {allowed: []string{staff, admin, owner}},
	"GET /a/:slug/cases/:id/documents/:doc/thumb":    {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/cases/:id/documents/:doc/share":   {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/cases/:id/documents/:doc/delete":  {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/cases/:id/documents/:doc/restore": {allowed: []string{owner}},
	"GET /a/:slug/documents":                         {allowed: []string{owner}},
}
