package handlers_test

// quoteMatrix says who may use each of routes_quotes.go's routes.
var quoteMatrix = map[string]matrixRow{
	"GET /a/:slug/quotes":                     {allowed: staffUp},
	"GET /a/:slug/quotes/new":                 {allowed: staffUp},
	"GET /a/:slug/quotes/line":                {allowed: staffUp},
	"POST /a/:slug/quotes":                    {allowed: staffUp},
	"GET /a/:slug/quotes/:id":                 {allowed: staffUp},
	"GET /a/:slug/quotes/:id/edit":            {allowed: staffUp},
	"GET /a/:slug/quotes/:id/pdf":             {allowed: staffUp},
	"POST /a/:slug/quotes/:id":                {allowed: staffUp},
	"POST /a/:slug/quotes/:id/send":           {allowed: staffUp},
	"POST /a/:slug/quotes/:id/revise":         {allowed: staffUp},
	"POST /a/:slug/quotes/:id/withdraw":       {allowed: staffUp},
	"GET /a/:slug/portal/quotes":              {allowed: []string{clientRole}},
	"GET /a/:slug/portal/quotes/:id":          {allowed: []string{clientRole}},
	"GET /a/:slug/portal/quotes/:id/pdf":      {allowed: []string{clientRole}},
	"POST /a/:slug/portal/quotes/:id/choose":  {allowed: []string{clientRole}},
	"POST /a/:slug/portal/quotes/:id/accept":  {allowed: []string{clientRole}},
	"POST /a/:slug/portal/quotes/:id/decline": {allowed: []string{clientRole}},
}
